/**
 * Key bodies per type (layout in key-encoding.ts). Writers append ascending bytes; readers undo
 * them, reading every byte XOR `mask` (0xff for descending columns) so no copy is needed.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { USECS_PER_DAY_BIG } from '../types/datetime-core.js';
import { Interval } from '../types/interval.js';
import { Jsonb, JsonObject, type JsonNode } from '../types/jsonb.js';
import { Numeric, NUMERIC_FINITE, NUMERIC_NAN, NUMERIC_PINF, pow10 } from '../types/numeric.js';
import { OID } from '../types/oids.js';
import type { SqlType, Value } from '../types/sql-type.js';
import { trimTrailingSpaces } from '../types/text-compare.js';
import type { ByteWriter } from './key-writer.js';
import { decodeUtf8 } from './utf8-decode.js';

export const KIND = {
  none: 0, bool: 1, int2: 2, int4: 3, int8: 4, uint32: 5, float: 6, numeric: 7, text: 8, bpchar: 9,
  bytea: 10, uuid: 11, date: 12, time: 13, timestamp: 14, interval: 15, jsonb: 16, array: 17,
} as const;

const KIND_BY_OID: Record<number, number> = {
  [OID.bool]: KIND.bool, [OID.int2]: KIND.int2, [OID.int4]: KIND.int4, [OID.int8]: KIND.int8,
  [OID.oid]: KIND.uint32, [OID.regclass]: KIND.uint32, [OID.regtype]: KIND.uint32, [OID.regproc]: KIND.uint32,
  [OID.float4]: KIND.float, [OID.float8]: KIND.float, [OID.numeric]: KIND.numeric,
  [OID.text]: KIND.text, [OID.varchar]: KIND.text, [OID.name]: KIND.text, [OID.char]: KIND.text, [OID.bpchar]: KIND.bpchar,
  [OID.bytea]: KIND.bytea, [OID.uuid]: KIND.uuid, [OID.date]: KIND.date, [OID.time]: KIND.time,
  [OID.timestamp]: KIND.timestamp, [OID.timestamptz]: KIND.timestamp, [OID.interval]: KIND.interval, [OID.jsonb]: KIND.jsonb,
};

export function kindOf(type: SqlType): number {
  if (type.element !== undefined) return KIND.array;
  return KIND_BY_OID[type.oid] ?? KIND.none;
}

export interface KeyReader {
  bytes: Uint8Array;
  pos: number;
  mask: number;
}

const NUM_NINF = 0x10;
const NUM_NEG = 0x11;
const NUM_ZERO = 0x12;
const NUM_POS = 0x13;
const NUM_PINF = 0x14;
const NUM_NAN = 0x15;
const SIGN64 = 0x8000000000000000n;
const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

function writeEscaped(w: ByteWriter, s: string): void {
  const start = w.pos;
  w.utf8(s);
  if (s.indexOf('\u0000') >= 0) {
    const raw = w.buf.slice(start, w.pos);
    w.pos = start;
    for (const b of raw) {
      w.byte(b);
      if (b === 0) w.byte(0xff);
    }
  }
  w.byte(0);
  w.byte(1);
}

function writeEscapedBytes(w: ByteWriter, data: Uint8Array): void {
  for (const b of data) {
    w.byte(b);
    if (b === 0) w.byte(0xff);
  }
  w.byte(0);
  w.byte(1);
}

function writeFloat(w: ByteWriter, v: number): void {
  w.ensure(8);
  const x = Number.isNaN(v) ? NaN : v === 0 ? 0 : v;
  w.view.setFloat64(w.pos, x);
  if ((w.buf[w.pos] as number) & 0x80) for (let i = 0; i < 8; i++) w.buf[w.pos + i] = ~(w.buf[w.pos + i] as number) & 0xff;
  else w.buf[w.pos] = (w.buf[w.pos] as number) | 0x80;
  w.pos += 8;
}

function writeInt64(w: ByteWriter, v: bigint): void {
  w.ensure(8);
  w.view.setBigUint64(w.pos, BigInt.asUintN(64, v) ^ SIGN64);
  w.pos += 8;
}

function writeNumeric(w: ByteWriter, n: Numeric): void {
  if (n.kind !== NUMERIC_FINITE) {
    w.byte(n.kind === NUMERIC_NAN ? NUM_NAN : n.kind === NUMERIC_PINF ? NUM_PINF : NUM_NINF);
    return;
  }
  if (n.unscaled === 0n) {
    w.byte(NUM_ZERO);
    return;
  }
  const negative = n.unscaled < 0n;
  const norm = n.normalized();
  const digits = (negative ? -norm.unscaled : norm.unscaled).toString();
  const exponent = digits.length - norm.scale;
  w.byte(negative ? NUM_NEG : NUM_POS);
  const start = w.pos;
  w.uint32((exponent ^ 0x80000000) >>> 0);
  for (let i = 0; i < digits.length; i += 2) {
    const hi = digits.charCodeAt(i) - 48;
    const lo = i + 1 < digits.length ? digits.charCodeAt(i + 1) - 48 : 0;
    w.byte(hi * 10 + lo + 1);
  }
  w.byte(0);
  if (negative) for (let i = start; i < w.pos; i++) w.buf[i] = ~(w.buf[i] as number) & 0xff;
}

function writeJson(w: ByteWriter, n: JsonNode): void {
  if (n === null) w.byte(0);
  else if (typeof n === 'string') {
    w.byte(1);
    writeEscaped(w, n);
  } else if (n instanceof Numeric) {
    w.byte(2);
    writeNumeric(w, n);
  } else if (typeof n === 'boolean') {
    w.byte(3);
    w.byte(n ? 1 : 0);
  } else if (Array.isArray(n)) {
    w.byte(4);
    w.uint32(n.length);
    for (const x of n) writeJson(w, x);
  } else {
    w.byte(5);
    w.uint32(n.keys.length);
    for (let i = 0; i < n.keys.length; i++) {
      const key = textEncoder.encode(n.keys[i] as string);
      w.uint32(key.length);
      w.bytes(key);
      writeJson(w, n.values[i] as JsonNode);
    }
  }
}

function writeArray(w: ByteWriter, element: SqlType, a: Value[]): void {
  for (const x of a) {
    if (x === null) w.byte(3);
    else {
      w.byte(2);
      if (Array.isArray(x)) writeArray(w, element, x);
      else writeBody(w, element, x);
    }
  }
  w.byte(1);
}

/** Appends the ascending body of a non-null value. */
export function writeBody(w: ByteWriter, type: SqlType, v: Value): void {
  switch (kindOf(type)) {
    case KIND.bool: w.byte(v ? 1 : 0); return;
    case KIND.int2: w.ensure(2); w.view.setUint16(w.pos, ((v as number) + 0x8000) & 0xffff); w.pos += 2; return;
    case KIND.int4: case KIND.date: {
      const n = v as number;
      const i = n === Infinity ? INT32_MAX : n === -Infinity ? INT32_MIN : n;
      w.uint32((i ^ 0x80000000) >>> 0);
      return;
    }
    case KIND.uint32: w.uint32(v as number); return;
    case KIND.int8: case KIND.timestamp: writeInt64(w, v as bigint); return;
    case KIND.time: writeInt64(w, BigInt(v as number)); return;
    case KIND.float: writeFloat(w, v as number); return;
    case KIND.numeric: writeNumeric(w, v as Numeric); return;
    case KIND.text: writeEscaped(w, v as string); return;
    case KIND.bpchar: writeEscaped(w, trimTrailingSpaces(v as string)); return;
    case KIND.bytea: writeEscapedBytes(w, v as Uint8Array); return;
    case KIND.uuid: w.bytes(Buffer.from((v as string).replace(/-/g, ''), 'hex')); return;
    case KIND.interval: {
      const span = (v as Interval).span();
      writeInt64(w, span >> 64n);
      w.ensure(8);
      w.view.setBigUint64(w.pos, BigInt.asUintN(64, span));
      w.pos += 8;
      return;
    }
    case KIND.jsonb: writeJson(w, (v as Jsonb).root); return;
    case KIND.array: writeArray(w, type.element as SqlType, v as Value[]); return;
    default:
      throw new SqlError(SQLSTATE.featureNotSupported, `type ${type.sqlName} cannot be used in an index key`);
  }
}

