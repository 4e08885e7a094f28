/**
 * Fields of dates, times, timestamps and intervals: extract / date_part (PostgreSQL 14+:
 * extract returns numeric with scale 6 for second/epoch, 3 for milliseconds; date_part float8),
 * date_trunc and age, following timestamp.c.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { Interval, Numeric, numericMath } from '../../catalog/types/index.js';
import {
  POSTGRES_EPOCH_JDATE, UNIX_EPOCH_JDATE, USECS_PER_DAY, date2j, daysInMonth, j2date, j2day, makeTimestamp,
} from '../../catalog/types/datetime-core.js';

export type TimeKind = 'date' | 'time' | 'timestamp' | 'timestamptz' | 'interval';

const TYPE_LABEL: Record<TimeKind, string> = {
  date: 'date', time: 'time without time zone', timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone', interval: 'interval',
};

const UNIT_ALIASES: Record<string, string> = {
  microsecond: 'microseconds', microseconds: 'microseconds', us: 'microseconds', usec: 'microseconds', usecs: 'microseconds',
  millisecond: 'milliseconds', milliseconds: 'milliseconds', ms: 'milliseconds', msec: 'milliseconds', msecs: 'milliseconds',
  second: 'second', seconds: 'second', sec: 'second', secs: 'second', s: 'second',
  minute: 'minute', minutes: 'minute', min: 'minute', mins: 'minute', m: 'minute',
  hour: 'hour', hours: 'hour', h: 'hour', hr: 'hour', hrs: 'hour',
  day: 'day', days: 'day', d: 'day', week: 'week', weeks: 'week', w: 'week',
  month: 'month', months: 'month', mon: 'month', mons: 'month', quarter: 'quarter', qtr: 'quarter',
  year: 'year', years: 'year', y: 'year', yr: 'year', yrs: 'year', decade: 'decade', decades: 'decade',
  century: 'century', centuries: 'century', millennium: 'millennium', millennia: 'millennium', mil: 'millennium',
  epoch: 'epoch', dow: 'dow', isodow: 'isodow', doy: 'doy', isoyear: 'isoyear', julian: 'julian',
  timezone: 'timezone', timezone_hour: 'timezone_hour', timezone_minute: 'timezone_minute',
};

export function normalizeUnit(unit: string, kind: TimeKind): string {
  const u = UNIT_ALIASES[unit.toLowerCase().trim()];
  if (u === undefined) throw new SqlError(SQLSTATE.invalidParameterValue, `unit "${unit}" not recognized for type ${TYPE_LABEL[kind]}`);
  return u;
}

function unsupported(unit: string, kind: TimeKind): SqlError {
  return new SqlError(SQLSTATE.featureNotSupported, `unit "${unit}" not supported for type ${TYPE_LABEL[kind]}`);
}

const n = (v: number | bigint): Numeric => Numeric.fromBigInt(typeof v === 'number' ? BigInt(v) : v);
const scaled = (v: bigint, scale: number): Numeric => Numeric.of(v, scale);

/** ISO 8601 week number and ISO year of a Julian day. */
function isoWeek(jd: number): [number, number] {
  const [y] = j2date(jd) as [number];
  const weekStart = (year: number): number => {
    const jan4 = date2j(year, 1, 4);
    return jan4 - ((j2day(jan4) + 6) % 7);
  };
  let year = y;
  if (jd < weekStart(year)) year--;
  else if (jd >= weekStart(year + 1)) year++;
  return [Math.floor((jd - weekStart(year)) / 7) + 1, year];
}

function yearFields(unit: string, year: number): number | undefined {
  switch (unit) {
    case 'year': return year > 0 ? year : year - 1;
    case 'decade': return year >= 0 ? Math.trunc(year / 10) : -Math.trunc((8 - (year - 1)) / 10);
    case 'century': return year > 0 ? Math.trunc((year + 99) / 100) : -Math.trunc((99 - (year - 1)) / 100);
    case 'millennium': return year > 0 ? Math.trunc((year + 999) / 1000) : -Math.trunc((999 - (year - 1)) / 1000);
    default: return undefined;
  }
}

