/**
 * The cast functions behind pg_cast rows (int4_numeric, float8_int4, date_timestamp, …), keyed by
 * source oid * 100000 + target oid. PostgreSQL's rounding rules: float → int rounds half to even
 * (rint), numeric → int rounds half away from zero, float → numeric keeps 15 (float8) or 6
 * (float4) significant digits.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import {
  Interval, Jsonb, Numeric, OID, TIMESTAMP_NOBEGIN, TIMESTAMP_NOEND, fromLocal, toLocal, type Value,
} from '../../catalog/types/index.js';
import { jsonNodeToText, parseJson, type JsonNode } from '../../catalog/types/jsonb.js';
import type { CastImpl } from './function-types.js';

export const USECS_PER_DAY_BIG = 86_400_000_000n;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

export function intOutOfRange(oid: number): SqlError {
  const name = oid === OID.int2 ? 'smallint' : oid === OID.int8 ? 'bigint' : 'integer';
  return new SqlError(SQLSTATE.numericValueOutOfRange, `${name} out of range`);
}

/** C rint(): round half to even. */
export function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function checkInt2(n: number): number {
  if (!(n >= -32768 && n <= 32767)) throw intOutOfRange(OID.int2);
  return n;
}

export function checkInt4(n: number): number {
  if (!(n >= -2147483648 && n <= 2147483647)) throw intOutOfRange(OID.int4);
  return n;
}

export function checkInt8(n: bigint): bigint {
  if (n < INT8_MIN || n > INT8_MAX) throw intOutOfRange(OID.int8);
  return n;
}

function floatToInt8(x: number): bigint {
  if (!Number.isFinite(x)) throw intOutOfRange(OID.int8);
  const r = rint(x);
  if (r < -9223372036854775808 || r >= 9223372036854775808) throw intOutOfRange(OID.int8);
  return BigInt(r);
}

function numericToBigInt(n: Numeric, target: number): bigint {
  const label = target === OID.int2 ? 'smallint' : target === OID.int8 ? 'bigint' : 'integer';
  if (n.isNaN()) throw new SqlError(SQLSTATE.featureNotSupported, `cannot convert NaN to ${label}`);
  if (!n.isFinite()) throw new SqlError(SQLSTATE.featureNotSupported, `cannot convert infinity to ${label}`);
  return n.round(0).unscaled;
}

/** float8 → numeric as PostgreSQL: %.15g (or %.6g for float4) text. */
export function floatToNumeric(x: number, digits: number): Numeric {
  if (Number.isNaN(x)) return Numeric.NaN;
  if (x === Infinity) return Numeric.POSITIVE_INFINITY;
  if (x === -Infinity) return Numeric.NEGATIVE_INFINITY;
  let text = x.toPrecision(digits);
  const e = text.indexOf('e');
  const mantissa = e < 0 ? text : text.slice(0, e);
  const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
  text = trimmed + (e < 0 ? '' : text.slice(e));
  return Numeric.parse(text);
}

export function numericToFloat(n: Numeric, single: boolean): number {
  const x = n.toNumber();
  const y = single ? Math.fround(x) : x;
  if (n.isFinite() && !Number.isFinite(y)) {
    throw new SqlError(SQLSTATE.numericValueOutOfRange, `"${n.toString()}" is out of range for type ${single ? 'real' : 'double precision'}`);
  }
  return y;
}

export function float8ToFloat4(x: number): number {
  const y = Math.fround(x);
  if (Number.isFinite(x) && !Number.isFinite(y)) throw new SqlError(SQLSTATE.numericValueOutOfRange, 'value out of range: overflow');
  if (x !== 0 && y === 0) throw new SqlError(SQLSTATE.numericValueOutOfRange, 'value out of range: underflow');
  return y;
}

export function dateToTimestamp(days: number): bigint {
  if (days === Infinity) return TIMESTAMP_NOEND;
  if (days === -Infinity) return TIMESTAMP_NOBEGIN;
  return BigInt(days) * USECS_PER_DAY_BIG;
}

export function timestampToDate(ts: bigint): number {
  if (ts === TIMESTAMP_NOEND) return Infinity;
  if (ts === TIMESTAMP_NOBEGIN) return -Infinity;
  let days = ts / USECS_PER_DAY_BIG;
  if (ts < 0n && ts % USECS_PER_DAY_BIG !== 0n) days -= 1n;
  return Number(days);
}