function corrupt(r: KeyReader): SqlError {
  return new SqlError(SQLSTATE.dataCorrupted, `malformed key at offset ${r.pos}`);
}

function take(r: KeyReader): number {
  if (r.pos >= r.bytes.length) throw corrupt(r);
  return ((r.bytes[r.pos++] as number) ^ r.mask) & 0xff;
}

const scratch = new DataView(new ArrayBuffer(8));

function takeFixed(r: KeyReader, n: number): DataView {
  for (let i = 0; i < n; i++) scratch.setUint8(i, take(r));
  return scratch;
}

/** Fast path: an ascending body without escapes decodes straight from the key bytes. */
function readEscapedText(r: KeyReader): string {
  if (r.mask === 0) {
    const end = r.bytes.indexOf(0, r.pos);
    if (end >= 0 && r.bytes[end + 1] === 1) {
      const text = decodeUtf8(r.bytes, r.pos, end);
      r.pos = end + 2;
      return text;
    }
  }
  const raw = readEscaped(r);
  return decodeUtf8(raw, 0, raw.length);
}

function readEscaped(r: KeyReader): Uint8Array {
  const out: number[] = [];
  for (;;) {
    const b = take(r);
    if (b !== 0) {
      out.push(b);
      continue;
    }
    const next = take(r);
    if (next === 1) return Uint8Array.from(out);
    if (next !== 0xff) throw corrupt(r);
    out.push(0);
  }
}

