/**
 * A protocol-level test client: sends bytes made by pg-protocol's `serialize` (or hand-made bytes)
 * and parses what the server sends with pg-protocol's own parser.
 */
import { connect, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { parse, serialize } from 'pg-protocol';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';

export type Message = BackendMessage & Record<string, unknown>;

export class RawClient {
  readonly messages: Message[] = [];
  private readonly stream = new PassThrough();
  private rawBytesWanted = 0;
  private readonly rawBytes: number[] = [];
  private waiter: (() => void) | undefined;
  closed = false;
  /** From BackendKeyData, once ready() saw it. */
  backendKey: { processID: number; secretKey: number } | undefined;

  private constructor(readonly socket: Socket) {
    void parse(this.stream, (message) => {
      this.messages.push(message as Message);
      this.wake();
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** Connects, sends a StartupMessage and waits for the first ReadyForQuery. */
  static async ready(port: number, params: Record<string, string> = { user: 'postgres', database: 'postgres' }): Promise<RawClient> {
    const client = await RawClient.connect(port);
    client.send(serialize.startup(params));
    const key = (await client.until('readyForQuery')).find((m) => m.name === 'backendKeyData');
    if (key !== undefined) client.backendKey = { processID: key.processID as number, secretKey: key.secretKey as number };
    return client;
  }

  send(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Reads n raw bytes (the answer to SSLRequest / GSSENCRequest) before any message. */
  async rawByte(): Promise<number> {
    this.rawBytesWanted = 1;
    while (this.rawBytes.length === 0) {
      if (this.closed) throw new Error('closed');
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    return this.rawBytes.shift() as number;
  }

  /** Waits for a message named `name`; returns and removes every message up to and including it. */
  async until(name: string): Promise<Message[]> {
    for (;;) {
      const index = this.messages.findIndex((m) => m.name === name);
      if (index >= 0) return this.messages.splice(0, index + 1);
      if (this.closed) throw new Error(`connection closed before ${name}; got ${this.messages.map((m) => m.name).join(',')}`);
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  /** Waits until the server closes the connection; returns every message left. */
  async untilClosed(): Promise<Message[]> {
    while (!this.closed) await new Promise<void>((resolve) => (this.waiter = resolve));
    return this.messages.splice(0);
  }

  /** Simple query round trip. */
  async query(sql: string): Promise<Message[]> {
    this.send(serialize.query(sql));
    return this.until('readyForQuery');
  }

  end(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let data = chunk;
    while (this.rawBytesWanted > 0 && data.length > 0) {
      this.rawBytes.push(data[0] as number);
      this.rawBytesWanted--;
      data = data.subarray(1);
    }
    if (data.length > 0) this.stream.write(data);
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}

export function names(messages: readonly Message[]): string[] {
  return messages.map((m) => m.name);
}
