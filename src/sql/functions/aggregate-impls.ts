/**
 * Aggregate implementations (transition state, step, final) for PostgreSQL's result types: count → int8, sum(int2/int4)
 * → int8, sum(int8/numeric) → numeric, sum(float4) → float4, avg(integers, numeric) → numeric,
 * avg(floats) → float8, min/max (same type), bool_and/bool_or/every, string_agg, array_agg,
 * jsonb_agg, bit_and/bit_or, stddev/variance families (numeric for exact inputs: PostgreSQL's
 * numeric_stddev_internal scales; float8 via Youngs-Cramer as float8_accum).
 * - States are mutable objects reused across step() calls: no allocation per row for the
 *   numeric-free aggregates. All aggregates except count(*) are strict (NULL inputs skipped).
 * - An aggregate over no rows returns NULL, except count (0).
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { Interval, Jsonb, Numeric, OID, numericMath, type SqlType, type Value } from '../../catalog/types/index.js';
import { intOutOfRange } from './conversions.js';
import type { EvalContext, ResolvedAggregate } from './function-types.js';
import { toJsonNode } from './misc-functions.js';

type Impl = Omit<ResolvedAggregate<Acc>, 'name' | 'argTypes' | 'returnType'>;

interface Acc {
  n: number;
  v: Value;
  big: bigint;
  f: number;
  f2: number;
  num: Numeric;
  num2: Numeric;
  list: Value[];
}

function newAcc(): Acc {
  return { n: 0, v: null, big: 0n, f: 0, f2: 0, num: Numeric.ZERO, num2: Numeric.ZERO, list: [] };
}

function agg(step: (s: Acc, a: Value, b: Value, ctx: EvalContext) => void, final: (s: Acc, ctx: EvalContext) => Value, strict = true): Impl {
  return { strict, init: newAcc, step: (s, args, ctx) => (step(s, args[0] ?? null, args[1] ?? null, ctx), s), final };
}

const INT8_MAX = 2n ** 63n - 1n;
const nullIfEmpty = (s: Acc, v: Value): Value => (s.n === 0 ? null : v);

const sumToInt8 = agg((s, a) => {
  s.n++;
  s.big += BigInt(a as number);
}, (s) => {
  if (s.big > INT8_MAX || s.big < -INT8_MAX - 1n) throw intOutOfRange(OID.int8);
  return nullIfEmpty(s, s.big);
});

const sumToNumeric = (toNum: (a: Value) => Numeric): Impl => agg((s, a) => {
  s.n++;
  s.num = numericMath.numericAdd(s.num, toNum(a));
}, (s) => nullIfEmpty(s, s.num));

const avgNumeric = (toNum: (a: Value) => Numeric): Impl => agg((s, a) => {
  s.n++;
  s.num = numericMath.numericAdd(s.num, toNum(a));
}, (s) => (s.n === 0 ? null : numericMath.numericDiv(s.num, Numeric.fromBigInt(s.n))));

const avgInt = agg((s, a) => {
  s.n++;
  s.big += typeof a === 'bigint' ? a : BigInt(a as number);
}, (s) => (s.n === 0 ? null : numericMath.numericDiv(Numeric.fromBigInt(s.big), Numeric.fromBigInt(s.n))));

function floatSum(single: boolean): Impl {
  return agg((s, a) => {
    s.n++;
    const r = single ? Math.fround(s.f + (a as number)) : s.f + (a as number);
    if (!Number.isFinite(r) && Number.isFinite(s.f) && Number.isFinite(a as number)) {
      throw new SqlError(SQLSTATE.numericValueOutOfRange, 'value out of range: overflow');
    }
    s.f = r;
  }, (s) => nullIfEmpty(s, s.f));
}

/** float8_accum (Youngs-Cramer): n, Sx, Sxx. */
function floatAccum(s: Acc, a: Value): void {
  const x = a as number;
  s.n++;
  s.f += x;
  if (s.n > 1) {
    const tmp = x * s.n - s.f;
    s.f2 += (tmp * tmp) / (s.n * (s.n - 1));
  } else s.f2 = Number.isFinite(x) ? 0 : NaN;
}

function floatVariance(sample: boolean, root: boolean): Impl {
  return agg(floatAccum, (s) => {
    if (s.n === 0 || (sample && s.n === 1)) return null;
    const v = s.f2 / (sample ? s.n - 1 : s.n);
    return root ? Math.sqrt(v) : v;
  });
}