export function timestampToTime(ts: bigint): number {
  const rem = ts % USECS_PER_DAY_BIG;
  return Number(rem < 0n ? rem + USECS_PER_DAY_BIG : rem);
}

function jsonKind(n: JsonNode): string {
  if (n === null) return 'null';
  if (typeof n === 'string') return 'string';
  if (typeof n === 'boolean') return 'boolean';
  if (n instanceof Numeric) return 'numeric';
  return Array.isArray(n) ? 'array' : 'object';
}

function jsonbScalar(target: string, want: 'numeric' | 'boolean'): (v: Value) => Numeric | boolean {
  return (v) => {
    const root = (v as Jsonb).root;
    if (jsonKind(root) !== want) {
      throw new SqlError(SQLSTATE.invalidParameterValue, `cannot cast jsonb ${jsonKind(root)} to type ${target}`);
    }
    return root as Numeric | boolean;
  };
}

const CONVERSION_LIST: Array<[number, number, CastImpl]> = [
  [OID.int2, OID.int4, (v) => v], [OID.int2, OID.int8, (v) => BigInt(v as number)], [OID.int4, OID.int8, (v) => BigInt(v as number)],
  [OID.int4, OID.int2, (v) => checkInt2(v as number)],
  [OID.int8, OID.int2, (v) => checkInt2(Number(checkInt8Range(v as bigint, OID.int2)))],
  [OID.int8, OID.int4, (v) => checkInt4(Number(checkInt8Range(v as bigint, OID.int4)))],
  [OID.int2, OID.float4, (v) => v], [OID.int4, OID.float4, (v) => Math.fround(v as number)], [OID.int8, OID.float4, (v) => Math.fround(Number(v))],
  [OID.int2, OID.float8, (v) => v], [OID.int4, OID.float8, (v) => v], [OID.int8, OID.float8, (v) => Number(v)],
  [OID.int2, OID.numeric, (v) => Numeric.fromBigInt(v as number)], [OID.int4, OID.numeric, (v) => Numeric.fromBigInt(v as number)],
  [OID.int8, OID.numeric, (v) => Numeric.fromBigInt(v as bigint)],
  [OID.float4, OID.int2, (v) => checkInt2(rint(v as number))], [OID.float4, OID.int4, (v) => checkInt4(rint(v as number))],
  [OID.float4, OID.int8, (v) => floatToInt8(v as number)], [OID.float4, OID.float8, (v) => v],
  [OID.float4, OID.numeric, (v) => floatToNumeric(v as number, 6)],
  [OID.float8, OID.int2, (v) => checkInt2(rint(v as number))], [OID.float8, OID.int4, (v) => checkInt4(rint(v as number))],
  [OID.float8, OID.int8, (v) => floatToInt8(v as number)], [OID.float8, OID.float4, (v) => float8ToFloat4(v as number)],
  [OID.float8, OID.numeric, (v) => floatToNumeric(v as number, 15)],
  [OID.numeric, OID.int2, (v) => checkInt2(Number(checkInt8Range(numericToBigInt(v as Numeric, OID.int2), OID.int2)))],
  [OID.numeric, OID.int4, (v) => checkInt4(Number(checkInt8Range(numericToBigInt(v as Numeric, OID.int4), OID.int4)))],
  [OID.numeric, OID.int8, (v) => checkInt8(numericToBigInt(v as Numeric, OID.int8))],
  [OID.numeric, OID.float4, (v) => numericToFloat(v as Numeric, true)], [OID.numeric, OID.float8, (v) => numericToFloat(v as Numeric, false)],
  [OID.int4, OID.bool, (v) => v !== 0], [OID.bool, OID.int4, (v) => (v ? 1 : 0)],
  [OID.bool, OID.text, (v) => (v ? 'true' : 'false')], [OID.bool, OID.varchar, (v) => (v ? 'true' : 'false')],
  [OID.bool, OID.bpchar, (v) => (v ? 'true' : 'false')],
  [OID.int8, OID.oid, (v) => checkOid(v as bigint)], [OID.int8, OID.regclass, (v) => checkOid(v as bigint)],
  [OID.int8, OID.regtype, (v) => checkOid(v as bigint)], [OID.oid, OID.int8, (v) => BigInt(v as number)],
  [OID.regclass, OID.int8, (v) => BigInt(v as number)], [OID.regtype, OID.int8, (v) => BigInt(v as number)],
  [OID.oid, OID.int4, (v) => (v as number) | 0], [OID.regclass, OID.int4, (v) => (v as number) | 0], [OID.regnamespace, OID.int4, (v) => (v as number) | 0], [OID.regnamespace, OID.int8, (v) => BigInt(v as number)],
  [OID.int8, OID.regnamespace, (v) => checkOid(v as bigint)], [OID.regtype, OID.int4, (v) => (v as number) | 0],
  [OID.int4, OID.oid, (v) => (v as number) >>> 0], [OID.int4, OID.regclass, (v) => (v as number) >>> 0], [OID.int4, OID.regtype, (v) => (v as number) >>> 0], [OID.int4, OID.regnamespace, (v) => (v as number) >>> 0],
  [OID.int2, OID.oid, (v) => (v as number) >>> 0],
  [OID.int8, OID.regproc, (v) => checkOid(v as bigint)], [OID.regproc, OID.int8, (v) => BigInt(v as number)],
  [OID.int4, OID.regproc, (v) => (v as number) >>> 0], [OID.regproc, OID.int4, (v) => (v as number) | 0],
  [OID.date, OID.timestamp, (v) => dateToTimestamp(v as number)],
  [OID.date, OID.timestamptz, (v, ctx) => fromLocal(dateToTimestamp(v as number), ctx.timeZone)],
  [OID.timestamp, OID.date, (v) => timestampToDate(v as bigint)],
  [OID.timestamp, OID.time, (v) => timestampToTime(v as bigint)],
  [OID.timestamp, OID.timestamptz, (v, ctx) => fromLocal(v as bigint, ctx.timeZone)],
  [OID.timestamptz, OID.timestamp, (v, ctx) => toLocal(v as bigint, ctx.timeZone)],
  [OID.timestamptz, OID.date, (v, ctx) => timestampToDate(toLocal(v as bigint, ctx.timeZone))],
  [OID.timestamptz, OID.time, (v, ctx) => timestampToTime(toLocal(v as bigint, ctx.timeZone))],
  [OID.time, OID.interval, (v) => new Interval(0, 0, BigInt(v as number))],
  [OID.interval, OID.time, (v) => timestampToTime((v as Interval).micros)],
  [OID.json, OID.jsonb, (v) => new Jsonb(parseJson(v as string))],
  [OID.jsonb, OID.json, (v) => jsonNodeToText((v as Jsonb).root)],
  [OID.jsonb, OID.numeric, jsonbScalar('numeric', 'numeric')],
  [OID.jsonb, OID.bool, jsonbScalar('boolean', 'boolean')],
];

