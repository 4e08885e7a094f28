/**
 * Frames client messages out of the byte stream; decoding the payload is frontend-messages.ts.
 * - Two phases: startup packets (int32 length, no type byte) until the StartupMessage was read,
 *   then typed messages (type byte, int32 length).
 * - Every length is validated as soon as its header is complete, before the body arrives: below
 *   the minimum or above the maximum (messageBytesMax; SMALL_MESSAGE_BYTES_MAX for message types
 *   that carry no user data) is a ProtocolError, so no oversized message is ever buffered.
 * - Payloads are views into buffers that are never written again once a view was handed out
 *   (the reader appends only past `end` and allocates a new buffer to compact), so a payload stays
 *   valid for as long as the caller keeps it.
 * - nextFrame() frames a typed message without allocating: its payload is frameBuffer[frameStart,
 *   frameEnd), valid as a view would be (the bytes are never written again).
 */
import { ProtocolError } from './protocol-error.js';

/** One framed message. For startup packets, type is -1 and payload starts at the request code. */
export interface FramedMessage {
  readonly type: number;
  readonly payload: Buffer;
}

const GROW_BYTES_MIN = 16 * 1024;
const EMPTY_BUFFER = Buffer.alloc(0);
/** nextFrame() found no complete message. */
export const NO_FRAME = -1;

/**
 * PostgreSQL's PQ_SMALL_MESSAGE_LIMIT: messages that never carry user data (Sync, Flush, Describe,
 * Close, Execute, Terminate, CopyDone, CopyFail) may not be larger than this.
 */
export const SMALL_MESSAGE_BYTES_MAX = 10_000;
const SMALL_TYPES = new Set([0x53, 0x48, 0x44, 0x43, 0x45, 0x58, 0x63, 0x66]);

export class MessageReader {
  private buffer: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  /** True while `buffer` is ours to append into (not a chunk handed to us by the socket). */
  private owned = false;
  private startupPhase = true;
  /** The payload of the message nextFrame() returned: frameBuffer[frameStart, frameEnd). */
  frameBuffer: Buffer = EMPTY_BUFFER;
  frameStart = 0;
  frameEnd = 0;

  constructor(
    private readonly messageBytesMax: number,
    private readonly startupBytesMax: number,
  ) {}

  get bufferedBytes(): number {
    return this.end - this.start;
  }

  /** After the StartupMessage: typed messages from now on. */
  endStartupPhase(): void {
    this.startupPhase = false;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.start === this.end) {
      this.buffer = chunk;
      this.start = 0;
      this.end = chunk.length;
      this.owned = false;
      return;
    }
    if (this.owned && this.end + chunk.length <= this.buffer.length) {
      chunk.copy(this.buffer, this.end);
      this.end += chunk.length;
      return;
    }
    const kept = this.end - this.start;
    const next = Buffer.allocUnsafe(Math.max(GROW_BYTES_MIN, (kept + chunk.length) * 2));
    this.buffer.copy(next, 0, this.start, this.end);
    chunk.copy(next, kept);
    this.buffer = next;
    this.start = 0;
    this.end = kept + chunk.length;
    this.owned = true;
  }

  /** The next complete message, or undefined if more bytes are needed. Throws ProtocolError. */
  next(): FramedMessage | undefined {
    return this.startupPhase ? this.nextStartup() : this.nextTyped();
  }

  private nextStartup(): FramedMessage | undefined {
    if (this.end - this.start < 4) return undefined;
    const length = this.buffer.readInt32BE(this.start);
    if (length < 8 || length > this.startupBytesMax) throw new ProtocolError('invalid length of startup packet');
    if (this.end - this.start < length) return undefined;
    const payload = this.buffer.subarray(this.start + 4, this.start + length);
    this.consume(length);
    return { type: -1, payload };
  }

  private nextTyped(): FramedMessage | undefined {
    const type = this.nextFrame();
    if (type === NO_FRAME) return undefined;
    return { type, payload: this.frameBuffer.subarray(this.frameStart, this.frameEnd) };
  }

  /**
   * Frames the next typed message (after the startup phase): returns its type and sets frameBuffer,
   * frameStart and frameEnd to its payload, or returns NO_FRAME if more bytes are needed. Throws
   * ProtocolError.
   */
  nextFrame(): number {
    const start = this.start;
    if (this.end - start < 5) return NO_FRAME;
    const buffer = this.buffer;
    const type = buffer[start] as number;
    const length = buffer.readInt32BE(start + 1);
    if (length < 4) throw new ProtocolError(`invalid message length ${length}`);
    if (length > SMALL_MESSAGE_BYTES_MAX && SMALL_TYPES.has(type)) throw new ProtocolError(`invalid message length ${length}`);
    if (length > this.messageBytesMax) {
      throw new ProtocolError(`message of ${length} bytes exceeds the maximum of ${this.messageBytesMax}`);
    }
    if (this.end - start < length + 1) return NO_FRAME;
    this.frameBuffer = buffer;
    this.frameStart = start + 5;
    this.frameEnd = start + 1 + length;
    this.consume(length + 1);
    return type;
  }

  /** Past the message just framed. Once all is consumed, the next push() starts from its chunk. */
  private consume(n: number): void {
    this.start += n;
  }

  /** Bytes buffered beyond the messages consumed so far (an SSLRequest must have none). */
  hasPendingBytes(): boolean {
    return this.end > this.start;
  }
}