function numericVariance(toNum: (a: Value) => Numeric, sample: boolean, root: boolean): Impl {
  return agg((s, a) => {
    const x = toNum(a);
    s.n++;
    s.num = numericMath.numericAdd(s.num, x);
    s.num2 = numericMath.numericAdd(s.num2, numericMath.numericMul(x, x));
  }, (s) => {
    if (s.n === 0 || (sample && s.n === 1)) return null;
    if (s.num.isNaN() || s.num2.isNaN()) return Numeric.NaN;
    const vN = Numeric.fromBigInt(s.n);
    const numerator = numericMath.numericSub(numericMath.numericMul(vN, s.num2), numericMath.numericMul(s.num, s.num));
    if (numerator.sign() <= 0) return Numeric.ZERO;
    const denominator = Numeric.fromBigInt(sample ? s.n * (s.n - 1) : s.n * s.n);
    const rscale = numericMath.divScale(numerator, denominator);
    const variance = numericMath.numericDiv(numerator, denominator, rscale);
    return root ? sqrtAt(variance, rscale) : variance;
  });
}

function sqrtAt(v: Numeric, rscale: number): Numeric {
  return numericMath.numericSqrtAt(v, rscale);
}

function minMax(type: SqlType, sign: number): Impl {
  const cmp = type.compare;
  return agg((s, a) => {
    if (s.n === 0 || sign * cmp(a, s.v) >= 0) s.v = a;
    s.n++;
  }, (s) => nullIfEmpty(s, s.v));
}

const boolAnd = agg((s, a) => {
  s.v = s.n === 0 ? a : (s.v as boolean) && (a as boolean);
  s.n++;
}, (s) => nullIfEmpty(s, s.v));

const boolOr = agg((s, a) => {
  s.v = s.n === 0 ? a : (s.v as boolean) || (a as boolean);
  s.n++;
}, (s) => nullIfEmpty(s, s.v));

/** string_agg skips NULL values, but a NULL delimiter is allowed (treated as empty). */
const stringAgg = agg((s, a, d) => {
  if (a === null) return;
  s.list.push(s.n === 0 ? '' : (d ?? ''), a);
  s.n++;
}, (s) => (s.n === 0 ? null : s.list.join('')), false);

const byteaAgg = agg((s, a, d) => {
  if (a === null) return;
  if (s.n > 0 && d !== null) s.list.push(d);
  s.list.push(a);
  s.n++;
}, (s) => (s.n === 0 ? null : new Uint8Array(Buffer.concat(s.list as Uint8Array[]))), false);

const arrayAgg = agg((s, a) => {
  s.list.push(a);
  s.n++;
}, (s) => (s.n === 0 ? null : s.list.slice()), false);

function jsonbAgg(type: SqlType): Impl {
  return agg((s, a, _b, ctx) => {
    s.list.push(a);
    s.n++;
    void ctx;
  }, (s, ctx) => (s.n === 0 ? null : new Jsonb(s.list.map((v) => toJsonNode(type, v, ctx)))), false);
}

const countAll: Impl = { strict: false, init: newAcc, step: (s) => (s.n++, s), final: (s) => BigInt(s.n) };
const countAny: Impl = agg((s) => {
  s.n++;
}, (s) => BigInt(s.n));

function bitAgg(and: boolean, big: boolean): Impl {
  return agg((s, a) => {
    if (big) s.big = s.n === 0 ? (a as bigint) : and ? s.big & (a as bigint) : s.big | (a as bigint);
    else s.f = s.n === 0 ? (a as number) : and ? s.f & (a as number) : s.f | (a as number);
    s.n++;
  }, (s) => nullIfEmpty(s, big ? s.big : s.f));
}

const sumInterval = agg((s, a) => {
  s.v = s.n === 0 ? a : (s.v as Interval).add(a as Interval);
  s.n++;
}, (s) => nullIfEmpty(s, s.v));

const avgInterval = agg((s, a) => {
  s.v = s.n === 0 ? a : (s.v as Interval).add(a as Interval);
  s.n++;
}, (s) => (s.n === 0 ? null : (s.v as Interval).div(s.n)));

export { sumToInt8, sumToNumeric, avgNumeric, avgInt, floatSum, floatVariance, numericVariance, minMax, boolAnd, boolOr };
export { stringAgg, byteaAgg, arrayAgg, jsonbAgg, countAll, countAny, bitAgg, sumInterval, avgInterval };
export type { Impl as AggregateImpl };
