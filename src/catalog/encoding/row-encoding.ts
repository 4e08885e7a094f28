/**
 * Compact row encoding (the value stored under a row key).
 *
 *   row      := version:u8 (1 or 2) columnCount:varint nullBitmap:ceil(count/8) bytes column*
 *   column   := present only for non-null columns, in column order; bit i of the bitmap
 *               (byte i>>3, bit i&7) is set when column i is NULL
 *   version 2: the codec's key columns (primary-key columns the row key holds exactly) have
 *               neither a bit nor a body; their values come from the row key (TableCodec)
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
 *   writeTextFields() copies it out as is.
 * - A codec with key columns writes version 2 and reads both versions: a version-1 row (written
 *   before key columns were left out) still carries every body.
 * - spliceView(row, changed, values) gives the same bytes as encoding the decoded row with the
 *   changed columns replaced.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { Interval } from '../types/interval.js';
import { Numeric, NUMERIC_FINITE, NUMERIC_NAN, NUMERIC_PINF } from '../types/numeric.js';
import { OID } from '../types/oids.js';
import { DEFAULT_TYPE_CONTEXT, type SqlType, type TypeContext, type Value } from '../types/sql-type.js';
import { Jsonb, jsonNodeToText, parseJson } from '../types/jsonb.js';
import { ByteWriter } from './key-writer.js';
import { ROW_FORMAT_VERSION, ROW_FORMAT_VERSION_KEYED, RowCursor } from './row-cursor.js';
import type { KeyColumnTexts } from './key-text.js';
import { writeTextField } from './text-fields.js';

/** columnStarts(): the column is NULL or not stored. */
const NO_BODY = -1;
/** columnStarts(): the column is a key column of a version-2 row (its value is in the row key). */
const IN_KEY = -2;
const INT32_MAX = 2147483647;
/** writeTextFields() copies rows of at least this many bytes whole before moving their text bodies. */
const ROW_COPY_BYTES_MIN = 256;
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

/** Bytes of the unsigned LEB128 varint of n (n >= 0). */
function varintBytes(n: number): number {
  let bytes = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    bytes++;
  }
  return bytes;
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function unzigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

/**
 * Encodes and decodes rows of one column layout. Not shared across async boundaries mid-call.
 * `keySlots` (slots in key column order) are the columns the row key holds: version-2 rows leave
 * them out, and readers get them from the key (`keyValues`, in the same order).
 */
export class RowCodec {
  private readonly kinds: RK[];
  private readonly writer = new ByteWriter(256);
  private readonly startsScratch: Int32Array;
  /** Per slot, its position among the key columns, or -1. */
  private readonly keyPositions: Int32Array;
  private readonly version: number;

  constructor(
    readonly types: readonly SqlType[],
    readonly keySlots: readonly number[] = [],
  ) {
    this.kinds = types.map(rowKind);
    this.startsScratch = new Int32Array(types.length);
    this.keyPositions = new Int32Array(types.length).fill(-1);
    keySlots.forEach((slot, k) => {
      if (slot < 0 || slot >= types.length) throw new SqlError(SQLSTATE.internalError, `key slot ${slot} outside the row`);
      this.keyPositions[slot] = k;
    });
    this.version = keySlots.length > 0 ? ROW_FORMAT_VERSION_KEYED : ROW_FORMAT_VERSION;
  }

  /** The encoded row, a fresh copy. */
  encode(values: readonly Value[]): Uint8Array {
    this.encodeInWriter(values);
    return this.writer.finish();
  }

  /** The encoded row as a view of the codec's buffer: valid until the codec's next encode. */
  encodeView(values: readonly Value[]): Uint8Array {
    this.encodeInWriter(values);
    return this.writer.written();
  }

  /** Whether `bytes` leaves out the key columns (their values are in the row key). */
  omitsKey(bytes: Uint8Array): boolean {
    return bytes[0] === ROW_FORMAT_VERSION_KEYED;
  }

  private encodeInWriter(values: readonly Value[]): void {
    const n = this.types.length;
    if (values.length !== n) throw new SqlError(SQLSTATE.internalError, `row has ${values.length} values for ${n} columns`);
    const w = this.writer;
    w.reset();
    w.byte(this.version);
    w.varint(n);
    const bitmapAt = w.pos;
    const bitmapBytes = (n + 7) >> 3;
    w.ensure(bitmapBytes);
    w.buf.fill(0, bitmapAt, bitmapAt + bitmapBytes);
    w.pos += bitmapBytes;
    const keyPositions = this.keyPositions;
    for (let i = 0; i < n; i++) {
      if ((keyPositions[i] as number) >= 0) continue;
      const v = values[i] as Value;
      if (v === null) w.buf[bitmapAt + (i >> 3)] = (w.buf[bitmapAt + (i >> 3)] as number) | (1 << (i & 7));
      else this.writeValue(w, i, v);
    }
  }

  private writeLengthPrefixed(w: ByteWriter, data: Uint8Array): void {
    w.varint(data.length);
    w.bytes(data);
  }

