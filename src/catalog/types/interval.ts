/**
 * Interval: PostgreSQL's three-field time span (months, days, microseconds), each with its own
 * sign. Instances are immutable.
 * - Order and equality compare the total span with a month as 30 days and a day as 24 hours
 *   (interval_cmp), so '1 mon' = '30 days'; hashKey is that total.
 * - Output is IntervalStyle 'postgres': '1 year 2 mons -3 days +04:05:06.5', zero '00:00:00'.
 * - Input: '[@] n unit … [ago]', 'hh:mm[:ss]', 'd hh:mm:ss', 'y-m', ISO 8601 'P1Y2M3DT4H5M6S';
 *   fractional units cascade down (1.5 mons = 1 mon 15 days) as PostgreSQL.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { USECS_PER_DAY, USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC, pad2 } from './datetime-core.js';

const DAYS_PER_MONTH = 30;
const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

export class Interval {
  constructor(
    readonly months: number,
    readonly days: number,
    readonly micros: bigint,
  ) {}

  static readonly ZERO = new Interval(0, 0, 0n);

  /** Total span in microseconds (months as 30 days). */
  span(): bigint {
    return (BigInt(this.months) * BigInt(DAYS_PER_MONTH) + BigInt(this.days)) * BigInt(USECS_PER_DAY) + this.micros;
  }

  compare(other: Interval): number {
    const a = this.span();
    const b = other.span();
    return a < b ? -1 : a > b ? 1 : 0;
  }

  negate(): Interval {
    return checked(-this.months, -this.days, -this.micros);
  }

  add(other: Interval): Interval {
    return checked(this.months + other.months, this.days + other.days, this.micros + other.micros);
  }

  sub(other: Interval): Interval {
    return checked(this.months - other.months, this.days - other.days, this.micros - other.micros);
  }

  /** interval_mul (timestamp.c): fractional months and days cascade down, TSROUND at each step. */
  mul(factor: number): Interval {
    return this.scaleBy((x) => x * factor);
  }

  /** interval_div: as interval_mul, dividing each field (not multiplying by 1/factor). */
  div(factor: number): Interval {
    if (factor === 0) throw new SqlError(SQLSTATE.divisionByZero, 'division by zero');
    return this.scaleBy((x) => x / factor);
  }

  private scaleBy(op: (x: number) => number): Interval {
    const monthsExact = op(this.months);
    const daysExact = op(this.days);
    if (Number.isNaN(monthsExact) || !inInt32(monthsExact) || !inInt32(daysExact)) throw intervalOutOfRange();
    const months = Math.trunc(monthsExact);
    let days = Math.trunc(daysExact);
    const monthRemainderDays = tsRound((monthsExact - months) * DAYS_PER_MONTH);
    let secRemainder = tsRound((daysExact - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * 86400);
    if (Math.abs(secRemainder) >= 86400) {
      days += Math.trunc(secRemainder / 86400);
      secRemainder -= Math.trunc(secRemainder / 86400) * 86400;
    }
    days += Math.trunc(monthRemainderDays);
    const micros = rint(op(Number(this.micros)) + secRemainder * USECS_PER_SEC);
    if (!Number.isFinite(micros) || Math.abs(micros) >= 9.223372036854776e18) throw intervalOutOfRange();
    return checked(months, days, BigInt(micros));
  }


  toString(): string {
    return formatInterval(this);
  }
}

/** C rint(): round half to even. */
function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** TSROUND: round to microsecond precision, as timestamp.h. */
function tsRound(x: number): number {
  return rint(x * 1e6) / 1e6;
}

function inInt32(x: number): boolean {
  return x <= INT32_MAX && x >= INT32_MIN;
}

export function intervalOutOfRange(): SqlError {
  return new SqlError(SQLSTATE.datetimeFieldOverflow, 'interval out of range');
}

function checked(months: number, days: number, micros: bigint): Interval {
  if (months > INT32_MAX || months < INT32_MIN || days > INT32_MAX || days < INT32_MIN) throw intervalOutOfRange();
  if (micros > 2n ** 63n - 1n || micros < -(2n ** 63n)) throw intervalOutOfRange();
  return new Interval(months, days, micros);
}

function intPart(parts: string[], value: number, unit: string, state: { zero: boolean; before: boolean }): void {
  if (value === 0) return;
  parts.push(`${state.zero ? '' : ' '}${state.before && value > 0 ? '+' : ''}${value} ${unit}${value !== 1 ? 's' : ''}`);
  state.before = value < 0;
  state.zero = false;
}

/** IntervalStyle postgres output. */
export function formatInterval(iv: Interval): string {
  const parts: string[] = [];
  const state = { zero: true, before: false };
  const years = Math.trunc(iv.months / 12);
  intPart(parts, years, 'year', state);
  intPart(parts, iv.months - years * 12, 'mon', state);
  intPart(parts, iv.days, 'day', state);
  if (state.zero || iv.micros !== 0n) {
    const minus = iv.micros < 0n;
    const abs = minus ? -iv.micros : iv.micros;
    const hours = abs / BigInt(USECS_PER_HOUR);
    const rest = Number(abs % BigInt(USECS_PER_HOUR));
    const min = Math.floor(rest / USECS_PER_MINUTE);
    const sec = Math.floor((rest % USECS_PER_MINUTE) / USECS_PER_SEC);
    const frac = rest % USECS_PER_SEC;
    const sign = minus ? '-' : state.before ? '+' : '';
    let text = `${state.zero ? '' : ' '}${sign}${hours < 10n ? '0' + hours : String(hours)}:${pad2(min)}:${pad2(sec)}`;
    if (frac !== 0) text += '.' + String(frac).padStart(6, '0').replace(/0+$/, '');
    parts.push(text);
  }
  return parts.join('');
}
