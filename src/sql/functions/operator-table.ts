/**
 * The built-in operators (pg_operator rows for stratadb's types): name, left and right operand
 * type oids (left 0 = prefix operator), result type oid and implementation. Polymorphic rows
 * (anyarray, anynonarray, anyelement) build their implementation from the resolved types.
 */
import { Interval, Jsonb, Numeric, OID, TEXT, compareText, typeByOid, type SqlType, type Value } from '../../catalog/types/index.js';
import { INT8_OPS, NUMERIC_OPS, floatOps, floatPower, smallIntOps } from './arithmetic.js';
import {
  dateDiff, datePlusDays, datePlusInterval, datePlusTime, timeDiff, timePlusInterval, timestampDiff,
  timestampPlusInterval, timestamptzPlusInterval,
} from './datetime-ops.js';
import type { BinaryImpl } from './function-types.js';
import { arrow, arrowText, concatJsonb, containsOp, jsonArrow, keyExists, nodeText, pathGet } from './jsonb-ops.js';
import { like, regexMatch } from './pattern-match.js';
import { jsonbDeleteIndex, jsonbDeleteKey } from './json-functions.js';
import { arrayConcat, arrayContains, arrayOverlaps } from './array-ops.js';
import { intOutOfRange } from './conversions.js';
import { castImplFor } from './casts.js';

export interface OperatorDef {
  readonly name: string;
  /** Left operand type oid; 0 for a prefix operator. */
  readonly left: number;
  readonly right: number;
  readonly result: number;
  readonly impl: BinaryImpl;
  /** For polymorphic rows: the implementation for the resolved operand types. */
  readonly make?: (left: SqlType | undefined, right: SqlType) => BinaryImpl;
}

const { int2, int4, int8, float4, float8, numeric, bool, text, bpchar, name, bytea, uuid, date, time, timestamp,
  timestamptz, interval, jsonb, json, oid, char, anyarray, anynonarray, anyelement } = OID;

const ops: OperatorDef[] = [];

function add(nameOp: string, left: number, right: number, result: number, impl: BinaryImpl, make?: OperatorDef['make']): void {
  ops.push(make === undefined ? { name: nameOp, left, right, result, impl } : { name: nameOp, left, right, result, impl, make });
}

function mixedCompare(a: Value, b: Value): number {
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

const COMPARISONS: Array<[string, (c: number) => boolean]> = [
  ['=', (c) => c === 0], ['<>', (c) => c !== 0], ['<', (c) => c < 0], ['>', (c) => c > 0], ['<=', (c) => c <= 0], ['>=', (c) => c >= 0],
];

function addComparisons(left: number, right: number, cmp: (a: Value, b: Value) => number): void {
  for (const [op, test] of COMPARISONS) add(op, left, right, bool, (a, b) => test(cmp(a, b)));
}

// Integer arithmetic across int2/int4/int8 (int24pl, int48mul, …): the result is the wider type.
const INTS = [int2, int4, int8];
for (const l of INTS) {
  for (const r of INTS) {
    const wide = Math.max(INTS.indexOf(l), INTS.indexOf(r));
    const result = INTS[wide] as number;
    const table = result === int8 ? INT8_OPS : smallIntOps(result);
    for (const op of ['+', '-', '*', '/']) add(op, l, r, result, table[op] as BinaryImpl);
    if (l === r) add('%', l, r, result, table['%'] as BinaryImpl);
    addComparisons(l, r, mixedCompare);
  }
}
for (const t of [float4, float8]) {
  const table = floatOps(t === float4);
  for (const op of ['+', '-', '*', '/']) add(op, t, t, t, table[op] as BinaryImpl);
}
const f48 = floatOps(false);
for (const op of ['+', '-', '*', '/']) {
  add(op, float4, float8, float8, f48[op] as BinaryImpl);
  add(op, float8, float4, float8, f48[op] as BinaryImpl);
}
for (const l of [float4, float8]) for (const r of [float4, float8]) addComparisons(l, r, mixedFloatCompare);
for (const op of ['+', '-', '*', '/', '%', '^']) add(op, numeric, numeric, numeric, NUMERIC_OPS[op] as BinaryImpl);
add('^', float8, float8, float8, floatPower);
addComparisons(numeric, numeric, (a, b) => (a as Numeric).compare(b as Numeric));

function mixedFloatCompare(a: Value, b: Value): number {
  const x = a as number;
  const y = b as number;
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) return 0;
  return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
}

