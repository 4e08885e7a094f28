/**
 * Arithmetic operator implementations with PostgreSQL's errors: integer overflow raises 22003
 * ("integer out of range", "smallint out of range", "bigint out of range"), float overflow
 * "value out of range: overflow", division by zero 22012; integer division truncates toward
 * zero; numeric follows numeric-math.ts scales.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { Numeric, numericMath, OID, type Value } from '../../catalog/types/index.js';
import { intOutOfRange } from './conversions.js';
import type { BinaryImpl } from './function-types.js';
import { numericPowerGeneral } from './numeric-transcendental.js';

const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

function divZero(): SqlError {
  return new SqlError(SQLSTATE.divisionByZero, 'division by zero');
}

function intResult(oid: number, n: number): number {
  if (oid === OID.int2 ? n < -32768 || n > 32767 : n < -2147483648 || n > 2147483647) throw intOutOfRange(oid);
  return n;
}

function int8Result(n: bigint): bigint {
  if (n < INT8_MIN || n > INT8_MAX) throw intOutOfRange(OID.int8);
  return n;
}

/** + - * / % for int2/int4 results (operands are numbers). */
export function smallIntOps(oid: number): Record<string, BinaryImpl> {
  return {
    '+': (a, b) => intResult(oid, (a as number) + (b as number)),
    '-': (a, b) => intResult(oid, (a as number) - (b as number)),
    '*': (a, b) => {
      const p = (a as number) * (b as number);
      if (!Number.isSafeInteger(p)) throw intOutOfRange(oid);
      return intResult(oid, p);
    },
    '/': (a, b) => {
      if (b === 0) throw divZero();
      return intResult(oid, Math.trunc((a as number) / (b as number)));
    },
    '%': (a, b) => {
      if (b === 0) throw divZero();
      const r = (a as number) % (b as number);
      return r === 0 ? 0 : r;
    },
  };
}

function big(v: Value): bigint {
  return typeof v === 'bigint' ? v : BigInt(v as number);
}

/** + - * / % where the result is int8 (either operand may be a number or a bigint). */
export const INT8_OPS: Record<string, BinaryImpl> = {
  '+': (a, b) => int8Result(big(a) + big(b)),
  '-': (a, b) => int8Result(big(a) - big(b)),
  '*': (a, b) => int8Result(big(a) * big(b)),
  '/': (a, b) => {
    const d = big(b);
    if (d === 0n) throw divZero();
    return int8Result(big(a) / d);
  },
  '%': (a, b) => {
    const d = big(b);
    if (d === 0n) throw divZero();
    return big(a) % d;
  },
};

function floatResult(r: number, a: number, b: number, single: boolean): number {
  const v = single ? Math.fround(r) : r;
  if (!Number.isFinite(v) && Number.isFinite(a) && Number.isFinite(b)) {
    throw new SqlError(SQLSTATE.numericValueOutOfRange, 'value out of range: overflow');
  }
  if (v === 0 && r !== 0) throw new SqlError(SQLSTATE.numericValueOutOfRange, 'value out of range: underflow');
  return v;
}

export function floatOps(single: boolean): Record<string, BinaryImpl> {
  return {
    '+': (a, b) => floatResult((a as number) + (b as number), a as number, b as number, single),
    '-': (a, b) => floatResult((a as number) - (b as number), a as number, b as number, single),
    '*': (a, b) => {
      const x = a as number;
      const y = b as number;
      const r = x * y;
      if (r === 0 && x !== 0 && y !== 0) throw new SqlError(SQLSTATE.numericValueOutOfRange, 'value out of range: underflow');
      return floatResult(r, x, y, single);
    },
    '/': (a, b) => {
      if (b === 0) throw divZero();
      const r = (a as number) / (b as number);
      if (r === 0 && a !== 0 && Number.isFinite(b as number)) throw new SqlError(SQLSTATE.numericValueOutOfRange, 'value out of range: underflow');
      return floatResult(r, a as number, b as number, single);
    },
  };
}

export const NUMERIC_OPS: Record<string, BinaryImpl> = {
  '+': (a, b) => numericMath.numericAdd(a as Numeric, b as Numeric),
  '-': (a, b) => numericMath.numericSub(a as Numeric, b as Numeric),
  '*': (a, b) => numericMath.numericMul(a as Numeric, b as Numeric),
  '/': (a, b) => numericMath.numericDiv(a as Numeric, b as Numeric),
  '%': (a, b) => numericMath.numericMod(a as Numeric, b as Numeric),
  '^': (a, b) => numericPower(a as Numeric, b as Numeric),
};

/** float8 ^ float8 (dpow) with PostgreSQL's errors. */
export function floatPower(a: Value, b: Value): Value {
  const x = a as number;
  const y = b as number;
  if (x === 0 && y < 0) throw new SqlError('2201F', 'zero raised to a negative power is undefined');
  if (x < 0 && !Number.isInteger(y)) throw new SqlError('2201F', 'a negative number raised to a non-integer power yields a complex result');
  if (x === 1 || (Number.isNaN(x) && y === 0)) return 1;
  const r = Math.pow(x, y);
  if (!Number.isFinite(r) && Number.isFinite(x) && Number.isFinite(y)) throw new SqlError(SQLSTATE.numericValueOutOfRange, 'value out of range: overflow');
  if (r === 0 && x !== 0 && Number.isFinite(x) && Number.isFinite(y)) throw new SqlError(SQLSTATE.numericValueOutOfRange, 'value out of range: underflow');
  return r;
}

/** numeric ^ numeric: exact for integer exponents; otherwise through exp(y·ln x) (numeric-transcendental.ts). */
export function numericPower(a: Numeric, b: Numeric): Numeric {
  if (a.isNaN() || b.isNaN()) {
    if (a.isNaN() && b.isFinite() && b.sign() === 0) return Numeric.ONE;
    if (b.isNaN() && a.isFinite() && a.compare(Numeric.ONE) === 0) return Numeric.ONE;
    return Numeric.NaN;
  }
  if (b.isFinite() && b.trunc(0).compare(b) === 0 && b.abs().compare(Numeric.fromBigInt(1_000_000)) < 0) {
    if (a.isFinite()) return numericMath.numericPowerInt(a, b.trunc(0).unscaled);
  }
  return numericPowerGeneral(a, b);
}
