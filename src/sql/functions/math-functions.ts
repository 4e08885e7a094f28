/**
 * Mathematical functions (PostgreSQL 15 "Mathematical Functions and Operators"): float8 versions
 * use C's rounding (round(float8) is rint: half to even), numeric versions are exact with
 * PostgreSQL's result scales.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { Numeric, numericMath, OID, type Value } from '../../catalog/types/index.js';
import { INT8_OPS, floatPower, numericPower, smallIntOps } from './arithmetic.js';
import { intOutOfRange, rint } from './conversions.js';
import { fn, type FunctionDef } from './function-def.js';
import type { EvalContext } from './function-types.js';
import { numericExp, numericLn, numericLog } from './numeric-transcendental.js';

const { int2, int4, int8, float4, float8, numeric } = OID;

function overflowCheck(r: number, x: number): number {
  if (!Number.isFinite(r) && Number.isFinite(x)) throw new SqlError(SQLSTATE.numericValueOutOfRange, 'value out of range: overflow');
  if (r === 0 && Number.isFinite(x)) throw new SqlError(SQLSTATE.numericValueOutOfRange, 'value out of range: underflow');
  return r;
}

function lnFloat(x: number, log: (v: number) => number): number {
  if (x === 0) throw new SqlError('2201E', 'cannot take logarithm of zero');
  if (x < 0) throw new SqlError('2201E', 'cannot take logarithm of a negative number');
  return log(x);
}

function sqrtFloat(x: number): number {
  if (x < 0) throw new SqlError('2201F', 'cannot take square root of a negative number');
  return Math.sqrt(x);
}

function absInt(oid: number): (a: readonly Value[]) => Value {
  return ([a]) => {
    const n = Math.abs(a as number);
    if (oid === int2 ? n > 32767 : n > 2147483647) throw intOutOfRange(oid);
    return n;
  };
}

/**
 * PostgreSQL 15 clamps the scale of round(numeric, int) and trunc(numeric, int) before computing
 * (numeric.c: at most NUMERIC_DSCALE_MAX = 16383 digits after the point, at least
 * -(NUMERIC_WEIGHT_MAX + 1) * DEC_DIGITS - 1 = -131073): an unclamped scale of 2^31 would build a
 * number with billions of digits.
 */
const NUMERIC_DSCALE_MAX = 16383;
const NUMERIC_SCALE_MIN = -131073;

function clampScale(scale: number): number {
  return Math.max(NUMERIC_SCALE_MIN, Math.min(NUMERIC_DSCALE_MAX, scale));
}

function roundTo(a: Value, b: Value): Value {
  return (a as Numeric).round(clampScale(b as number));
}

function numericSign(a: Value): Value {
  const n = a as Numeric;
  if (n.isNaN()) return n;
  return Numeric.fromBigInt(n.sign());
}

function random(_args: readonly Value[], ctx: EvalContext): Value {
  return (ctx.random ?? Math.random)();
}

function trig(name: string, f: (x: number) => number): FunctionDef {
  return fn(name, [float8], float8, ([a]) => {
    const r = f(a as number);
    if (Number.isNaN(r) && !Number.isNaN(a as number)) throw new SqlError('22003', 'input is out of range');
    return r;
  });
}

