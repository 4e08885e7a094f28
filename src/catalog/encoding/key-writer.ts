/**
 * A growable byte buffer for building keys and rows without a per-value allocation: one writer is
 * reused across calls; `finish()` copies out the bytes written since `reset()`.
 * - Capacity doubles when needed and shrinks only at reset(keepBytesMax); `bytesMax` bounds it (a
 *   key or row larger than that is rejected with 54000, as PostgreSQL rejects oversized index rows).
 * - Growing moves to a new buffer: views of the old one keep the bytes written before.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';

/** Default bound on one key or row (PostgreSQL's 1 GB varlena limit, scaled down). */
export const ENCODED_BYTES_MAX = 64 * 1024 * 1024;
/** range() copies up to this many bytes in a loop; longer ranges through a view and set(). */
const RANGE_LOOP_BYTES_MAX = 48;

export class ByteWriter {
  buf: Uint8Array;
  view: DataView;
  /** A Buffer over buf's memory: Buffer.write() encodes UTF-8 in place with no allocation. */
  private text: Buffer;
  pos = 0;

  constructor(
    private readonly initialBytes = 256,
    readonly bytesMax = ENCODED_BYTES_MAX,
  ) {
    this.buf = new Uint8Array(initialBytes);
    this.view = new DataView(this.buf.buffer);
    this.text = Buffer.from(this.buf.buffer, 0, this.buf.length);
  }

  /**
   * Starts over at position 0. With `keepBytesMax`, a buffer grown past it is replaced by one of
   * the initial capacity (views of the old one stay valid: it is never written again).
   */
  reset(keepBytesMax = Infinity): void {
    this.pos = 0;
    if (this.buf.length > keepBytesMax) this.replace(new Uint8Array(this.initialBytes));
  }

  /**
   * Starts over at position 0 in a new buffer of the initial capacity: the bytes written so far,
   * and views of them, stay as they are (an arena of rows handed out as views moves on this way
   * instead of growing and copying them).
   */
  detach(): void {
    this.pos = 0;
    this.replace(new Uint8Array(this.initialBytes));
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
    this.replace(next);
  }

  private replace(next: Uint8Array): void {
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

  /** A big-endian int16 (by hand: no DataView call for the protocol-style fields). */
  int16(v: number): void {
    this.ensure(2);
    const buf = this.buf;
    buf[this.pos] = (v >>> 8) & 0xff;
    buf[this.pos + 1] = v & 0xff;
    this.pos += 2;
  }

  /** A big-endian int32 (two's complement: -1 is 0xffffffff). */
  int32(v: number): void {
    this.ensure(4);
    this.putInt32(v, this.pos);
    this.pos += 4;
  }

  /** Overwrites the int32 at `at` (a length reserved before the bytes it counts were written). */
  putInt32(v: number, at: number): void {
    const buf = this.buf;
    buf[at] = (v >>> 24) & 0xff;
    buf[at + 1] = (v >>> 16) & 0xff;
    buf[at + 2] = (v >>> 8) & 0xff;
    buf[at + 3] = v & 0xff;
  }

  /**
   * Copies src[start, end) without making a view of it: short ranges byte by byte, longer ones
   * through one view and a native copy (where that is cheaper than the loop).
   */
  range(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.ensure(n);
    const buf = this.buf;
    let at = this.pos;
    if (n > RANGE_LOOP_BYTES_MAX) buf.set(src.subarray(start, end), at);
    else for (let i = start; i < end; i++) buf[at++] = src[i] as number;
    this.pos += n;
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

  /** Appends a copy of the n bytes written at `from` (copyWithin: no view, no per-byte loop). */
  within(from: number, n: number): void {
    this.ensure(n);
    this.buf.copyWithin(this.pos, from, from + n);
    this.pos += n;
  }

  /** Removes the bytes [start, end) written before, moving what follows back over them. */
  cut(start: number, end: number): void {
    this.buf.copyWithin(start, end, this.pos);
    this.pos -= end - start;
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

