/**
 * RowCursor: the read position over one encoded row (layout in row-encoding.ts): its header
 * (version, column count, null bitmap), then bodies read in column order.
 *
 * - Every read is checked against the row's length; malformed bytes raise XX001 with the offset.
 * - Only versions ROW_FORMAT_VERSION and ROW_FORMAT_VERSION_KEYED are accepted.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { decodeUtf8 } from './utf8-decode.js';

export const ROW_FORMAT_VERSION = 1;
/** Rows without the bodies of the codec's key columns (their values are in the row key). */
export const ROW_FORMAT_VERSION_KEYED = 2;

function corrupt(pos: number): SqlError {
  return new SqlError(SQLSTATE.dataCorrupted, `malformed row at offset ${pos}`);
}

/** Read position over one encoded row; validates every read against the row's length. */
export class RowCursor {
  pos: number;
  readonly version: number;
  readonly count: number;
  private readonly bitmapAt: number;
  private dv: DataView | undefined;

  constructor(readonly bytes: Uint8Array) {
    this.pos = 0;
    this.version = this.byte();
    if (this.version !== ROW_FORMAT_VERSION && this.version !== ROW_FORMAT_VERSION_KEYED) throw corrupt(0);
    this.count = this.varint();
    this.bitmapAt = this.pos;
    this.pos += (this.count + 7) >> 3;
    if (this.pos > bytes.length) throw corrupt(this.pos);
  }

  isNull(i: number): boolean {
    return (((this.bytes[this.bitmapAt + (i >> 3)] as number) >> (i & 7)) & 1) === 1;
  }

  byte(): number {
    if (this.pos >= this.bytes.length) throw corrupt(this.pos);
    return this.bytes[this.pos++] as number;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw corrupt(this.pos);
  }

  /** Advances by n and returns a DataView over the whole row (read at pos - n). */
  view(n: number): DataView {
    if (this.pos + n > this.bytes.length) throw corrupt(this.pos);
    this.pos += n;
    this.dv ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    return this.dv;
  }

  /** Advances past n bytes (a length read first: `c.skip(c.varint())`). */
  skip(n: number): void {
    if (this.pos + n > this.bytes.length) throw corrupt(this.pos);
    this.pos += n;
  }

  slice(n: number): Uint8Array {
    if (this.pos + n > this.bytes.length) throw corrupt(this.pos);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  text(): string {
    const n = this.varint();
    if (this.pos + n > this.bytes.length) throw corrupt(this.pos);
    const start = this.pos;
    this.pos += n;
    return decodeUtf8(this.bytes, start, this.pos);
  }
}