export const MATH_FUNCTIONS: FunctionDef[] = [
  fn('abs', [int2], int2, absInt(int2)),
  fn('abs', [int4], int4, absInt(int4)),
  fn('abs', [int8], int8, ([a]) => {
    if ((a as bigint) === -(2n ** 63n)) throw intOutOfRange(int8);
    return (a as bigint) < 0n ? -(a as bigint) : (a as bigint);
  }),
  fn('abs', [float4], float4, ([a]) => Math.abs(a as number)),
  fn('abs', [float8], float8, ([a]) => Math.abs(a as number)),
  fn('abs', [numeric], numeric, ([a]) => (a as Numeric).abs()),
  ...['ceil', 'ceiling'].flatMap((name) => [
    fn(name, [float8], float8, ([a]) => Math.ceil(a as number)),
    fn(name, [numeric], numeric, ([a]) => (a as Numeric).ceil()),
  ]),
  fn('floor', [float8], float8, ([a]) => Math.floor(a as number)),
  fn('floor', [numeric], numeric, ([a]) => (a as Numeric).floor()),
  fn('round', [float8], float8, ([a]) => rint(a as number)),
  fn('round', [numeric], numeric, ([a]) => (a as Numeric).round(0)),
  fn('round', [numeric, int4], numeric, ([a, b]) => roundTo(a as Value, b as Value)),
  fn('trunc', [float8], float8, ([a]) => Math.trunc(a as number)),
  fn('trunc', [numeric], numeric, ([a]) => (a as Numeric).trunc(0)),
  fn('trunc', [numeric, int4], numeric, ([a, b]) => (a as Numeric).trunc(clampScale(b as number))),
  fn('mod', [int2, int2], int2, ([a, b]) => (smallIntOps(int2)['%'] as (x: Value, y: Value) => Value)(a as Value, b as Value)),
  fn('mod', [int4, int4], int4, ([a, b]) => (smallIntOps(int4)['%'] as (x: Value, y: Value) => Value)(a as Value, b as Value)),
  fn('mod', [int8, int8], int8, ([a, b]) => (INT8_OPS['%'] as (x: Value, y: Value) => Value)(a as Value, b as Value)),
  fn('mod', [numeric, numeric], numeric, ([a, b]) => numericMath.numericMod(a as Numeric, b as Numeric)),
  fn('div', [numeric, numeric], numeric, ([a, b]) => numericMath.numericDivTrunc(a as Numeric, b as Numeric)),
  ...['power', 'pow'].flatMap((name) => [
    fn(name, [float8, float8], float8, ([a, b]) => floatPower(a as Value, b as Value)),
    fn(name, [numeric, numeric], numeric, ([a, b]) => numericPower(a as Numeric, b as Numeric)),
  ]),
  fn('sqrt', [float8], float8, ([a]) => sqrtFloat(a as number)),
  fn('sqrt', [numeric], numeric, ([a]) => numericMath.numericSqrt(a as Numeric)),
  fn('cbrt', [float8], float8, ([a]) => Math.cbrt(a as number)),
  fn('exp', [float8], float8, ([a]) => overflowCheck(Math.exp(a as number), a as number)),
  fn('exp', [numeric], numeric, ([a]) => numericExp(a as Numeric)),
  fn('ln', [float8], float8, ([a]) => lnFloat(a as number, Math.log)),
  fn('ln', [numeric], numeric, ([a]) => numericLn(a as Numeric)),
  fn('log', [float8], float8, ([a]) => lnFloat(a as number, Math.log10)),
  fn('log10', [float8], float8, ([a]) => lnFloat(a as number, Math.log10)),
  fn('log', [numeric], numeric, ([a]) => numericLog(Numeric.fromBigInt(10), a as Numeric)),
  fn('log10', [numeric], numeric, ([a]) => numericLog(Numeric.fromBigInt(10), a as Numeric)),
  fn('log', [numeric, numeric], numeric, ([a, b]) => numericLog(a as Numeric, b as Numeric)),
  fn('sign', [float8], float8, ([a]) => (Number.isNaN(a as number) ? NaN : Math.sign(a as number) + 0)),
  fn('sign', [numeric], numeric, ([a]) => numericSign(a as Value)),
  fn('pi', [], float8, () => Math.PI),
  fn('random', [], float8, random, { volatile: true }),
  fn('degrees', [float8], float8, ([a]) => ((a as number) * 180) / Math.PI),
  fn('radians', [float8], float8, ([a]) => ((a as number) * Math.PI) / 180),
  trig('sin', Math.sin),
  trig('cos', Math.cos),
  trig('tan', Math.tan),
  trig('asin', Math.asin),
  trig('acos', Math.acos),
  trig('atan', Math.atan),
  fn('atan2', [float8, float8], float8, ([a, b]) => Math.atan2(a as number, b as number)),
  fn('scale', [numeric], int4, ([a]) => ((a as Numeric).isFinite() ? (a as Numeric).scale : null)),
  fn('gcd', [int4, int4], int4, ([a, b]) => gcd(Math.abs(a as number), Math.abs(b as number))),
  fn('gcd', [int8, int8], int8, ([a, b]) => gcdBig(a as bigint, b as bigint)),
];

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  if (a > 2147483647) throw intOutOfRange(int4);
  return a;
}

function gcdBig(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}
