/**
 * Numeric: PostgreSQL's exact decimal, as an unscaled bigint and a display scale.
 * - A finite value is `unscaled / 10^scale`; `scale` (PostgreSQL's dscale) is >= 0 and is what the
 *   text output shows, so 1.50 and 1.5 are equal but print differently.
 * - NaN, +Infinity and -Infinity are special values (kind); NaN sorts above everything, as in
 *   PostgreSQL, and NaN = NaN.
 * - Instances are immutable.
 */
import { invalidInput } from './type-errors.js';

export const NUMERIC_FINITE = 0;
export const NUMERIC_NAN = 1;
export const NUMERIC_PINF = 2;
export const NUMERIC_NINF = 3;

/** PostgreSQL's limits: at most 1000 digits after the point in display, 16 significant digits minimum. */
export const NUMERIC_MAX_DISPLAY_SCALE = 1000;
export const NUMERIC_MIN_SIG_DIGITS = 16;
/** Input precision limits (PostgreSQL: 131072 digits before the point, 16383 after). */
export const NUMERIC_WEIGHT_DIGITS_MAX = 131072;
export const NUMERIC_SCALE_MAX = 16383;

const POW10: bigint[] = [1n];

/** 10^n as a bigint (cached). */
export function pow10(n: number): bigint {
  for (let i = POW10.length; i <= n; i++) POW10.push((POW10[i - 1] as bigint) * 10n);
  return POW10[n] as bigint;
}

/** Number of decimal digits of |v| (1 for 0). */
export function digitCount(v: bigint): number {
  if (v < 0n) v = -v;
  if (v < 10n) return 1;
  // Estimate from the bit length, then correct.
  const estimate = Math.floor((v.toString(16).length - 1) * 4 * 0.30102999566398120);
  let n = Math.max(1, estimate);
  while (v >= pow10(n)) n++;
  while (n > 1 && v < pow10(n - 1)) n--;
  return n;
}

