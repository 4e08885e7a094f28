/**
 * Compact row encoding (the value stored under a row key).
 *
 *   row      := version:u8 (=1) columnCount:varint nullBitmap:ceil(count/8) bytes column*
 *   column   := present only for non-null columns, in column order; bit i of the bitmap
 *               (byte i>>3, bit i&7) is set when column i is NULL
 *   bodies   bool 1 byte | int2/int4/oid/regclass/date zigzag varint (date ±infinity as int32
 *            max/min) | int8, timestamp(tz), time 8 bytes big-endian | float4 4 bytes |
 *            float8 8 bytes | numeric u8 kind (0 finite, 1 NaN, 2 +inf, 3 -inf), finite:
 *            varint scale, varint length, ASCII of the unscaled integer | interval zigzag
 *            months, zigzag days, 8-byte micros | uuid 16 bytes | everything else (text
 *            types, bytea, json, jsonb as text, arrays in PostgreSQL's binary array format):
 *            varint length + bytes
 * Invariants:
 * - decode(encode(v)) equals v and prints the same (numeric scale, bpchar padding kept).
 * - A row written with fewer columns than the table now has (ADD COLUMN) decodes the missing
 *   trailing columns as NULL; the caller applies defaults.
 * - decodeColumn(i) skips earlier columns by their lengths without decoding them.
 * - A text type's body is its text output in UTF-8 (the encoder writes the string's UTF-8), so
 *   textColumns() hands it out as is.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { Interval } from '../types/interval.js';
import { Numeric, NUMERIC_FINITE, NUMERIC_NAN, NUMERIC_PINF } from '../types/numeric.js';
import { OID } from '../types/oids.js';
import { DEFAULT_TYPE_CONTEXT, type SqlType, type TypeContext, type Value } from '../types/sql-type.js';
import { Jsonb, jsonNodeToText, parseJson } from '../types/jsonb.js';
import { ByteWriter } from './key-writer.js';
import { decodeUtf8 } from './utf8-decode.js';

const ROW_FORMAT_VERSION = 1;
const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

const enum RK { Bool, ZigZag, Date, Fixed8Int, Time, Float4, Float8, Numeric, Interval, Uuid, Text, Bytea, Jsonb, Other }

function rowKind(type: SqlType): RK {
  if (type.element !== undefined) return RK.Other;
  switch (type.oid) {
    case OID.bool: return RK.Bool;
    case OID.int2: case OID.int4: case OID.oid: case OID.regclass: case OID.regtype: case OID.regproc: return RK.ZigZag;
    case OID.date: return RK.Date;
    case OID.int8: case OID.timestamp: case OID.timestamptz: return RK.Fixed8Int;
    case OID.time: return RK.Time;
    case OID.float4: return RK.Float4;
    case OID.float8: return RK.Float8;
    case OID.numeric: return RK.Numeric;
    case OID.interval: return RK.Interval;
    case OID.uuid: return RK.Uuid;
    case OID.text: case OID.varchar: case OID.bpchar: case OID.name: case OID.char: case OID.json: case OID.unknown: return RK.Text;
    case OID.bytea: return RK.Bytea;
    case OID.jsonb: return RK.Jsonb;
    default: return RK.Other;
  }
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function unzigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

function corrupt(pos: number): SqlError {
  return new SqlError(SQLSTATE.dataCorrupted, `malformed row at offset ${pos}`);
}

/** Encodes and decodes rows of one column layout. Not shared across async boundaries mid-call. */
export class RowCodec {
  private readonly kinds: RK[];
  private readonly writer = new ByteWriter(256);
  private readonly lengthScratch = new Uint8Array(16);
  private readonly startsScratch: Int32Array;

  constructor(readonly types: readonly SqlType[]) {
    this.kinds = types.map(rowKind);
    this.startsScratch = new Int32Array(types.length);
  }