function checkInt8Range(v: bigint, target: number): bigint {
  if (v < -2147483648n || v > 2147483647n) throw intOutOfRange(target);
  return v;
}

function checkOid(v: bigint): number {
  if (v < -2147483648n || v > 4294967295n) {
    throw new SqlError(SQLSTATE.numericValueOutOfRange, `OID out of range`);
  }
  return Number(BigInt.asUintN(32, v));
}

export const CONVERSIONS = new Map<number, CastImpl>();
for (const [source, target, impl] of CONVERSION_LIST) CONVERSIONS.set(source * 100000 + target, impl);

/** jsonb → int/float: through numeric, as PostgreSQL (jsonb_int4 etc.). */
for (const target of [OID.int2, OID.int4, OID.int8, OID.float4, OID.float8]) {
  const label = { [OID.int2]: 'smallint', [OID.int4]: 'integer', [OID.int8]: 'bigint', [OID.float4]: 'real', [OID.float8]: 'double precision' }[target] as string;
  const toNumeric = jsonbScalar(label, 'numeric');
  const fromNumeric = CONVERSIONS.get(OID.numeric * 100000 + target) as CastImpl;
  CONVERSIONS.set(OID.jsonb * 100000 + target, (v, ctx) => fromNumeric(toNumeric(v), ctx));
}
for (const [a, b] of [[OID.regtype, OID.oid], [OID.oid, OID.regtype], [OID.regclass, OID.oid], [OID.oid, OID.regclass],
  [OID.regnamespace, OID.oid], [OID.oid, OID.regnamespace], [OID.regproc, OID.oid], [OID.oid, OID.regproc],
  [OID.text, OID.varchar], [OID.varchar, OID.text], [OID.text, OID.bpchar], [OID.varchar, OID.bpchar],
  [OID.name, OID.text], [OID.name, OID.varchar], [OID.name, OID.bpchar], [OID.char, OID.text], [OID.char, OID.varchar],
  [OID.char, OID.bpchar]] as const) {
  CONVERSIONS.set(a * 100000 + b, (v) => v);
}