function readNumeric(r: KeyReader): Numeric {
  const cls = take(r);
  if (cls === NUM_NAN) return Numeric.NaN;
  if (cls === NUM_PINF) return Numeric.POSITIVE_INFINITY;
  if (cls === NUM_NINF) return Numeric.NEGATIVE_INFINITY;
  if (cls === NUM_ZERO) return Numeric.ZERO;
  if (cls !== NUM_POS && cls !== NUM_NEG) throw corrupt(r);
  const saved = r.mask;
  if (cls === NUM_NEG) r.mask ^= 0xff;
  const exponent = (takeFixed(r, 4).getUint32(0) ^ 0x80000000) | 0;
  let digits = '';
  for (let b = take(r); b !== 0; b = take(r)) {
    if (b > 100) throw corrupt(r);
    const pair = b - 1;
    digits += String(Math.floor(pair / 10)) + String(pair % 10);
  }
  r.mask = saved;
  digits = digits.replace(/0+$/, '');
  const scale = digits.length - exponent;
  let n = scale >= 0 ? Numeric.of(BigInt(digits), scale) : Numeric.of(BigInt(digits) * pow10(-scale), 0);
  if (cls === NUM_NEG) n = n.negate();
  return n;
}

function readJson(r: KeyReader): JsonNode {
  const rank = take(r);
  switch (rank) {
    case 0: return null;
    case 1: return readEscapedText(r);
    case 2: return readNumeric(r);
    case 3: return take(r) === 1;
    case 4: {
      const n = takeFixed(r, 4).getUint32(0);
      const out: JsonNode[] = [];
      for (let i = 0; i < n; i++) out.push(readJson(r));
      return out;
    }
    case 5: {
      const n = takeFixed(r, 4).getUint32(0);
      const keys: string[] = [];
      const values: JsonNode[] = [];
      for (let i = 0; i < n; i++) {
        const len = takeFixed(r, 4).getUint32(0);
        const key = new Uint8Array(len);
        for (let j = 0; j < len; j++) key[j] = take(r);
        keys.push(textDecoder.decode(key));
        values.push(readJson(r));
      }
      return new JsonObject(keys, values);
    }
    default:
      throw corrupt(r);
  }
}

