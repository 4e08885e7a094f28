/**
 * One connection's byte channel: socket in → MessageReader, BackendWriter → socket out, with
 * back-pressure both ways and the TLS upgrade.
 * - Inbound: when more than inboundBytesMax bytes are buffered, the socket is paused; it resumes
 *   once the reader has been drained below half of that.
 * - Outbound: bytes accumulate in the writer and go out at flush(); flush() awaits 'drain' when
 *   socket.write() returns false, so a producer that awaits it never buffers unboundedly.
 * - Pending output is flushed before waiting for input, so a client is never left waiting on bytes
 *   that sit in our buffer, except where the protocol lets the server hold it (replies to an
 *   extended-query pipeline before its Sync or Flush: waitForInput(…, false)), unless it reached
 *   FLUSH_BYTES_THRESHOLD.
 * - No timers: an idle connection is only a parked callback (waitForInput) or promise (next()).
 * - With an IdlePoller (WireOptions.idlePollUs), a wait that follows a quick answer from the client
 *   (its last message arrived within the poller's window) keeps the loop polling for that window
 *   (idle-poller.ts), armed after the pending output went out; the poller polls for one hot
 *   connection at a time, and is told each hot wait's turnaround (answer to next message).
 */
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { BackendWriter } from './backend-writer.js';
import type { IdlePoller } from './idle-poller.js';
import { MessageReader, NO_FRAME, type FramedMessage } from './message-reader.js';

/** Flush when this many bytes are pending while producing a large result. */
const FLUSH_BYTES_THRESHOLD = 32 * 1024;

export class WireChannel {
  readonly writer = new BackendWriter();
  readonly reader: MessageReader;
  private socket: Socket;
  private closed = false;
  private paused = false;
  private inputWaiter: (() => void) | undefined;
  private drainWaiter: (() => void) | undefined;
  /** True while the owner is parked waiting for client input (idle). */
  waitingForInput = false;
  waitingForDrain = false;
  /** When the current wait for input began (poller clock; only read with a poller). */
  private waitStartMs = 0;
  /** The client's last message came within the poller's window: the next wait polls. */
  private hot = false;
  /** The current wait began hot (its turnaround is one the poller measures). */
  private waitHot = false;