  private writeText(w: ByteWriter, s: string): void {
    // The UTF-8 is at least s.length bytes: reserve the varint that length needs, write the UTF-8,
    // and move it only when its real length needs a longer varint (rare: mostly non-ASCII text).
    w.ensure(5 + s.length * 3);
    const lenAt = w.pos;
    const reserved = varintBytes(s.length);
    w.pos += reserved;
    const written = w.utf8(s);
    const len = varintBytes(written);
    const buf = w.buf;
    if (len !== reserved) buf.copyWithin(lenAt + len, lenAt + reserved, lenAt + reserved + written);
    let x = written;
    let at = lenAt;
    while (x >= 0x80) {
      buf[at++] = (x % 128) | 0x80;
      x = Math.floor(x / 128);
    }
    buf[at] = x;
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

  /**
   * The row `bytes` with the columns whose `changed[slot]` is k >= 0 set to `values[k]`, the
   * others' bodies copied as they are (no decode, no re-encode), as a view of the codec's buffer
   * valid until its next encode. Undefined when `bytes` is not laid out as this codec writes
   * (another version or column count) or a changed column is a key column: then re-encode.
   */
  spliceView(bytes: Uint8Array, changed: Int32Array, values: readonly Value[]): Uint8Array | undefined {
    const cursor = new RowCursor(bytes);
    const n = this.types.length;
    if (cursor.version !== this.version || cursor.count !== n || changed.length !== n) return undefined;
    const w = this.writer;
    w.reset();
    w.range(bytes, 0, cursor.pos); // version, count and the null bitmap, adjusted below
    const bitmapAt = w.pos - ((n + 7) >> 3);
    let runStart = cursor.pos;
    for (let i = 0; i < n; i++) {
      const k = changed[i] as number;
      const inKey = this.inKey(cursor, i);
      const start = cursor.pos;
      if (!cursor.isNull(i) && !inKey) this.skipValue(cursor, i);
      if (k < 0) continue;
      if (inKey) return undefined;
      w.range(bytes, runStart, start); // the unchanged bodies since the last changed column
      runStart = cursor.pos;
      const v = values[k] as Value;
      const bit = 1 << (i & 7);
      const at = bitmapAt + (i >> 3);
      if (v === null) w.buf[at] = (w.buf[at] as number) | bit;
      else {
        w.buf[at] = (w.buf[at] as number) & ~bit;
        this.writeValue(w, i, v);
      }
    }
    w.range(bytes, runStart, cursor.pos);
    return w.written();
  }

  /** Decodes every column; a version-2 row's key columns are NULL (the caller has the key). */
  decode(bytes: Uint8Array): Value[] {
    const cursor = new RowCursor(bytes);
    const out: Value[] = new Array<Value>(this.types.length).fill(null);
    const stored = Math.min(cursor.count, this.types.length);
    for (let i = 0; i < stored; i++) {
      if (!cursor.isNull(i) && !this.inKey(cursor, i)) out[i] = this.readValue(cursor, i);
    }
    return out;
  }

  /** Decodes column `index` only, skipping the bodies before it (a key column of a version-2 row: NULL). */
  decodeColumn(bytes: Uint8Array, index: number): Value {
    const cursor = new RowCursor(bytes);
    if (index >= cursor.count || cursor.isNull(index) || this.inKey(cursor, index)) return null;
    for (let i = 0; i < index; i++) if (!cursor.isNull(i) && !this.inKey(cursor, i)) this.skipValue(cursor, i);
    return this.readValue(cursor, index);
  }

  /** Whether column `i` of the row under `cursor` has no body because the row key holds it. */
  private inKey(cursor: RowCursor, i: number): boolean {
    return cursor.version === ROW_FORMAT_VERSION_KEYED && (this.keyPositions[i] as number) >= 0;
  }

  /**
   * Writes PostgreSQL's text output (under `ctx`) of columns `slots` of an encoded row to `w` as
   * text fields (text-fields.ts), without decoding what need not be: a text-type column's stored
   * UTF-8 is its text output exactly and is copied as it is; any other column is the string its
   * type's toText() gives; NULL is a NULL field. A version-2 row's key columns come from `keyTexts`
   * (the row key's columns, read), which such a row requires.
   */
  writeTextFields(w: ByteWriter, bytes: Uint8Array, slots: readonly number[], ctx: TypeContext, keyTexts?: KeyColumnTexts): void {
    const cursor = new RowCursor(bytes);
    const starts = this.columnStarts(cursor);
    // A long row is copied into `w` once, ahead of the fields, and each text body is moved from
    // that copy (copyWithin: no view, no loop per byte); then the fields move back over the copy.
    const copied = bytes.length >= ROW_COPY_BYTES_MIN;
    const rowAt = w.pos;
    if (copied) w.bytes(bytes);
    const fieldsAt = w.pos;
    w.int16(slots.length);
    for (let k = 0; k < slots.length; k++) {
      const slot = slots[k] as number;
      const at = starts[slot] as number;
      if (at === IN_KEY) {
        if (keyTexts === undefined) throw new SqlError(SQLSTATE.internalError, 'a row without its key columns needs the row key');
        keyTexts.writeField(w, this.keyPositions[slot] as number);
      } else if (at < 0) w.int32(-1);
      else {
        cursor.pos = at;
        if (this.kinds[slot] === RK.Text) {
          // columnStarts() checked the body against the row's length.
          const length = cursor.varint();
          w.int32(length);
          if (copied) w.within(rowAt + cursor.pos, length);
          else w.range(bytes, cursor.pos, cursor.pos + length);
        } else writeTextField(w, (this.types[slot] as SqlType).toText(this.readValue(cursor, slot), ctx));
      }
    }
    if (copied) w.cut(rowAt, fieldsAt);
  }

  /** Where each column's body starts in the row under `cursor` (NO_BODY: NULL or not stored; IN_KEY). */
  private columnStarts(cursor: RowCursor): Int32Array {
    const starts = this.startsScratch;
    const stored = Math.min(cursor.count, this.types.length);
    for (let i = 0; i < stored; i++) {
      if (cursor.isNull(i)) starts[i] = NO_BODY;
      else if (this.inKey(cursor, i)) starts[i] = IN_KEY;
      else {
        starts[i] = cursor.pos;
        this.skipValue(cursor, i);
      }
    }
    starts.fill(NO_BODY, stored);
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
