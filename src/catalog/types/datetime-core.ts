/**
 * Calendar arithmetic shared by date, time, timestamp and interval (PostgreSQL's datetime.c and
 * timestamp.c, proleptic Gregorian calendar, astronomical years: year 0 is 1 BC).
 * - Dates are day numbers relative to 2000-01-01; timestamps are bigint microseconds relative to
 *   2000-01-01 00:00:00; time of day is number microseconds.
 * - Valid ranges are PostgreSQL's: dates 4713-11-24 BC .. 5874897-12-31 AD, timestamps
 *   4713-11-24 BC .. 294276-12-31 AD.
 */

export const POSTGRES_EPOCH_JDATE = 2451545;
export const UNIX_EPOCH_JDATE = 2440588;
export const USECS_PER_SEC = 1_000_000;
export const USECS_PER_MINUTE = 60_000_000;
export const USECS_PER_HOUR = 3_600_000_000;
export const USECS_PER_DAY = 86_400_000_000;
export const USECS_PER_DAY_BIG = 86_400_000_000n;
export const DATE_MIN_JULIAN = 0;
/** date2j(5874898, 1, 1): first day past the date range. */
export const DATE_END_JULIAN = 2147483494;
/** date2j(294277, 1, 1): first day past the timestamp range. */
export const TIMESTAMP_END_JULIAN = 109203528;
export const TIMESTAMP_NOBEGIN = -(2n ** 63n);
export const TIMESTAMP_NOEND = 2n ** 63n - 1n;
/** Smallest and largest finite timestamps (microseconds from the PostgreSQL epoch). */
export const TIMESTAMP_MIN = BigInt(DATE_MIN_JULIAN - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY_BIG;
export const TIMESTAMP_END = BigInt(TIMESTAMP_END_JULIAN - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY_BIG;

export const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function date2j(year: number, month: number, day: number): number {
  let y = year;
  let m = month;
  if (m > 2) {
    m += 1;
    y += 4800;
  } else {
    m += 13;
    y += 4799;
  }
  const century = Math.floor(y / 100);
  let julian = y * 365 - 32167;
  julian += Math.floor(y / 4) - century + Math.floor(century / 4);
  julian += Math.floor((7834 * m) / 256) + day;
  return julian;
}

/** Julian day → [year, month, day] (astronomical year). Writes into `out` to avoid allocation. */
export function j2date(jd: number, out: number[] = [0, 0, 0]): number[] {
  let julian = jd + 32044;
  let quad = Math.floor(julian / 146097);
  const extra = (julian - quad * 146097) * 4 + 3;
  julian += 60 + quad * 3 + Math.floor(extra / 146097);
  quad = Math.floor(julian / 1461);
  julian -= quad * 1461;
  let y = Math.floor((julian * 4) / 1461);
  julian = (y !== 0 ? (julian + 305) % 365 : (julian + 306) % 366) + 123;
  y += quad * 4;
  out[0] = y - 4800;
  quad = Math.floor((julian * 2141) / 65536);
  out[2] = julian - Math.floor((7834 * quad) / 256);
  out[1] = ((quad + 10) % 12) + 1;
  return out;
}

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
}

/** Day of week of a Julian day: 0 = Sunday. */
export function j2day(jd: number): number {
  return (((jd + 1) % 7) + 7) % 7;
}

export function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** Year as PostgreSQL prints it: at least 4 digits, BC years as positive numbers. */
export function formatYear(year: number): string {
  const shown = year > 0 ? year : 1 - year;
  return shown < 1000 ? String(shown).padStart(4, '0') : String(shown);
}

/** 'YYYY-MM-DD' of a Julian day (the ' BC' suffix is the caller's). */
export function formatIsoDate(jd: number): string {
  const [y, m, d] = j2date(jd) as [number, number, number];
  return `${formatYear(y)}-${pad2(m)}-${pad2(d)}`;
}

/** 'HH:MM:SS[.ffffff]' with trailing fractional zeros removed. */
export function formatTimeOfDay(usecs: number): string {
  const hours = Math.floor(usecs / USECS_PER_HOUR);
  const minutes = Math.floor((usecs % USECS_PER_HOUR) / USECS_PER_MINUTE);
  const seconds = Math.floor((usecs % USECS_PER_MINUTE) / USECS_PER_SEC);
  const fraction = usecs % USECS_PER_SEC;
  let text = `${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}`;
  if (fraction !== 0) text += '.' + String(fraction).padStart(6, '0').replace(/0+$/, '');
  return text;
}

/** Rounds microseconds to `precision` fractional digits (half away from zero, PostgreSQL's rule). */
export function roundMicros(usecs: bigint, precision: number): bigint {
  if (precision < 0 || precision >= 6) return usecs;
  const unit = 10n ** BigInt(6 - precision);
  const half = unit / 2n;
  return usecs >= 0n ? ((usecs + half) / unit) * unit : -((-usecs + half) / unit) * unit;
}

/** Splits a timestamp into Julian day and microseconds of the day (floor division). */
export function splitTimestamp(ts: bigint): [number, number] {
  let days = ts / USECS_PER_DAY_BIG;
  let rem = ts % USECS_PER_DAY_BIG;
  if (rem < 0n) {
    rem += USECS_PER_DAY_BIG;
    days -= 1n;
  }
  return [Number(days) + POSTGRES_EPOCH_JDATE, Number(rem)];
}

export function makeTimestamp(jd: number, usecsOfDay: number): bigint {
  return BigInt(jd - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY_BIG + BigInt(usecsOfDay);
}

export function isFiniteTimestamp(ts: bigint): boolean {
  return ts !== TIMESTAMP_NOBEGIN && ts !== TIMESTAMP_NOEND;
}

export function timestampInRange(ts: bigint): boolean {
  return ts >= TIMESTAMP_MIN && ts < TIMESTAMP_END;
}