  constructor(
    socket: Socket,
    messageBytesMax: number,
    startupBytesMax: number,
    private readonly inboundBytesMax: number,
    private readonly poller?: IdlePoller,
  ) {
    this.socket = socket;
    this.reader = new MessageReader(messageBytesMax, startupBytesMax);
    this.attach(socket);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get isTls(): boolean {
    return this.socket instanceof TLSSocket;
  }

  /** The client's address and port (undefined for a socket without them). */
  get peer(): { readonly address: string | undefined; readonly port: number | undefined } {
    return { address: this.socket.remoteAddress, port: this.socket.remotePort };
  }

  get remoteAddress(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  /** The next framed message, or undefined once the client is gone. Throws ProtocolError. */
  async next(): Promise<FramedMessage | undefined> {
    for (;;) {
      const message = this.nextBuffered();
      if (message !== undefined) return message;
      if (this.closed) return undefined;
      await new Promise<void>((resolve) => this.waitForInput(resolve));
    }
  }

  /**
   * The type of the next typed message if one is already buffered, else NO_FRAME (no waiting, no
   * allocation); its payload is reader.frameBuffer[frameStart, frameEnd). Throws ProtocolError.
   */
  nextFrameBuffered(): number {
    const type = this.reader.nextFrame();
    if (type !== NO_FRAME && this.paused && this.reader.bufferedBytes < this.inboundBytesMax / 2) this.resume();
    return type;
  }

  /**
   * Sends pending output (unless `flush` is false and little is pending) and calls `onInput`
   * once, when more input arrived or the connection closed (synchronously inside the socket's 'data' event: no promise, no microtask turn). False,
   * without calling it, when the connection is closed already. (nextFrameBuffered() then tells
   * whether a whole message is there.)
   */
  waitForInput(onInput: () => void, flush = true): boolean {
    if (this.closed) return false;
    // Send what is pending without awaiting 'drain': we are about to wait for input anyway.
    if (flush || this.writer.buffer.pendingBytes >= FLUSH_BYTES_THRESHOLD) this.sendNow();
    if (this.paused) this.resume();
    this.waitingForInput = true;
    this.inputWaiter = onInput;
    const poller = this.poller;
    if (poller !== undefined) {
      const nowMs = poller.nowMs();
      this.waitStartMs = nowMs;
      this.waitHot = this.hot;
      if (this.hot) poller.arm(nowMs, this);
    }
    return true;
  }

  /** The next message if one is already buffered (no waiting, no promise). Throws ProtocolError. */
  nextBuffered(): FramedMessage | undefined {
    const message = this.reader.next();
    if (message !== undefined && this.paused && this.reader.bufferedBytes < this.inboundBytesMax / 2) this.resume();
    return message;
  }

  /** Sends pending output; awaits 'drain' if the socket's buffer is full. */
  async flush(): Promise<void> {
    const bytes = this.writer.buffer.take();
    if (this.closed) return;
    if (bytes !== undefined && this.socket.write(bytes)) return;
    if (!this.socket.writableNeedDrain) return;
    this.waitingForDrain = true;
    await new Promise<void>((resolve) => (this.drainWaiter = resolve));
    this.waitingForDrain = false;
  }

  /** Hands pending output to the socket now, without waiting for 'drain'. */
  sendNow(): void {
    const bytes = this.writer.buffer.take();
    if (bytes !== undefined && !this.closed) this.socket.write(bytes);
  }

  /** Flushes only when enough output is pending (used between chunks of a large result). */
  async flushIfFull(): Promise<void> {
    if (this.writer.buffer.pendingBytes >= FLUSH_BYTES_THRESHOLD || this.socket.writableNeedDrain) await this.flush();
  }

  /** Sends pending output and closes the connection gracefully. */
  end(): void {
    const bytes = this.writer.buffer.take();
    if (this.closed) return;
    this.closed = true;
    if (bytes !== undefined) this.socket.end(bytes);
    else this.socket.end();
    this.wake();
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
    this.wake();
  }

  /** Switches to TLS after we answered an SSLRequest with 'S' (the reader must hold no bytes). */
  upgradeToTls(context: SecureContext): void {
    const raw = this.socket;
    this.detach(raw);
    const secure = new TLSSocket(raw, { isServer: true, secureContext: context });
    this.socket = secure;
    this.attach(secure);
  }

  private attach(socket: Socket): void {
    socket.on('data', this.onData);
    socket.on('end', this.onClose);
    socket.on('close', this.onClose);
    socket.on('error', this.onClose);
    socket.on('drain', this.onDrain);
  }

  private detach(socket: Socket): void {
    socket.off('data', this.onData);
    socket.off('end', this.onClose);
    socket.off('close', this.onClose);
    socket.off('error', this.onClose);
    socket.off('drain', this.onDrain);
  }

  private readonly onData = (chunk: Buffer): void => {
    const poller = this.poller;
    if (poller !== undefined && this.waitingForInput) {
      const turnaroundMs = poller.nowMs() - this.waitStartMs;
      if (this.waitHot) poller.turnaround(turnaroundMs);
      this.hot = turnaroundMs <= poller.windowMs;
    }
    this.reader.push(chunk);
    if (!this.paused && this.reader.bufferedBytes > this.inboundBytesMax) {
      this.paused = true;
      this.socket.pause();
    }
    const waiter = this.inputWaiter;
    this.inputWaiter = undefined;
    this.waitingForInput = false;
    waiter?.();
  };

  private readonly onClose = (): void => {
    if (!this.closed) {
      this.closed = true;
      this.socket.destroy();
    }
    this.wake();
  };

  private readonly onDrain = (): void => {
    const waiter = this.drainWaiter;
    this.drainWaiter = undefined;
    waiter?.();
  };

  private resume(): void {
    this.paused = false;
    this.socket.resume();
  }

  private wake(): void {
    this.waitingForInput = false;
    const input = this.inputWaiter;
    const drain = this.drainWaiter;
    this.inputWaiter = undefined;
    this.drainWaiter = undefined;
    input?.();
    drain?.();
  }
}
