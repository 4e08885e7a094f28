/**
 * ln, log, exp and non-integer power for numeric, computed in bigint fixed point with guard
 * digits and rounded half away from zero to PostgreSQL 15's result scales (numeric.c
 * estimate_ln_dweight, numeric_exp, numeric_log, power_var).
 * - Working precision is the result scale plus GUARD_DIGITS plus the magnitude of the value, so
 *   the rounded result is correct unless the true value lies within 10^-GUARD_DIGITS of a
 *   rounding boundary.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { Numeric, numericMath } from '../../catalog/types/index.js';
import { pow10 } from '../../catalog/types/numeric.js';

const GUARD_DIGITS = 12;
const MIN_SIG_DIGITS = 16;
const MAX_DISPLAY_SCALE = 1000;
/** Largest working precision (digits) for one evaluation. */
const WORKING_DIGITS_MAX = 4000;

function clampScale(rscale: number, ...scales: number[]): number {
  return Math.min(Math.max(rscale, 0, ...scales), MAX_DISPLAY_SCALE);
}

/** Fixed point: value = n / 10^p. */
function toFixed(x: Numeric, p: number): bigint {
  return x.scale <= p ? x.unscaled * pow10(p - x.scale) : x.round(p).unscaled;
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** ln of a positive fixed-point value at precision p. */
function lnFixed(x: bigint, p: number): bigint {
  const one = pow10(p);
  let y = x;
  let k = 0;
  const near = one / 100n;
  while ((y > one ? y - one : one - y) > near) {
    y = isqrt(y * one);
    k++;
    if (k > 4000) throw new SqlError(SQLSTATE.numericValueOutOfRange, 'value overflows numeric format');
  }
  const z = ((y - one) * one) / (y + one);
  const z2 = (z * z) / one;
  let term = z;
  let sum = 0n;
  for (let n = 1n; term !== 0n; n += 2n) {
    sum += term / n;
    term = (term * z2) / one;
  }
  return (sum * 2n) << BigInt(k);
}

/** exp of a fixed-point value at precision p (the caller bounds its magnitude). */
function expFixed(x: bigint, p: number): bigint {
  const one = pow10(p);
  let m = 0;
  let y = x;
  const small = one / 1000n;
  while ((y < 0n ? -y : y) > small) {
    y /= 2n;
    m++;
  }
  let sum = one;
  let term = one;
  for (let n = 1n; term !== 0n; n++) {
    term = (term * y) / one / n;
    sum += term;
  }
  for (let i = 0; i < m; i++) sum = (sum * sum) / one;
  return sum;
}

/** PostgreSQL's estimate_ln_dweight. */
function lnDweight(x: Numeric): number {
  if (x.sign() <= 0) return 0;
  if (x.compare(Numeric.parse('0.9')) >= 0 && x.compare(Numeric.parse('1.1')) <= 0) {
    const d = numericMath.numericSub(x, Numeric.ONE);
    return d.sign() === 0 ? 0 : d.leadingExponent();
  }
  const approx = Math.log(x.toNumber());
  const ln = Number.isFinite(approx) ? approx : (x.leadingExponent() + 0.5) * Math.LN10;
  return Math.trunc(Math.log10(Math.abs(ln)));
}

function workingDigits(rscale: number, magnitudeDigits: number): number {
  const p = rscale + GUARD_DIGITS + Math.max(0, magnitudeDigits);
  if (p > WORKING_DIGITS_MAX) throw new SqlError(SQLSTATE.numericValueOutOfRange, 'value overflows numeric format');
  return p;
}

function lnAt(x: Numeric, rscale: number): Numeric {
  const p = workingDigits(rscale, Math.abs(x.leadingExponent()));
  return Numeric.of(lnFixed(toFixed(x, p + Math.max(0, -x.leadingExponent())), p + Math.max(0, -x.leadingExponent())), p + Math.max(0, -x.leadingExponent())).round(rscale);
}

function checkLnArg(x: Numeric): void {
  if (x.sign() === 0) throw new SqlError('2201E', 'cannot take logarithm of zero');
  if (x.sign() < 0) throw new SqlError('2201E', 'cannot take logarithm of a negative number');
}

export function numericLn(x: Numeric): Numeric {
  if (x.isNaN()) return x;
  checkLnArg(x);
  if (!x.isFinite()) return x;
  return lnAt(x, clampScale(MIN_SIG_DIGITS - lnDweight(x), x.scale));
}

/** log(base, x). */
export function numericLog(base: Numeric, x: Numeric): Numeric {
  if (base.isNaN() || x.isNaN()) return Numeric.NaN;
  checkLnArg(base);
  checkLnArg(x);
  if (!base.isFinite() || !x.isFinite()) return Numeric.NaN;
  if (base.compare(Numeric.ONE) === 0) throw new SqlError(SQLSTATE.divisionByZero, 'division by zero');
  const rscale = clampScale(MIN_SIG_DIGITS - (lnDweight(x) - lnDweight(base)), base.scale, x.scale);
  const extra = rscale + GUARD_DIGITS + 10;
  return numericMath.numericDiv(lnAt(x, extra), lnAt(base, extra), extra).round(rscale);
}

function expAt(x: Numeric, rscale: number): Numeric {
  const approx = x.toNumber();
  if (approx > 2302.6 * 1.0001 * 100) throw new SqlError(SQLSTATE.numericValueOutOfRange, 'value overflows numeric format');
  if (approx < -6000) return Numeric.ZERO.withScale(rscale);
  const resultDigits = Math.max(0, Math.ceil(approx * Math.LOG10E));
  const p = workingDigits(rscale, resultDigits);
  return Numeric.of(expFixed(toFixed(x, p), p), p).round(rscale);
}

export function numericExp(x: Numeric): Numeric {
  if (x.isNaN()) return x;
  if (!x.isFinite()) return x.sign() > 0 ? x : Numeric.ZERO;
  let val = x.toNumber() * 0.434294481903252;
  val = Math.max(-MAX_DISPLAY_SCALE * 2, Math.min(MAX_DISPLAY_SCALE * 2, val));
  return expAt(x, clampScale(MIN_SIG_DIGITS - Math.trunc(val), x.scale));
}

/** base ^ exp for a non-integer (or huge) exponent: exp(exp · ln(base)). */
export function numericPowerGeneral(base: Numeric, exp: Numeric): Numeric {
  if (!base.isFinite() || !exp.isFinite()) {
    throw new SqlError(SQLSTATE.featureNotSupported, 'infinite arguments to power() are not supported');
  }
  if (base.sign() === 0) {
    if (exp.sign() < 0) throw new SqlError('2201F', 'zero raised to a negative power is undefined');
    return Numeric.ZERO.withScale(clampScale(MIN_SIG_DIGITS, exp.scale));
  }
  if (base.sign() < 0) throw new SqlError('2201F', 'a negative number raised to a non-integer power yields a complex result');
  const lnBase = lnAt(base, MIN_SIG_DIGITS + 8 - lnDweight(base) + GUARD_DIGITS);
  const lnNum = numericMath.numericMul(lnBase, exp);
  const val = lnNum.toNumber() * 0.434294481903252;
  if (val > 1.0001 * 131072) throw new SqlError(SQLSTATE.numericValueOutOfRange, 'value overflows numeric format');
  const rscale = clampScale(MIN_SIG_DIGITS - Math.trunc(val), base.scale, exp.scale);
  const precise = numericMath.numericMul(lnAt(base, rscale + GUARD_DIGITS + 10 + Math.max(0, Math.ceil(val))), exp);
  return expAt(precise, rscale);
}
