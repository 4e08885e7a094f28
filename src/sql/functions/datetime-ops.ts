/**
 * Date/time arithmetic (timestamp.c, date.c): timestamp ± interval adds months first (clamping
 * the day to the month's end), then days, then microseconds; for timestamptz the month and day
 * steps happen in the session time zone's local time. timestamp - timestamp gives an interval
 * of days and time (justify_hours). Infinite inputs stay infinite.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { Interval, TIMESTAMP_NOBEGIN, TIMESTAMP_NOEND, fromLocal, toLocal, type Value } from '../../catalog/types/index.js';
import { date2j, daysInMonth, j2date, makeTimestamp, splitTimestamp, timestampInRange, USECS_PER_DAY_BIG } from '../../catalog/types/datetime-core.js';
import { dateToTimestamp } from './conversions.js';
import type { EvalContext } from './function-types.js';

const DAY_US = 86_400_000_000;

function isInfinite(ts: bigint): boolean {
  return ts === TIMESTAMP_NOBEGIN || ts === TIMESTAMP_NOEND;
}

export function timestampOutOfRange(): SqlError {
  return new SqlError(SQLSTATE.datetimeFieldOverflow, 'timestamp out of range');
}

function checkTs(ts: bigint): bigint {
  if (!timestampInRange(ts)) throw timestampOutOfRange();
  return ts;
}

/** Adds months and days to a (local) timestamp. */
function addMonthsDays(ts: bigint, months: number, days: number): bigint {
  let out = ts;
  if (months !== 0) {
    const [jd, us] = splitTimestamp(out);
    const [y, m, d] = j2date(jd) as [number, number, number];
    const total = y * 12 + (m - 1) + months;
    const ny = Math.floor(total / 12);
    const nm = total - ny * 12 + 1;
    const nd = Math.min(d, daysInMonth(ny, nm));
    out = makeTimestamp(date2j(ny, nm, nd), us);
  }
  if (days !== 0) out += BigInt(days) * USECS_PER_DAY_BIG;
  return out;
}

export function timestampPlusInterval(ts: bigint, iv: Interval): bigint {
  if (isInfinite(ts)) return ts;
  return checkTs(addMonthsDays(ts, iv.months, iv.days) + iv.micros);
}

export function timestamptzPlusInterval(ts: bigint, iv: Interval, ctx: EvalContext): bigint {
  if (isInfinite(ts)) return ts;
  let out = ts;
  if (iv.months !== 0 || iv.days !== 0) out = fromLocal(addMonthsDays(toLocal(ts, ctx.timeZone), iv.months, iv.days), ctx.timeZone);
  return checkTs(out + iv.micros);
}

/** timestamp - timestamp: days and time, as justify_hours. */
export function timestampDiff(a: bigint, b: bigint): Interval {
  if (isInfinite(a) || isInfinite(b)) throw new SqlError(SQLSTATE.datetimeFieldOverflow, 'cannot subtract infinite timestamps');
  const diff = a - b;
  const days = diff / USECS_PER_DAY_BIG;
  return new Interval(0, Number(days), diff - days * USECS_PER_DAY_BIG);
}

export function datePlusDays(d: Value, n: Value): Value {
  const days = d as number;
  if (!Number.isFinite(days)) return days;
  const out = days + Number(n);
  if (out < -2451545 || out >= 2147483494 - 2451545) throw new SqlError(SQLSTATE.datetimeFieldOverflow, 'date out of range');
  return out;
}

export function dateDiff(a: Value, b: Value): Value {
  const x = a as number;
  const y = b as number;
  if (!Number.isFinite(x) || !Number.isFinite(y)) throw new SqlError(SQLSTATE.datetimeFieldOverflow, 'cannot subtract infinite dates');
  return x - y;
}

export function datePlusInterval(d: Value, iv: Value): Value {
  return timestampPlusInterval(dateToTimestamp(d as number), iv as Interval);
}

export function datePlusTime(d: Value, t: Value): Value {
  const ts = dateToTimestamp(d as number);
  return isInfinite(ts) ? ts : checkTs(ts + BigInt(t as number));
}

export function timePlusInterval(t: Value, iv: Value): Value {
  const r = Number((BigInt(t as number) + (iv as Interval).micros) % USECS_PER_DAY_BIG);
  return r < 0 ? r + DAY_US : r;
}

export function timeDiff(a: Value, b: Value): Value {
  return new Interval(0, 0, BigInt((a as number) - (b as number)));
}

/** The local Julian day and time of day of a timestamp (timestamptz in the session zone). */
export function localParts(ts: bigint, withZone: boolean, ctx: EvalContext): [number, number] {
  return splitTimestamp(withZone ? toLocal(ts, ctx.timeZone) : ts);
}