  encode(values: readonly Value[]): Uint8Array {
    const n = this.types.length;
    if (values.length !== n) throw new SqlError(SQLSTATE.internalError, `row has ${values.length} values for ${n} columns`);
    const w = this.writer;
    w.reset();
    w.byte(ROW_FORMAT_VERSION);
    w.varint(n);
    const bitmapAt = w.pos;
    const bitmapBytes = (n + 7) >> 3;
    w.ensure(bitmapBytes);
    w.buf.fill(0, bitmapAt, bitmapAt + bitmapBytes);
    w.pos += bitmapBytes;
    for (let i = 0; i < n; i++) {
      const v = values[i] as Value;
      if (v === null) w.buf[bitmapAt + (i >> 3)] = (w.buf[bitmapAt + (i >> 3)] as number) | (1 << (i & 7));
      else this.writeValue(w, i, v);
    }
    return w.finish();
  }

  private writeLengthPrefixed(w: ByteWriter, data: Uint8Array): void {
    w.varint(data.length);
    w.bytes(data);
  }

  private writeText(w: ByteWriter, s: string): void {
    // Reserve a maximal varint, write the UTF-8, then move it if the varint was shorter.
    w.ensure(5 + s.length * 3);
    const lenAt = w.pos;
    w.pos += 5;
    const written = w.utf8(s);
    const scratch = this.lengthScratch;
    let len = 0;
    let x = written;
    while (x >= 0x80) {
      scratch[len++] = (x % 128) | 0x80;
      x = Math.floor(x / 128);
    }
    scratch[len++] = x;
    w.buf.copyWithin(lenAt + len, lenAt + 5, lenAt + 5 + written);
    w.buf.set(scratch.subarray(0, len), lenAt);
    w.pos = lenAt + len + written;
  }

  private writeValue(w: ByteWriter, i: number, v: Value): void {
    switch (this.kinds[i]) {
      case RK.Bool: w.byte(v ? 1 : 0); return;
      case RK.ZigZag: w.varint(zigzag(v as number)); return;
      case RK.Date: {
        const d = v as number;
        w.varint(zigzag(d === Infinity ? INT32_MAX : d === -Infinity ? INT32_MIN : d));
        return;
      }
      case RK.Fixed8Int: w.ensure(8); w.view.setBigInt64(w.pos, v as bigint); w.pos += 8; return;
      case RK.Time: w.ensure(8); w.view.setBigInt64(w.pos, BigInt(v as number)); w.pos += 8; return;
      case RK.Float4: w.ensure(4); w.view.setFloat32(w.pos, v as number); w.pos += 4; return;
      case RK.Float8: w.ensure(8); w.view.setFloat64(w.pos, v as number); w.pos += 8; return;
      case RK.Numeric: {
        const n = v as Numeric;
        w.byte(n.kind);
        if (n.kind === NUMERIC_FINITE) {
          w.varint(n.scale);
          this.writeText(w, n.unscaled.toString());
        }
        return;
      }
      case RK.Interval: {
        const iv = v as Interval;
        w.varint(zigzag(iv.months));
        w.varint(zigzag(iv.days));
        w.ensure(8);
        w.view.setBigInt64(w.pos, iv.micros);
        w.pos += 8;
        return;
      }
      case RK.Uuid: w.bytes(Buffer.from((v as string).replace(/-/g, ''), 'hex')); return;
      case RK.Text: this.writeText(w, v as string); return;
      case RK.Bytea: this.writeLengthPrefixed(w, v as Uint8Array); return;
      case RK.Jsonb: this.writeText(w, jsonNodeToText((v as Jsonb).root)); return;
      default: this.writeLengthPrefixed(w, (this.types[i] as SqlType).toBinary(v, DEFAULT_TYPE_CONTEXT));
    }
  }

  /** Decodes every column. */
  decode(bytes: Uint8Array): Value[] {
    const cursor = new RowCursor(bytes);
    const out: Value[] = new Array<Value>(this.types.length).fill(null);
    const stored = Math.min(cursor.count, this.types.length);
    for (let i = 0; i < stored; i++) {
      if (!cursor.isNull(i)) out[i] = this.readValue(cursor, i);
    }
    return out;
  }

  /** Decodes column `index` only, skipping the bodies before it. */
  decodeColumn(bytes: Uint8Array, index: number): Value {
    const cursor = new RowCursor(bytes);
    if (index >= cursor.count || cursor.isNull(index)) return null;
    for (let i = 0; i < index; i++) if (!cursor.isNull(i)) this.skipValue(cursor, i);
    return this.readValue(cursor, index);
  }

