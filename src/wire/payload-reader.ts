/**
 * Bounds-checked reads from one message payload (untrusted bytes). Every read checks the remaining
 * length and throws ProtocolError instead of reading past the end; done() rejects trailing bytes.
 */
import { ProtocolError } from './protocol-error.js';

/** NUL-terminated strings up to this many bytes are tried as ASCII by hand (no native call). */
const SHORT_ASCII_BYTES_MAX = 32;

export class PayloadReader {
  private offset = 0;

  constructor(private readonly payload: Buffer) {}

  get remaining(): number {
    return this.payload.length - this.offset;
  }

  int8(): number {
    this.need(1);
    return this.payload[this.offset++] as number;
  }

  int16(): number {
    this.need(2);
    const value = this.payload.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  uint16(): number {
    this.need(2);
    const value = this.payload.readUInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    this.need(4);
    const value = this.payload.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  uint32(): number {
    this.need(4);
    const value = this.payload.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  /** A NUL-terminated string, decoded as UTF-8. Short ASCII ones (names) are built by hand. */
  cstring(): string {
    const payload = this.payload;
    const start = this.offset;
    let value = '';
    for (let i = start; i < payload.length && i - start <= SHORT_ASCII_BYTES_MAX; i++) {
      const byte = payload[i] as number;
      if (byte === 0) {
        this.offset = i + 1;
        return value;
      }
      if (byte >= 0x80) break;
      value += String.fromCharCode(byte);
    }
    const nul = payload.indexOf(0, start);
    if (nul < 0) throw new ProtocolError('invalid string in message');
    this.offset = nul + 1;
    return payload.toString('utf8', start, nul);
  }

  /** A view of the next n bytes. */
  bytes(n: number): Buffer {
    if (n < 0) throw new ProtocolError('invalid length in message');
    this.need(n);
    const view = this.payload.subarray(this.offset, this.offset + n);
    this.offset += n;
    return view;
  }

  rest(): Buffer {
    return this.bytes(this.remaining);
  }

  /** The message must end here. */
  done(): void {
    if (this.offset !== this.payload.length) throw new ProtocolError('invalid message format');
  }

  private need(n: number): void {
    if (this.offset + n > this.payload.length) throw new ProtocolError('invalid message format');
  }
}