// Prefix operators.
const negInt = (oid: number): BinaryImpl => (a) => {
  const n = -(a as number);
  if (oid === int2 ? n > 32767 : n > 2147483647) throw intOutOfRange(oid);
  return n === 0 ? 0 : n;
};
add('-', 0, int2, int2, negInt(int2));
add('-', 0, int4, int4, negInt(int4));
add('-', 0, int8, int8, (a) => {
  if ((a as bigint) === -(2n ** 63n)) throw intOutOfRange(int8);
  return -(a as bigint);
});
add('-', 0, float4, float4, (a) => -(a as number));
add('-', 0, float8, float8, (a) => -(a as number));
add('-', 0, numeric, numeric, (a) => (a as Numeric).negate());
add('-', 0, interval, interval, (a) => (a as Interval).negate());
for (const t of [int2, int4, int8, float4, float8, numeric]) add('+', 0, t, t, (a) => a);
add('|/', 0, float8, float8, (a) => Math.sqrt(a as number));
add('@', 0, int4, int4, (a) => Math.abs(a as number));
add('@', 0, float8, float8, (a) => Math.abs(a as number));
add('@', 0, numeric, numeric, (a) => (a as Numeric).abs());

// Bitwise operators on integers.
for (const t of [int2, int4]) {
  add('&', t, t, t, (a, b) => (a as number) & (b as number));
  add('|', t, t, t, (a, b) => (a as number) | (b as number));
  add('#', t, t, t, (a, b) => (a as number) ^ (b as number));
  add('~', 0, t, t, (a) => ~(a as number));
  add('<<', t, int4, t, (a, b) => (t === int2 ? ((((a as number) << (b as number)) << 16) >> 16) : (a as number) << (b as number)));
  add('>>', t, int4, t, (a, b) => (a as number) >> (b as number));
}
add('&', int8, int8, int8, (a, b) => (a as bigint) & (b as bigint));
add('|', int8, int8, int8, (a, b) => (a as bigint) | (b as bigint));
add('#', int8, int8, int8, (a, b) => (a as bigint) ^ (b as bigint));
add('~', 0, int8, int8, (a) => ~(a as bigint));
add('<<', int8, int4, int8, (a, b) => BigInt.asIntN(64, (a as bigint) << BigInt((b as number) & 63)));
add('>>', int8, int4, int8, (a, b) => (a as bigint) >> BigInt((b as number) & 63));

// Same-type comparisons of the remaining scalar types (the type's own order).
for (const t of [bool, text, bpchar, name, bytea, uuid, date, time, timestamp, timestamptz, interval, jsonb, oid, char]) {
  const type = typeByOid(t) as SqlType;
  addComparisons(t, t, type.compare);
}
addComparisons(name, text, (a, b) => compareText(a as string, b as string));
addComparisons(text, name, (a, b) => compareText(a as string, b as string));

// Text.
add('||', text, text, text, (a, b) => (a as string) + (b as string));
// textanycat / anytextcat: the non-text side goes through its cast to text (bool → 'true').
add('||', text, anynonarray, text, (a, b) => (a as string) + String(b), (_l, r) => {
  const toText = castImplFor(r, TEXT);
  return (a, b, ctx) => (a as string) + (toText(b, ctx) as string);
});
add('||', anynonarray, text, text, (a, b) => String(a) + (b as string), (l) => {
  const toText = castImplFor(l as SqlType, TEXT);
  return (a, b, ctx) => (toText(a, ctx) as string) + (b as string);
});
add('||', bytea, bytea, bytea, (a, b) => Buffer.concat([a as Uint8Array, b as Uint8Array]));
for (const t of [text, bpchar, name]) {
  add('~~', t, text, bool, (a, b) => like(a as string, b as string));
  add('!~~', t, text, bool, (a, b) => !like(a as string, b as string));
  add('~~*', t, text, bool, (a, b) => like(a as string, b as string, true));
  add('!~~*', t, text, bool, (a, b) => !like(a as string, b as string, true));
  add('~', t, text, bool, (a, b) => regexMatch(a as string, b as string));
  add('!~', t, text, bool, (a, b) => !regexMatch(a as string, b as string));
  add('~*', t, text, bool, (a, b) => regexMatch(a as string, b as string, true));
  add('!~*', t, text, bool, (a, b) => !regexMatch(a as string, b as string, true));
}
add('^@', text, text, bool, (a, b) => (a as string).startsWith(b as string));

