/**
 * A growable byte buffer for building keys and rows without a per-value allocation: one writer is
 * reused across calls; `finish()` copies out the bytes written since `reset()`.
 * - Capacity doubles when needed and never shrinks; `bytesMax` bounds it (a key or row larger
 *   than that is rejected with 54000, as PostgreSQL rejects oversized index rows).
 */
import { SqlError, SQLSTATE } from '../../util/index.js';

/** Default bound on one key or row (PostgreSQL's 1 GB varlena limit, scaled down). */
export const ENCODED_BYTES_MAX = 64 * 1024 * 1024;

export class ByteWriter {
  buf: Uint8Array;
  view: DataView;
  /** A Buffer over buf's memory: Buffer.write() encodes UTF-8 in place with no allocation. */
  private text: Buffer;
  pos = 0;

  constructor(
    capacityBytes = 256,
    readonly bytesMax = ENCODED_BYTES_MAX,
  ) {
    this.buf = new Uint8Array(capacityBytes);
    this.view = new DataView(this.buf.buffer);
    this.text = Buffer.from(this.buf.buffer, 0, this.buf.length);
  }

  reset(): void {
    this.pos = 0;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    if (need > this.bytesMax) {
      throw new SqlError(SQLSTATE.programLimitExceeded, `encoded value size ${need} exceeds maximum ${this.bytesMax}`);
    }
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(Math.min(cap, this.bytesMax));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
    this.text = Buffer.from(next.buffer, 0, next.length);
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  uint32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v);
    this.pos += 4;
  }

  /** Unsigned LEB128 of a non-negative safe integer. */
  varint(v: number): void {
    this.ensure(8);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  /** UTF-8 of a string, returning its byte length. */
  utf8(s: string): number {
    this.ensure(s.length * 3);
    const written = this.text.write(s, this.pos);
    this.pos += written;
    return written;
  }

  /** Copy of the bytes written since reset(). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** The bytes written since reset(), as a view: valid until the writer's next reset() or write. */
  written(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