/** extract(unit from a local timestamp split into day and time); offset for timestamptz. */
function timestampField(unit: string, jd: number, us: number, kind: TimeKind, utcSeconds: bigint, offsetSeconds: number): Numeric {
  const [y, m, d] = j2date(jd) as [number, number, number];
  const yearly = yearFields(unit, y);
  if (yearly !== undefined) return n(yearly);
  const timeOnly = ['microseconds', 'milliseconds', 'second', 'minute', 'hour'].includes(unit);
  if (kind === 'date' && (timeOnly || unit.startsWith('timezone'))) throw unsupported(unit, kind);
  switch (unit) {
    case 'microseconds': return n(us % 60_000_000);
    case 'milliseconds': return scaled(BigInt(us % 60_000_000), 3);
    case 'second': return scaled(BigInt(us % 60_000_000), 6);
    case 'minute': return n(Math.floor(us / 60_000_000) % 60);
    case 'hour': return n(Math.floor(us / 3_600_000_000));
    case 'day': return n(d);
    case 'month': return n(m);
    case 'quarter': return n(Math.floor((m - 1) / 3) + 1);
    case 'week': return n(isoWeek(jd)[0]);
    case 'isoyear': { const iy = isoWeek(jd)[1]; return n(iy > 0 ? iy : iy - 1); }
    case 'dow': return n(j2day(jd));
    case 'isodow': return n(j2day(jd) === 0 ? 7 : j2day(jd));
    case 'doy': return n(jd - date2j(y, 1, 1) + 1);
    case 'julian': return numericMath.numericAdd(n(jd), numericMath.numericDiv(n(us), n(USECS_PER_DAY)));
    case 'epoch': return kind === 'date' ? n(utcSeconds / 1_000_000n) : scaled(utcSeconds, 6);
    case 'timezone': if (kind === 'timestamptz') return n(offsetSeconds); break;
    case 'timezone_hour': if (kind === 'timestamptz') return n(Math.trunc(offsetSeconds / 3600)); break;
    case 'timezone_minute': if (kind === 'timestamptz') return n(Math.trunc((offsetSeconds % 3600) / 60)); break;
    default:
  }
  throw unsupported(unit, kind);
}

/** extract(unit from timestamp-like), given local day/time and the UTC microseconds since 1970. */
export function extractTimestamp(unit: string, kind: TimeKind, local: bigint, utc: bigint, offsetSeconds: number): Numeric {
  const u = normalizeUnit(unit, kind);
  let days = local / 86_400_000_000n;
  let rem = local % 86_400_000_000n;
  if (rem < 0n) {
    rem += 86_400_000_000n;
    days -= 1n;
  }
  const unixUs = utc - BigInt(UNIX_EPOCH_JDATE - POSTGRES_EPOCH_JDATE) * 86_400_000_000n;
  return timestampField(u, Number(days) + POSTGRES_EPOCH_JDATE, Number(rem), kind, unixUs, offsetSeconds);
}

export function extractTime(unit: string, us: number): Numeric {
  const u = normalizeUnit(unit, 'time');
  switch (u) {
    case 'microseconds': return n(us % 60_000_000);
    case 'milliseconds': return scaled(BigInt(us % 60_000_000), 3);
    case 'second': return scaled(BigInt(us % 60_000_000), 6);
    case 'minute': return n(Math.floor(us / 60_000_000) % 60);
    case 'hour': return n(Math.floor(us / 3_600_000_000));
    case 'epoch': return scaled(BigInt(us), 6);
    default: throw unsupported(u, 'time');
  }
}

export function extractInterval(unit: string, iv: Interval): Numeric {
  const u = normalizeUnit(unit, 'interval');
  const t = iv.micros;
  const years = Math.trunc(iv.months / 12);
  switch (u) {
    case 'microseconds': return n(t % 60_000_000n);
    case 'milliseconds': return scaled(t % 60_000_000n, 3);
    case 'second': return scaled(t % 60_000_000n, 6);
    case 'minute': return n((t / 60_000_000n) % 60n);
    case 'hour': return n(t / 3_600_000_000n);
    case 'day': return n(iv.days);
    case 'month': return n(iv.months % 12);
    case 'quarter': return n(Math.trunc((iv.months % 12) / 3) + 1);
    case 'year': return n(years);
    case 'decade': return n(Math.trunc(years / 10));
    case 'century': return n(Math.trunc(years / 100));
    case 'millennium': return n(Math.trunc(years / 1000));
    case 'epoch': {
      const secs = (BigInt(1461 * years) + BigInt(120 * (iv.months % 12)) + BigInt(4 * iv.days)) * 21600n;
      return scaled(secs * 1_000_000n + t, 6);
    }
    default: throw unsupported(u, 'interval');
  }
}

