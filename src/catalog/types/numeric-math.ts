/**
 * Arithmetic on Numeric with PostgreSQL 15's result scales (numeric.c):
 * - a + b, a - b: scale max(sa, sb); a * b: scale sa + sb;
 * - a / b: select_div_scale (at least 16 significant digits, at least max(sa, sb)), rounded half
 *   away from zero; a % b: scale max(sa, sb), sign of a;
 * - sqrt: (16 - weight) digits, at least the argument's scale; integer power: max(16, sa) digits.
 * - Infinity and NaN follow numeric.c (inf - inf = NaN, inf * 0 = NaN, x / 0 → 22012).
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { Numeric, NUMERIC_MAX_DISPLAY_SCALE, NUMERIC_MIN_SIG_DIGITS, pow10, digitCount } from './numeric.js';
import { divisionByZero } from './type-errors.js';

function divRoundHalfAway(num: bigint, den: bigint): bigint {
  const negative = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  let q = n / d;
  if ((n % d) * 2n >= d) q += 1n;
  return negative ? -q : q;
}

function specialAdd(a: Numeric, b: Numeric): Numeric {
  if (a.isNaN() || b.isNaN()) return Numeric.NaN;
  if (!a.isFinite() && !b.isFinite()) return a.sign() === b.sign() ? a : Numeric.NaN;
  return a.isFinite() ? b : a;
}

export function numericAdd(a: Numeric, b: Numeric): Numeric {
  if (!a.isFinite() || !b.isFinite()) return specialAdd(a, b);
  const scale = Math.max(a.scale, b.scale);
  return Numeric.of(a.withScale(scale).unscaled + b.withScale(scale).unscaled, scale);
}

export function numericSub(a: Numeric, b: Numeric): Numeric {
  return numericAdd(a, b.negate());
}

export function numericMul(a: Numeric, b: Numeric): Numeric {
  if (!a.isFinite() || !b.isFinite()) {
    if (a.isNaN() || b.isNaN()) return Numeric.NaN;
    const s = a.sign() * b.sign();
    return s === 0 ? Numeric.NaN : s > 0 ? Numeric.POSITIVE_INFINITY : Numeric.NEGATIVE_INFINITY;
  }
  return Numeric.of(a.unscaled * b.unscaled, a.scale + b.scale);
}

/** Base-10000 weight and first base-10000 digit of a finite value, as numeric.c sees them. */
function nbaseLead(n: Numeric): [number, number] {
  if (n.unscaled === 0n) return [0, 0];
  const e = n.leadingExponent();
  const weight = Math.floor(e / 4);
  const k = e - 4 * weight + 1;
  const digits = (n.unscaled < 0n ? -n.unscaled : n.unscaled).toString();
  return [weight, Number(digits.slice(0, k).padEnd(k, '0'))];
}

/** numeric.c select_div_scale. */
export function divScale(a: Numeric, b: Numeric): number {
  const [w1, f1] = nbaseLead(a);
  const [w2, f2] = nbaseLead(b);
  let qweight = w1 - w2;
  if (f1 <= f2) qweight--;
  let rscale = NUMERIC_MIN_SIG_DIGITS - qweight * 4;
  rscale = Math.max(rscale, a.scale, b.scale, 0);
  return Math.min(rscale, NUMERIC_MAX_DISPLAY_SCALE);
}

function specialDiv(a: Numeric, b: Numeric): Numeric {
  if (a.isNaN() || b.isNaN()) return Numeric.NaN;
  if (!a.isFinite()) {
    if (!b.isFinite()) return Numeric.NaN;
    if (b.sign() === 0) throw divisionByZero();
    return a.sign() * b.sign() > 0 ? Numeric.POSITIVE_INFINITY : Numeric.NEGATIVE_INFINITY;
  }
  return Numeric.ZERO;
}