function readArray(r: KeyReader, element: SqlType): Value[] {
  const out: Value[] = [];
  for (let tag = take(r); tag !== 1; tag = take(r)) {
    if (tag === 3) out.push(null);
    else if (tag === 2) out.push(element.element !== undefined ? readArray(r, element.element) : readBody(r, element));
    else throw corrupt(r);
  }
  return out;
}

function readInterval(r: KeyReader): Interval {
  const hi = takeFixed(r, 8).getBigUint64(0) ^ SIGN64;
  const lo = takeFixed(r, 8).getBigUint64(0);
  const span = (BigInt.asIntN(64, hi) << 64n) | lo;
  let days = span / USECS_PER_DAY_BIG;
  let micros = span % USECS_PER_DAY_BIG;
  if (micros < 0n) {
    micros += USECS_PER_DAY_BIG;
    days -= 1n;
  }
  return new Interval(0, Number(days), micros);
}

/** Reads a body written by writeBody. */
export function readBody(r: KeyReader, type: SqlType): Value {
  switch (kindOf(type)) {
    case KIND.bool: return take(r) === 1;
    case KIND.int2: return (takeFixed(r, 2).getUint16(0) - 0x8000) | 0;
    case KIND.int4: return (takeFixed(r, 4).getUint32(0) ^ 0x80000000) | 0;
    case KIND.date: {
      const d = (takeFixed(r, 4).getUint32(0) ^ 0x80000000) | 0;
      return d === INT32_MAX ? Infinity : d === INT32_MIN ? -Infinity : d;
    }
    case KIND.uint32: return takeFixed(r, 4).getUint32(0);
    case KIND.int8: case KIND.timestamp: return BigInt.asIntN(64, takeFixed(r, 8).getBigUint64(0) ^ SIGN64);
    case KIND.time: return Number(BigInt.asIntN(64, takeFixed(r, 8).getBigUint64(0) ^ SIGN64));
    case KIND.float: {
      const view = takeFixed(r, 8);
      if (view.getUint8(0) & 0x80) view.setUint8(0, view.getUint8(0) & 0x7f);
      else for (let i = 0; i < 8; i++) view.setUint8(i, ~view.getUint8(i) & 0xff);
      const v = view.getFloat64(0);
      return type.oid === OID.float4 ? Math.fround(v) : v;
    }
    case KIND.numeric: return readNumeric(r);
    case KIND.text: case KIND.bpchar: return readEscapedText(r);
    case KIND.bytea: return readEscaped(r);
    case KIND.uuid: {
      const hex = Buffer.from(Array.from({ length: 16 }, () => take(r))).toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
    case KIND.interval: return readInterval(r);
    case KIND.jsonb: return new Jsonb(readJson(r));
    case KIND.array: return readArray(r, type.element as SqlType);
    default:
      throw new SqlError(SQLSTATE.featureNotSupported, `type ${type.sqlName} cannot be used in an index key`);
  }
}

const FIXED_WIDTH: Readonly<Record<number, number>> = {
  [KIND.bool]: 1, [KIND.int2]: 2, [KIND.int4]: 4, [KIND.date]: 4, [KIND.uint32]: 4, [KIND.int8]: 8, [KIND.timestamp]: 8,
  [KIND.time]: 8, [KIND.float]: 8, [KIND.uuid]: 16, [KIND.interval]: 16,
};

/** Advances past a body without building its value (index scans only need the offset). */
export function skipBody(r: KeyReader, type: SqlType): void {
  const kind = kindOf(type);
  const width = FIXED_WIDTH[kind];
  if (width !== undefined) {
    if (r.pos + width > r.bytes.length) throw corrupt(r);
    r.pos += width;
    return;
  }
  if (kind === KIND.text || kind === KIND.bpchar || kind === KIND.bytea) {
    // Escaped body: find the (masked) 0x00 0x01 terminator; 0x00 0xFF is an escaped zero.
    for (;;) {
      if (take(r) !== 0) continue;
      const next = take(r);
      if (next === 1) return;
      if (next !== 0xff) throw corrupt(r);
    }
  }
  readBody(r, type);
}