// Date and time.
add('+', date, int4, date, datePlusDays);
add('+', int4, date, date, (a, b) => datePlusDays(b, a));
add('-', date, int4, date, (a, b) => datePlusDays(a, -(b as number)));
add('-', date, date, int4, dateDiff);
add('+', date, interval, timestamp, datePlusInterval);
add('+', interval, date, timestamp, (a, b) => datePlusInterval(b, a));
add('-', date, interval, timestamp, (a, b) => datePlusInterval(a, (b as Interval).negate()));
add('+', date, time, timestamp, datePlusTime);
add('+', time, date, timestamp, (a, b) => datePlusTime(b, a));
add('+', timestamp, interval, timestamp, (a, b) => timestampPlusInterval(a as bigint, b as Interval));
add('+', interval, timestamp, timestamp, (a, b) => timestampPlusInterval(b as bigint, a as Interval));
add('-', timestamp, interval, timestamp, (a, b) => timestampPlusInterval(a as bigint, (b as Interval).negate()));
add('-', timestamp, timestamp, interval, (a, b) => timestampDiff(a as bigint, b as bigint));
add('+', timestamptz, interval, timestamptz, (a, b, ctx) => timestamptzPlusInterval(a as bigint, b as Interval, ctx));
add('+', interval, timestamptz, timestamptz, (a, b, ctx) => timestamptzPlusInterval(b as bigint, a as Interval, ctx));
add('-', timestamptz, interval, timestamptz, (a, b, ctx) => timestamptzPlusInterval(a as bigint, (b as Interval).negate(), ctx));
add('-', timestamptz, timestamptz, interval, (a, b) => timestampDiff(a as bigint, b as bigint));
add('+', time, interval, time, timePlusInterval);
add('-', time, interval, time, (a, b) => timePlusInterval(a, (b as Interval).negate()));
add('-', time, time, interval, timeDiff);
add('+', interval, interval, interval, (a, b) => (a as Interval).add(b as Interval));
add('-', interval, interval, interval, (a, b) => (a as Interval).sub(b as Interval));
add('*', interval, float8, interval, (a, b) => (a as Interval).mul(b as number));
add('*', float8, interval, interval, (a, b) => (b as Interval).mul(a as number));
add('/', interval, float8, interval, (a, b) => (a as Interval).div(b as number));

// JSON.
add('->', jsonb, text, jsonb, arrow);
add('->', jsonb, int4, jsonb, arrow);
add('->>', jsonb, text, text, arrowText);
add('->>', jsonb, int4, text, arrowText);
add('->', json, text, json, jsonArrow);
add('->', json, int4, json, jsonArrow);
add('->>', json, text, text, arrowText);
add('->>', json, int4, text, arrowText);
add('#>', jsonb, 1009, jsonb, (a, b) => {
  const n = pathGet(a, b);
  return n === undefined ? null : new Jsonb(n);
});
add('#>>', jsonb, 1009, text, (a, b) => nodeText(pathGet(a, b)));
add('@>', jsonb, jsonb, bool, containsOp);
add('<@', jsonb, jsonb, bool, (a, b) => containsOp(b, a));
add('?', jsonb, text, bool, keyExists);
add('||', jsonb, jsonb, jsonb, concatJsonb);
add('-', jsonb, text, jsonb, jsonbDeleteKey);
add('-', jsonb, int4, jsonb, jsonbDeleteIndex);
add('?|', jsonb, 1009, bool, (a, b) => (b as Value[]).some((k) => k !== null && keyExists(a, k) === true));
add('?&', jsonb, 1009, bool, (a, b) => (b as Value[]).every((k) => k !== null && keyExists(a, k) === true));

// Arrays (polymorphic: implementations built for the resolved array type).
for (const [op, test] of COMPARISONS) {
  add(op, anyarray, anyarray, bool, () => false, (l) => {
    const cmp = (l as SqlType).compare;
    return (a, b) => test(cmp(a, b));
  });
}
add('||', anyarray, anyarray, anyarray, (a, b) => arrayConcat(a, b));
add('||', anyarray, anyelement, anyarray, (a, b) => [...(a as Value[]), b]);
add('||', anyelement, anyarray, anyarray, (a, b) => [a, ...(b as Value[])]);
add('@>', anyarray, anyarray, bool, () => false, (l) => (a, b) => arrayContains((l as SqlType).element as SqlType, a, b));
add('<@', anyarray, anyarray, bool, () => false, (l) => (a, b) => arrayContains((l as SqlType).element as SqlType, b, a));
add('&&', anyarray, anyarray, bool, () => false, (l) => (a, b) => arrayOverlaps((l as SqlType).element as SqlType, a, b));

/** Operators by name. */
export const OPERATORS_BY_NAME = new Map<string, OperatorDef[]>();
for (const def of ops) {
  const list = OPERATORS_BY_NAME.get(def.name);
  if (list === undefined) OPERATORS_BY_NAME.set(def.name, [def]);
  else list.push(def);
}

export const ALL_OPERATORS: readonly OperatorDef[] = ops;