/** Division rounded to `scale` digits (default: PostgreSQL's select_div_scale). */
export function numericDiv(a: Numeric, b: Numeric, scale?: number): Numeric {
  if (!a.isFinite() || !b.isFinite()) return specialDiv(a, b);
  if (b.unscaled === 0n) throw divisionByZero();
  const rscale = scale ?? divScale(a, b);
  const num = a.unscaled * pow10(b.scale + rscale);
  const den = b.unscaled * pow10(a.scale);
  return Numeric.of(divRoundHalfAway(num, den), rscale);
}

/** Integer quotient truncated toward zero (PostgreSQL's div()). */
export function numericDivTrunc(a: Numeric, b: Numeric): Numeric {
  if (!a.isFinite() || !b.isFinite()) {
    const r = specialDiv(a, b);
    return r;
  }
  if (b.unscaled === 0n) throw divisionByZero();
  const num = a.unscaled * pow10(b.scale);
  const den = b.unscaled * pow10(a.scale);
  return Numeric.of(num / den, 0);
}

export function numericMod(a: Numeric, b: Numeric): Numeric {
  if (a.isNaN() || b.isNaN()) return Numeric.NaN;
  if (b.isFinite() && b.unscaled === 0n) throw divisionByZero();
  if (!a.isFinite()) return Numeric.NaN;
  if (!b.isFinite()) return a;
  const scale = Math.max(a.scale, b.scale);
  return Numeric.of(a.withScale(scale).unscaled % b.withScale(scale).unscaled, scale);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  // Start from a float estimate; past float range (n > ~1.8e308) start from 2^(bits/2 + 1),
  // which is above the root, so Newton's iteration still converges from above.
  const estimate = Number(n);
  let x = Number.isFinite(estimate) ? BigInt(Math.floor(Math.sqrt(estimate))) : 1n << BigInt((n.toString(2).length >> 1) + 1);
  if (x === 0n) x = 1n;
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) {
      // Newton from above converges to floor(sqrt(n)); fix up any float-estimate start below it.
      while (x * x > n) x -= 1n;
      while ((x + 1n) * (x + 1n) <= n) x += 1n;
      return x;
    }
    x = y;
  }
}

export function numericSqrt(a: Numeric): Numeric {
  if (a.isNaN()) return a;
  if (a.sign() < 0) {
    throw new SqlError('2201F', 'cannot take square root of a negative number');
  }
  if (!a.isFinite()) return a;
  const weight = a.unscaled === 0n ? 0 : Math.floor(a.leadingExponent() / 4);
  const sweight = Math.trunc(((weight + 1) * 4) / 2) - 1;
  const rscale = Math.min(Math.max(NUMERIC_MIN_SIG_DIGITS - sweight, a.scale, 0), NUMERIC_MAX_DISPLAY_SCALE);
  return numericSqrtAt(a, rscale);
}

/** Square root of a finite non-negative value, correctly rounded (half up) to `rscale` digits. */
export function numericSqrtAt(a: Numeric, rscale: number): Numeric {
  const extra = Math.max(rscale + 1, Math.ceil(a.scale / 2));
  const root = isqrt(a.unscaled * pow10(2 * extra - a.scale));
  return Numeric.of(root, extra).round(rscale);
}

/** base ^ exp for an integer exponent, at scale max(16, base.scale) (power_var_int). */
export function numericPowerInt(base: Numeric, exp: bigint): Numeric {
  const rscale = Math.min(Math.max(NUMERIC_MIN_SIG_DIGITS, base.scale, 0), NUMERIC_MAX_DISPLAY_SCALE);
  if (exp === 0n) return Numeric.of(pow10(rscale), rscale);
  const magnitude = exp < 0n ? -exp : exp;
  if (magnitude > 100000n || digitCount(base.unscaled) * Number(magnitude) > 200000) {
    throw new SqlError(SQLSTATE.numericValueOutOfRange, 'value overflows numeric format');
  }
  const raised = Numeric.of(base.unscaled ** magnitude, base.scale * Number(magnitude));
  if (exp > 0n) return raised.round(rscale);
  if (raised.unscaled === 0n) {
    throw new SqlError('2201F', 'zero raised to a negative power is undefined');
  }
  return numericDiv(Numeric.ONE, raised, rscale);
}