const NUMERIC_PATTERN = /^\s*([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?\s*$/;

export class Numeric {
  private constructor(
    /** The value times 10^scale (0n for special values). */
    readonly unscaled: bigint,
    /** Digits after the decimal point (dscale). */
    readonly scale: number,
    readonly kind: number,
  ) {}

  static readonly NaN = new Numeric(0n, 0, NUMERIC_NAN);
  static readonly POSITIVE_INFINITY = new Numeric(0n, 0, NUMERIC_PINF);
  static readonly NEGATIVE_INFINITY = new Numeric(0n, 0, NUMERIC_NINF);
  static readonly ZERO = new Numeric(0n, 0, NUMERIC_FINITE);
  static readonly ONE = new Numeric(1n, 0, NUMERIC_FINITE);

  static of(unscaled: bigint, scale: number): Numeric {
    return new Numeric(unscaled, scale, NUMERIC_FINITE);
  }

  static fromBigInt(v: bigint | number): Numeric {
    return new Numeric(BigInt(v), 0, NUMERIC_FINITE);
  }

  /** Parses numeric input text; throws 22P02 naming `sqlName`. */
  static parse(text: string, sqlName = 'numeric'): Numeric {
    const match = NUMERIC_PATTERN.exec(text);
    if (match === null) return Numeric.parseSpecial(text, sqlName);
    const intPart = match[2] ?? '';
    const fracPart = match[3] ?? match[4] ?? '';
    const exponent = match[5] === undefined ? 0 : Number(match[5]);
    if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 2 * NUMERIC_WEIGHT_DIGITS_MAX) {
      throw invalidInput(sqlName, text);
    }
    let unscaled = BigInt(intPart + fracPart);
    let scale = fracPart.length - exponent;
    if (scale < 0) {
      unscaled *= pow10(-scale);
      scale = 0;
    }
    if (match[1] === '-') unscaled = -unscaled;
    return new Numeric(unscaled, scale, NUMERIC_FINITE);
  }

  private static parseSpecial(text: string, sqlName: string): Numeric {
    const word = text.trim().toLowerCase();
    if (word === 'nan') return Numeric.NaN;
    if (word === 'infinity' || word === '+infinity' || word === 'inf' || word === '+inf') return Numeric.POSITIVE_INFINITY;
    if (word === '-infinity' || word === '-inf') return Numeric.NEGATIVE_INFINITY;
    throw invalidInput(sqlName, text);
  }

  isFinite(): boolean {
    return this.kind === NUMERIC_FINITE;
  }

  isNaN(): boolean {
    return this.kind === NUMERIC_NAN;
  }

  /** -1, 0 or 1 (NaN → 0 is never asked: callers check isNaN first). */
  sign(): number {
    if (this.kind === NUMERIC_PINF) return 1;
    if (this.kind === NUMERIC_NINF) return -1;
    return this.unscaled > 0n ? 1 : this.unscaled < 0n ? -1 : 0;
  }

  /** The same value at a scale >= this.scale (exact, no rounding). */
  withScale(scale: number): Numeric {
    if (scale === this.scale || this.kind !== NUMERIC_FINITE) return this;
    if (scale > this.scale) return new Numeric(this.unscaled * pow10(scale - this.scale), scale, NUMERIC_FINITE);
    return this.round(scale);
  }

  /** Rounds half away from zero to `scale` digits (negative: to tens, hundreds…); dscale = max(scale, 0). */
  round(scale: number): Numeric {
    if (this.kind !== NUMERIC_FINITE) return this;
    if (scale >= this.scale) return this.withScale(scale < 0 ? 0 : scale);
    const drop = pow10(this.scale - scale);
    const negative = this.unscaled < 0n;
    const magnitude = negative ? -this.unscaled : this.unscaled;
    let q = magnitude / drop;
    if ((magnitude % drop) * 2n >= drop) q += 1n;
    return Numeric.fromShifted(negative ? -q : q, scale);
  }

  /** Truncates toward zero to `scale` digits. */
  trunc(scale: number): Numeric {
    if (this.kind !== NUMERIC_FINITE) return this;
    if (scale >= this.scale) return this.withScale(scale < 0 ? 0 : scale);
    return Numeric.fromShifted(this.unscaled / pow10(this.scale - scale), scale);
  }

  /** `q * 10^-scale`, where a negative scale means q counts tens/hundreds… */
  private static fromShifted(q: bigint, scale: number): Numeric {
    if (scale >= 0) return new Numeric(q, scale, NUMERIC_FINITE);
    return new Numeric(q * pow10(-scale), 0, NUMERIC_FINITE);
  }

  /** Floor (toward -infinity), scale 0. */
  floor(): Numeric {
    if (this.kind !== NUMERIC_FINITE) return this;
    const d = pow10(this.scale);
    let q = this.unscaled / d;
    if (this.unscaled < 0n && q * d !== this.unscaled) q -= 1n;
    return new Numeric(q, 0, NUMERIC_FINITE);
  }

  ceil(): Numeric {
    if (this.kind !== NUMERIC_FINITE) return this;
    return this.negate().floor().negate();
  }

  negate(): Numeric {
    if (this.kind === NUMERIC_PINF) return Numeric.NEGATIVE_INFINITY;
    if (this.kind === NUMERIC_NINF) return Numeric.POSITIVE_INFINITY;
    if (this.kind === NUMERIC_NAN) return this;
    return new Numeric(-this.unscaled, this.scale, NUMERIC_FINITE);
  }

  abs(): Numeric {
    return this.sign() < 0 ? this.negate() : this;
  }

  /** Total order of PostgreSQL's btree: -Infinity < finite < +Infinity < NaN. */
  compare(other: Numeric): number {
    if (this.kind !== NUMERIC_FINITE || other.kind !== NUMERIC_FINITE) {
      return Numeric.rank(this) - Numeric.rank(other);
    }
    if (this.scale === other.scale) return cmpBig(this.unscaled, other.unscaled);
    if (this.scale < other.scale) return cmpBig(this.unscaled * pow10(other.scale - this.scale), other.unscaled);
    return cmpBig(this.unscaled, other.unscaled * pow10(this.scale - other.scale));
  }

  private static rank(n: Numeric): number {
    if (n.kind === NUMERIC_NINF) return -2;
    if (n.kind === NUMERIC_PINF) return 2;
    if (n.kind === NUMERIC_NAN) return 3;
    return n.unscaled > 0n ? 1 : n.unscaled < 0n ? -1 : 0;
  }

  equals(other: Numeric): boolean {
    return this.compare(other) === 0;
  }

  /** The value without trailing fractional zeros (for hashing and key encoding). */
  normalized(): Numeric {
    if (this.kind !== NUMERIC_FINITE || this.scale === 0) return this;
    let u = this.unscaled;
    let s = this.scale;
    while (s > 0 && u % 10n === 0n) {
      u /= 10n;
      s--;
    }
    return s === this.scale ? this : new Numeric(u, s, NUMERIC_FINITE);
  }

  /** A string equal for equal values. */
  hashKey(): string {
    if (this.kind !== NUMERIC_FINITE) return this.toString();
    const n = this.normalized();
    return n.scale === 0 ? n.unscaled.toString() : `${n.unscaled}e-${n.scale}`;
  }

  /** PostgreSQL's numeric_out. */
  toString(): string {
    if (this.kind === NUMERIC_NAN) return 'NaN';
    if (this.kind === NUMERIC_PINF) return 'Infinity';
    if (this.kind === NUMERIC_NINF) return '-Infinity';
    const negative = this.unscaled < 0n;
    let digits = (negative ? -this.unscaled : this.unscaled).toString();
    if (this.scale === 0) return negative ? '-' + digits : digits;
    if (digits.length <= this.scale) digits = '0'.repeat(this.scale - digits.length + 1) + digits;
    const point = digits.length - this.scale;
    const text = digits.slice(0, point) + '.' + digits.slice(point);
    return negative ? '-' + text : text;
  }

  /** Nearest float8 (strtod of the text, as PostgreSQL's numeric_float8). */
  toNumber(): number {
    if (this.kind === NUMERIC_NAN) return NaN;
    if (this.kind === NUMERIC_PINF) return Infinity;
    if (this.kind === NUMERIC_NINF) return -Infinity;
    return Number(this.toString());
  }

  /** Decimal exponent of the leading digit of a nonzero finite value (123 → 2, 0.05 → -2). */
  leadingExponent(): number {
    return digitCount(this.unscaled) - 1 - this.scale;
  }
}

export function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