  /**
   * PostgreSQL's text output (under `ctx`) of columns `slots` of an encoded row, without decoding
   * what need not be: a text-type column is a view of its stored UTF-8 bytes (its text output
   * exactly), any other column the string its type's toText() gives; NULL is null. Views share
   * `bytes` and live as long as it does.
   */
  textColumns(bytes: Uint8Array, slots: readonly number[], ctx: TypeContext): Array<string | Uint8Array | null> {
    const cursor = new RowCursor(bytes);
    const starts = this.columnStarts(cursor);
    const out = new Array<string | Uint8Array | null>(slots.length);
    for (let k = 0; k < slots.length; k++) {
      const slot = slots[k] as number;
      const at = starts[slot] as number;
      if (at < 0) {
        out[k] = null;
        continue;
      }
      cursor.pos = at;
      if (this.kinds[slot] === RK.Text) out[k] = cursor.slice(cursor.varint());
      else out[k] = (this.types[slot] as SqlType).toText(this.readValue(cursor, slot), ctx);
    }
    return out;
  }

  /** Where each column's body starts in the row under `cursor` (-1: NULL or not stored). */
  private columnStarts(cursor: RowCursor): Int32Array {
    const starts = this.startsScratch;
    const stored = Math.min(cursor.count, this.types.length);
    for (let i = 0; i < stored; i++) {
      if (cursor.isNull(i)) starts[i] = -1;
      else {
        starts[i] = cursor.pos;
        this.skipValue(cursor, i);
      }
    }
    starts.fill(-1, stored);
    return starts;
  }

  private skipValue(c: RowCursor, i: number): void {
    switch (this.kinds[i]) {
      case RK.Bool: c.pos += 1; return;
      case RK.ZigZag: case RK.Date: c.varint(); return;
      case RK.Fixed8Int: case RK.Time: case RK.Float8: c.pos += 8; return;
      case RK.Float4: c.pos += 4; return;
      case RK.Uuid: c.pos += 16; return;
      case RK.Numeric: if (c.byte() === NUMERIC_FINITE) { c.varint(); c.skip(c.varint()); } return;
      case RK.Interval: c.varint(); c.varint(); c.pos += 8; return;
      default: c.skip(c.varint());
    }
  }

  private readValue(c: RowCursor, i: number): Value {
    switch (this.kinds[i]) {
      case RK.Bool: return c.byte() !== 0;
      case RK.ZigZag: return unzigzag(c.varint());
      case RK.Date: {
        const d = unzigzag(c.varint());
        return d === INT32_MAX ? Infinity : d === INT32_MIN ? -Infinity : d;
      }
      case RK.Fixed8Int: return c.view(8).getBigInt64(c.pos - 8);
      case RK.Time: return Number(c.view(8).getBigInt64(c.pos - 8));
      case RK.Float4: return c.view(4).getFloat32(c.pos - 4);
      case RK.Float8: return c.view(8).getFloat64(c.pos - 8);
      case RK.Numeric: {
        const kind = c.byte();
        if (kind === NUMERIC_NAN) return Numeric.NaN;
        if (kind === NUMERIC_PINF) return Numeric.POSITIVE_INFINITY;
        if (kind !== NUMERIC_FINITE) return Numeric.NEGATIVE_INFINITY;
        const scale = c.varint();
        return Numeric.of(BigInt(c.text()), scale);
      }
      case RK.Interval: {
        const months = unzigzag(c.varint());
        const days = unzigzag(c.varint());
        return new Interval(months, days, c.view(8).getBigInt64(c.pos - 8));
      }
      case RK.Uuid: {
        const hex = Buffer.from(c.slice(16)).toString('hex');
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      }
      case RK.Text: return c.text();
      case RK.Bytea: return Uint8Array.from(c.slice(c.varint()));
      case RK.Jsonb: return new Jsonb(parseJson(c.text()));
      default: return (this.types[i] as SqlType).fromBinary(c.slice(c.varint()), -1, DEFAULT_TYPE_CONTEXT);
    }
  }
}

/** Read position over one encoded row; validates every read against the row's length. */
class RowCursor {
  pos: number;
  readonly count: number;
  private readonly bitmapAt: number;
  private dv: DataView | undefined;

  constructor(readonly bytes: Uint8Array) {
    this.pos = 0;
    if (this.byte() !== ROW_FORMAT_VERSION) throw corrupt(0);
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
