/**
 * Date/time functions: now() and friends (transaction time from the context), extract /
 * date_part, date_trunc, age, make_date, make_timestamp, to_timestamp(epoch), justify_*,
 * isfinite. timestamptz fields and truncation work in the session time zone.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import {
  Interval, Numeric, OID, TIMESTAMP_NOBEGIN, TIMESTAMP_NOEND, currentDate, currentTimestamp, fromLocal, toLocal, type Value,
} from '../../catalog/types/index.js';
import { POSTGRES_EPOCH_JDATE, UNIX_EPOCH_JDATE, date2j, daysInMonth, makeTimestamp, timestampInRange } from '../../catalog/types/datetime-core.js';
import { zoneOffsetAt } from '../../catalog/types/timestamp-types.js';
import { dateToTimestamp } from './conversions.js';
import { age, extractInterval, extractTime, extractTimestamp, truncInterval, truncTimestamp, type TimeKind } from './datetime-fields.js';
import { fn, type FunctionDef } from './function-def.js';
import type { EvalContext } from './function-types.js';

const { text, date, time, timestamp, timestamptz, interval, numeric, float8, int4, bool } = OID;

function isInfinite(ts: bigint): boolean {
  return ts === TIMESTAMP_NOBEGIN || ts === TIMESTAMP_NOEND;
}

function infiniteField(unit: string, ts: bigint): Numeric | null {
  const u = unit.toLowerCase();
  if (['epoch', 'year', 'decade', 'century', 'millennium', 'julian', 'isoyear'].includes(u)) {
    return ts === TIMESTAMP_NOEND ? Numeric.POSITIVE_INFINITY : Numeric.NEGATIVE_INFINITY;
  }
  return null;
}

function extractTs(unit: string, ts: bigint, kind: TimeKind, ctx: EvalContext): Numeric | null {
  if (isInfinite(ts)) return infiniteField(unit, ts);
  if (kind === 'timestamptz') {
    const offset = zoneOffsetAt(ts, ctx.timeZone);
    return extractTimestamp(unit, kind, ts + BigInt(offset) * 1_000_000n, ts, offset);
  }
  return extractTimestamp(unit, kind, ts, ts, 0);
}

function extractDate(unit: string, d: number): Numeric | null {
  if (!Number.isFinite(d)) return infiniteField(unit, d > 0 ? TIMESTAMP_NOEND : TIMESTAMP_NOBEGIN);
  const ts = dateToTimestamp(d);
  return extractTimestamp(unit, 'date', ts, ts, 0);
}

const toFloat = (n: Numeric | null): Value => (n === null ? null : n.toNumber());

function makeDate(y: number, m: number, d: number): number {
  const year = y < 0 ? y + 1 : y;
  if (y === 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(year, m)) {
    throw new SqlError(SQLSTATE.datetimeFieldOverflow, `date field value out of range: ${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  }
  return date2j(year, m, d) - POSTGRES_EPOCH_JDATE;
}

function makeTs(args: readonly Value[]): bigint {
  const [y, m, d, h, mi, s] = args as [number, number, number, number, number, number];
  const days = makeDate(y, m, d);
  if (h < 0 || h > 24 || mi < 0 || mi > 59 || s < 0 || s > 60) {
    throw new SqlError(SQLSTATE.datetimeFieldOverflow, `time field value out of range: ${h}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}`);
  }
  const us = h * 3_600_000_000 + mi * 60_000_000 + Math.round(s * 1_000_000);
  return makeTimestamp(days + POSTGRES_EPOCH_JDATE, us);
}

function toTimestampEpoch(seconds: number): Value {
  if (Number.isNaN(seconds)) throw new SqlError(SQLSTATE.datetimeFieldOverflow, 'timestamp cannot be NaN');
  if (seconds === Infinity) return TIMESTAMP_NOEND;
  if (seconds === -Infinity) return TIMESTAMP_NOBEGIN;
  const ts = BigInt(Math.round(seconds * 1e6)) + BigInt(UNIX_EPOCH_JDATE - POSTGRES_EPOCH_JDATE) * 86_400_000_000n;
  if (!timestampInRange(ts)) throw new SqlError(SQLSTATE.datetimeFieldOverflow, `timestamp out of range: "${seconds}"`);
  return ts;
}

function justifyHours(iv: Interval): Interval {
  const day = 86_400_000_000n;
  let days = iv.days + Number(iv.micros / day);
  let micros = iv.micros % day;
  if (days > 0 && micros < 0n) {
    micros += day;
    days--;
  } else if (days < 0 && micros > 0n) {
    micros -= day;
    days++;
  }
  return new Interval(iv.months, days, micros);
}

function justifyDays(iv: Interval): Interval {
  let months = iv.months + Math.trunc(iv.days / 30);
  let days = iv.days % 30;
  if (months > 0 && days < 0) {
    days += 30;
    months--;
  } else if (months < 0 && days > 0) {
    days -= 30;
    months++;
  }
  return new Interval(months, days, iv.micros);
}

/** interval_justify_interval, step by step as timestamp.c. */
function justifyInterval(iv: Interval): Interval {
  const day = 86_400_000_000n;
  let months = iv.months;
  let days = iv.days + Number(iv.micros / day);
  let micros = iv.micros % day;
  months += Math.trunc(days / 30);
  days -= Math.trunc(days / 30) * 30;
  if (months > 0 && (days < 0 || (days === 0 && micros < 0n))) {
    days += 30;
    months--;
  } else if (months < 0 && (days > 0 || (days === 0 && micros > 0n))) {
    days -= 30;
    months++;
  }
  if (days > 0 && micros < 0n) {
    micros += day;
    days--;
  } else if (days < 0 && micros > 0n) {
    micros -= day;
    days++;
  }
  return new Interval(months, days, micros);
}