/** date_trunc on a local timestamp. */
export function truncTimestamp(unit: string, kind: TimeKind, ts: bigint): bigint {
  const u = normalizeUnit(unit, kind);
  let days = ts / 86_400_000_000n;
  let rem = ts % 86_400_000_000n;
  if (rem < 0n) {
    rem += 86_400_000_000n;
    days -= 1n;
  }
  const jd = Number(days) + POSTGRES_EPOCH_JDATE;
  const us = Number(rem);
  const [y, m] = j2date(jd) as [number, number];
  const unit_us: Record<string, number> = { microseconds: 1, milliseconds: 1000, second: 1e6, minute: 6e7, hour: 3.6e9, day: USECS_PER_DAY };
  const step = unit_us[u];
  if (step !== undefined) return makeTimestamp(jd, us - (us % step));
  switch (u) {
    case 'week': return makeTimestamp(jd - ((j2day(jd) + 6) % 7), 0);
    case 'month': return makeTimestamp(date2j(y, m, 1), 0);
    case 'quarter': return makeTimestamp(date2j(y, Math.floor((m - 1) / 3) * 3 + 1, 1), 0);
    case 'year': return makeTimestamp(date2j(y, 1, 1), 0);
    case 'decade': return makeTimestamp(date2j(y > 0 ? Math.floor(y / 10) * 10 : -Math.floor((9 - y) / 10) * 10, 1, 1), 0);
    case 'century': return makeTimestamp(date2j(y > 0 ? Math.floor((y - 1) / 100) * 100 + 1 : -Math.floor((99 - y) / 100) * 100 + 1, 1, 1), 0);
    case 'millennium': return makeTimestamp(date2j(y > 0 ? Math.floor((y - 1) / 1000) * 1000 + 1 : -Math.floor((999 - y) / 1000) * 1000 + 1, 1, 1), 0);
    default: throw unsupported(u, kind);
  }
}

export function truncInterval(unit: string, iv: Interval): Interval {
  const u = normalizeUnit(unit, 'interval');
  const t = iv.micros;
  const cut = (step: bigint): bigint => t - (t % step);
  switch (u) {
    case 'microseconds': return iv;
    case 'milliseconds': return new Interval(iv.months, iv.days, cut(1000n));
    case 'second': return new Interval(iv.months, iv.days, cut(1_000_000n));
    case 'minute': return new Interval(iv.months, iv.days, cut(60_000_000n));
    case 'hour': return new Interval(iv.months, iv.days, cut(3_600_000_000n));
    case 'day': return new Interval(iv.months, iv.days, 0n);
    case 'month': return new Interval(iv.months, 0, 0n);
    case 'quarter': return new Interval(iv.months - (iv.months % 3), 0, 0n);
    case 'year': return new Interval(iv.months - (iv.months % 12), 0, 0n);
    case 'decade': return new Interval(iv.months - (iv.months % 120), 0, 0n);
    case 'century': return new Interval(iv.months - (iv.months % 1200), 0, 0n);
    case 'millennium': return new Interval(iv.months - (iv.months % 12000), 0, 0n);
    default: throw unsupported(u, 'interval');
  }
}

/** age(a, b) on local timestamps: symbolic years/months/days (timestamp_age). */
export function age(a: bigint, b: bigint): Interval {
  const parts = (ts: bigint): number[] => {
    let days = ts / 86_400_000_000n;
    let rem = ts % 86_400_000_000n;
    if (rem < 0n) {
      rem += 86_400_000_000n;
      days -= 1n;
    }
    const [y, m, d] = j2date(Number(days) + POSTGRES_EPOCH_JDATE) as [number, number, number];
    return [y, m, d, Number(rem)];
  };
  const [y1, m1, d1, t1] = parts(a) as [number, number, number, number];
  const [y2, m2, d2, t2] = parts(b) as [number, number, number, number];
  const flip = a < b;
  const s = flip ? -1 : 1;
  let time = s * (t1 - t2);
  let day = s * (d1 - d2);
  let mon = s * (m1 - m2);
  let year = s * (y1 - y2);
  while (time < 0) {
    time += USECS_PER_DAY;
    day--;
  }
  while (day < 0) {
    day += flip ? daysInMonth(y1, m1) : daysInMonth(y2, m2);
    mon--;
  }
  while (mon < 0) {
    mon += 12;
    year--;
  }
  return new Interval(s * (year * 12 + mon), s * day, BigInt(s * time));
}

