/**
 * Bounds-checked reads from one message payload (untrusted bytes). Every read checks the remaining
 * length and throws ProtocolError instead of reading past the end; done() rejects trailing bytes.
 * - One reader per connection is reused for every message (reset()): no object per message.
 * - name() returns the same string object for a name read again (a prepared statement's name on
 *   every Bind), from a small per-reader cache, so a hot name costs no allocation and its hash,
 *   cached on the string, is computed once.
 */
import { ProtocolError } from './protocol-error.js';

/** NUL-terminated strings up to this many bytes are tried as ASCII by hand (no native call). */
const SHORT_ASCII_BYTES_MAX = 32;
/**
 * Names remembered by name() (oldest replaced first). A client may cycle through more than a
 * handful of prepared statements (YCSB's driver: a read and one update per field, 11), and a
 * name that missed costs a decode and a new string whose hash the statement map computes again.
 */
const NAME_CACHE_SIZE = 32;
const EMPTY_BUFFER = Buffer.alloc(0);

export class PayloadReader {
  private payload: Buffer;
  private offset = 0;
  private end: number;
  private readonly names: string[] = [];
  private nextNameSlot = 0;

  constructor(payload: Buffer = EMPTY_BUFFER) {
    this.payload = payload;
    this.end = payload.length;
  }

  /** Reads payload[start, end) from now on. */
  reset(payload: Buffer, start: number, end: number): this {
    this.payload = payload;
    this.offset = start;
    this.end = end;
    return this;
  }

  get remaining(): number {
    return this.end - this.offset;
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
    const end = this.end;
    let value = '';
    for (let i = start; i < end && i - start <= SHORT_ASCII_BYTES_MAX; i++) {
      const byte = payload[i] as number;
      if (byte === 0) {
        this.offset = i + 1;
        return value;
      }
      if (byte >= 0x80) break;
      value += String.fromCharCode(byte);
    }
    const nul = payload.indexOf(0, start);
    if (nul < 0 || nul >= end) throw new ProtocolError('invalid string in message');
    this.offset = nul + 1;
    return payload.toString('utf8', start, nul);
  }

  /** A NUL-terminated name (statement, portal): as cstring(), but a recently read name is reused. */
  name(): string {
    const payload = this.payload;
    const start = this.offset;
    if (start < this.end && payload[start] === 0) {
      this.offset = start + 1;
      return '';
    }
    const nul = payload.indexOf(0, start);
    if (nul < 0 || nul >= this.end) throw new ProtocolError('invalid string in message');
    this.offset = nul + 1;
    const length = nul - start;
    const names = this.names;
    for (let n = 0; n < names.length; n++) {
      const candidate = names[n] as string;
      if (candidate.length === length && this.holds(candidate, start)) return candidate;
    }
    const value = payload.toString('utf8', start, nul);
    names[this.nextNameSlot] = value;
    this.nextNameSlot = (this.nextNameSlot + 1) % NAME_CACHE_SIZE;
    return value;
  }

  /** The next n bytes decoded as UTF-8 (no view made first). */
  text(n: number): string {
    if (n < 0) throw new ProtocolError('invalid length in message');
    this.need(n);
    const start = this.offset;
    this.offset += n;
    return this.payload.toString('utf8', start, start + n);
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
    if (this.offset !== this.end) throw new ProtocolError('invalid message format');
  }

  /**
   * True when the payload at `at` holds `name` (ASCII only; the caller checked the length), compared
   * from the end: names of one client often share a prefix (ycsb_update_field0 … field9).
   */
  private holds(name: string, at: number): boolean {
    const payload = this.payload;
    for (let i = name.length - 1; i >= 0; i--) {
      const code = name.charCodeAt(i);
      if (code >= 0x80 || payload[at + i] !== code) return false;
    }
    return true;
  }

  private need(n: number): void {
    if (this.offset + n > this.end) throw new ProtocolError('invalid message format');
  }
}