const now = (_a: readonly Value[], ctx: EvalContext): Value => currentTimestamp(ctx);

export const DATETIME_FUNCTIONS: FunctionDef[] = [
  ...['now', 'transaction_timestamp', 'statement_timestamp', 'current_timestamp'].map((name) => fn(name, [], timestamptz, now, { volatile: true })),
  fn('clock_timestamp', [], timestamptz, () => BigInt(Date.now()) * 1000n - BigInt(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * 86_400_000_000n, { volatile: true }),
  fn('current_date', [], date, (_a, ctx) => currentDate(ctx), { volatile: true }),
  fn('localtimestamp', [], timestamp, (_a, ctx) => toLocal(currentTimestamp(ctx), ctx.timeZone), { volatile: true }),
  fn('localtime', [], time, (_a, ctx) => Number(toLocal(currentTimestamp(ctx), ctx.timeZone) % 86_400_000_000n), { volatile: true }),
  fn('extract', [text, timestamp], numeric, ([u, v], ctx) => extractTs(u as string, v as bigint, 'timestamp', ctx)),
  fn('extract', [text, timestamptz], numeric, ([u, v], ctx) => extractTs(u as string, v as bigint, 'timestamptz', ctx)),
  fn('extract', [text, date], numeric, ([u, v]) => extractDate(u as string, v as number)),
  fn('extract', [text, time], numeric, ([u, v]) => extractTime(u as string, v as number)),
  fn('extract', [text, interval], numeric, ([u, v]) => extractInterval(u as string, v as Interval)),
  fn('date_part', [text, timestamp], float8, ([u, v], ctx) => toFloat(extractTs(u as string, v as bigint, 'timestamp', ctx))),
  fn('date_part', [text, timestamptz], float8, ([u, v], ctx) => toFloat(extractTs(u as string, v as bigint, 'timestamptz', ctx))),
  fn('date_part', [text, date], float8, ([u, v]) => toFloat(extractTs(u as string, dateToTimestamp(v as number), 'timestamp', {} as EvalContext))),
  fn('date_part', [text, time], float8, ([u, v]) => toFloat(extractTime(u as string, v as number))),
  fn('date_part', [text, interval], float8, ([u, v]) => toFloat(extractInterval(u as string, v as Interval))),
  fn('date_trunc', [text, timestamp], timestamp, ([u, v]) => (isInfinite(v as bigint) ? (v as bigint) : truncTimestamp(u as string, 'timestamp', v as bigint))),
  fn('date_trunc', [text, timestamptz], timestamptz, ([u, v], ctx) =>
    isInfinite(v as bigint) ? (v as bigint) : fromLocal(truncTimestamp(u as string, 'timestamptz', toLocal(v as bigint, ctx.timeZone)), ctx.timeZone)),
  fn('date_trunc', [text, interval], interval, ([u, v]) => truncInterval(u as string, v as Interval)),
  fn('age', [timestamp, timestamp], interval, ([a, b]) => age(a as bigint, b as bigint)),
  fn('age', [timestamptz, timestamptz], interval, ([a, b], ctx) => age(toLocal(a as bigint, ctx.timeZone), toLocal(b as bigint, ctx.timeZone))),
  fn('age', [timestamp], interval, ([a], ctx) => age(dateToTimestamp(currentDate(ctx)), a as bigint), { volatile: true }),
  fn('age', [timestamptz], interval, ([a], ctx) => age(dateToTimestamp(currentDate(ctx)), toLocal(a as bigint, ctx.timeZone)), { volatile: true }),
  fn('make_date', [int4, int4, int4], date, ([y, m, d]) => makeDate(y as number, m as number, d as number)),
  fn('make_timestamp', [int4, int4, int4, int4, int4, float8], timestamp, (args) => makeTs(args)),
  fn('make_timestamptz', [int4, int4, int4, int4, int4, float8], timestamptz, (args, ctx) => fromLocal(makeTs(args), ctx.timeZone)),
  fn('to_timestamp', [float8], timestamptz, ([s]) => toTimestampEpoch(s as number)),
  fn('justify_hours', [interval], interval, ([v]) => justifyHours(v as Interval)),
  fn('justify_days', [interval], interval, ([v]) => justifyDays(v as Interval)),
  fn('justify_interval', [interval], interval, ([v]) => justifyInterval(v as Interval)),
  fn('isfinite', [date], bool, ([v]) => Number.isFinite(v as number)),
  fn('isfinite', [timestamp], bool, ([v]) => !isInfinite(v as bigint)),
  fn('isfinite', [timestamptz], bool, ([v]) => !isInfinite(v as bigint)),
  fn('isfinite', [interval], bool, () => true),
  fn('timezone', [text, timestamptz], timestamp, ([z, v]) => toLocal(v as bigint, z as string)),
  fn('timezone', [text, timestamp], timestamptz, ([z, v]) => fromLocal(v as bigint, z as string)),
];
