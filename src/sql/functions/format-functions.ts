/**
 * to_char, to_date and to_timestamp(text, format). Formatting is in to-char-datetime.ts and
 * to-char-number.ts; parsing here reads the same template patterns (numbers greedily up to their
 * width, month and day names, AM/PM, BC) and skips separators, as PostgreSQL's non-FX mode.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { Interval, Numeric, OID, fromLocal, toLocal, type Value } from '../../catalog/types/index.js';
import { MONTH_NAMES, POSTGRES_EPOCH_JDATE, date2j, daysInMonth, j2date, makeTimestamp, splitTimestamp } from '../../catalog/types/datetime-core.js';
import { zoneOffsetAt } from '../../catalog/types/timestamp-types.js';
import { zoneAbbreviation } from '../../catalog/types/time-zone.js';
import { floatToNumeric } from './conversions.js';
import { fn, type FunctionDef } from './function-def.js';
import type { EvalContext } from './function-types.js';
import { toCharDateTime, type DateTimeFields } from './to-char-datetime.js';
import { toCharNumber } from './to-char-number.js';

const { text, timestamp, timestamptz, interval, numeric, int4, int8, float4, float8, date } = OID;

function fieldsOf(local: bigint, offsetSeconds?: number): DateTimeFields {
  const [jd, us] = splitTimestamp(local);
  const [year, month, day] = j2date(jd) as [number, number, number];
  const fields: DateTimeFields = {
    year, month, day, jd,
    hour: Math.floor(us / 3_600_000_000), minute: Math.floor(us / 60_000_000) % 60, second: Math.floor(us / 1_000_000) % 60, micros: us % 1_000_000,
  };
  if (offsetSeconds !== undefined) fields.offsetSeconds = offsetSeconds;
  return fields;
}

function intervalFields(iv: Interval): DateTimeFields {
  const t = iv.micros;
  return {
    year: Math.trunc(iv.months / 12), month: iv.months % 12, day: iv.days, jd: 0, isInterval: true,
    hour: Number(t / 3_600_000_000n), minute: Number((t / 60_000_000n) % 60n), second: Number((t / 1_000_000n) % 60n), micros: Number(t % 1_000_000n),
  };
}

function infinite(ts: bigint): string | undefined {
  return ts === -(2n ** 63n) || ts === 2n ** 63n - 1n ? '' : undefined;
}

const PARSE_TOKENS = ['YYYY', 'HH24', 'HH12', 'MONTH', 'Month', 'month', 'MON', 'Mon', 'mon', 'DDD', 'YY', 'MM', 'DD', 'HH', 'MI', 'SS', 'MS', 'US', 'AM', 'PM', 'am', 'pm', 'BC', 'AD', 'TZH', 'TZM'];

interface Parsed {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micros: number;
  pm?: boolean;
  bc: boolean;
  offsetSeconds?: number;
}

function readNumber(src: string, pos: number, width: number, last: boolean): [number, number] {
  let end = pos;
  while (end < src.length && /\d/.test(src[end] as string) && (last || end - pos < width)) end++;
  if (end === pos) throw new SqlError(SQLSTATE.invalidDatetimeFormat, `invalid value "${src.slice(pos, pos + width)}" for "${src}"`);
  return [Number(src.slice(pos, end)), end];
}

function parseWithFormat(src: string, fmt: string): Parsed {
  const r: Parsed = { year: 1, month: 1, day: 1, hour: 0, minute: 0, second: 0, micros: 0, bc: false };
  let s = 0;
  let f = 0;
  while (f < fmt.length && s <= src.length) {
    if (fmt.startsWith('FM', f)) f += 2;
    const tok = PARSE_TOKENS.find((t) => fmt.startsWith(t, f));
    if (tok === undefined) {
      f++;
      if (s < src.length && !/[\dA-Za-z]/.test(src[s] as string)) s++;
      continue;
    }
    f += tok.length;
    while (s < src.length && /\s/.test(src[s] as string) && tok !== 'TZH') s++;
    const upper = tok.toUpperCase();
    if (upper === 'MONTH' || upper === 'MON') {
      const rest = src.slice(s).toLowerCase();
      const i = MONTH_NAMES.findIndex((m) => rest.startsWith(upper === 'MON' ? m.slice(0, 3).toLowerCase() : m.toLowerCase()));
      if (i < 0) throw new SqlError(SQLSTATE.invalidDatetimeFormat, `invalid value "${src.slice(s, s + 3)}" for "${tok}"`);
      r.month = i + 1;
      s += upper === 'MON' ? 3 : (MONTH_NAMES[i] as string).length;
      continue;
    }
    if (upper === 'AM' || upper === 'PM' || upper === 'BC' || upper === 'AD') {
      const word = src.slice(s, s + 2).toUpperCase();
      if (word === 'PM') r.pm = true;
      else if (word === 'AM') r.pm = false;
      else if (word === 'BC') r.bc = true;
      s += 2;
      continue;
    }
    let sign = 1;
    if (upper === 'TZH' && (src[s] === '-' || src[s] === '+')) {
      sign = src[s] === '-' ? -1 : 1;
      s++;
    }
    const width = { YYYY: 4, YY: 2, DDD: 3, US: 6, MS: 3 }[upper] ?? 2;
    const last = f >= fmt.length;
    const [n, end] = readNumber(src, s, width, last);
    s = end;
    switch (upper) {
      case 'YYYY': r.year = n; break;
      case 'YY': r.year = n < 70 ? 2000 + n : 1900 + n; break;
      case 'MM': r.month = n; break;
      case 'DD': r.day = n; break;
      case 'HH24': case 'HH12': case 'HH': r.hour = n; break;
      case 'MI': r.minute = n; break;
      case 'SS': r.second = n; break;
      case 'MS': r.micros = n * 1000; break;
      case 'US': r.micros = n; break;
      case 'TZH': r.offsetSeconds = sign * n * 3600; break;
      case 'TZM': r.offsetSeconds = (r.offsetSeconds ?? 0) + Math.sign(r.offsetSeconds ?? 1) * n * 60; break;
      default:
    }
  }
  return r;
}

function toLocalTimestamp(r: Parsed, src: string): bigint {
  let hour = r.hour;
  if (r.pm !== undefined) {
    if (hour < 1 || hour > 12) throw new SqlError(SQLSTATE.invalidDatetimeFormat, `hour "${hour}" is invalid for the 12-hour clock`);
    hour = (hour % 12) + (r.pm ? 12 : 0);
  }
  const year = r.bc ? 1 - r.year : r.year;
  if (r.month < 1 || r.month > 12 || r.day < 1 || r.day > daysInMonth(year, r.month) || hour > 24 || r.minute > 59 || r.second > 60) {
    throw new SqlError(SQLSTATE.datetimeFieldOverflow, `date/time field value out of range: "${src}"`);
  }
  const us = hour * 3_600_000_000 + r.minute * 60_000_000 + r.second * 1_000_000 + r.micros;
  return makeTimestamp(date2j(year, r.month, r.day), us);
}

function numberToChar(v: Value, fmt: Value, type: number): string {
  let n: Numeric;
  if (type === numeric) n = v as Numeric;
  else if (type === float4 || type === float8) n = floatToNumeric(v as number, type === float4 ? 6 : 15);
  else n = Numeric.fromBigInt(v as number | bigint);
  return toCharNumber(n, fmt as string);
}

export const FORMAT_FUNCTIONS: FunctionDef[] = [
  fn('to_char', [timestamp, text], text, ([v, f]) => infinite(v as bigint) ?? toCharDateTime(fieldsOf(v as bigint), f as string)),
  fn('to_char', [timestamptz, text], text, ([v, f], ctx: EvalContext) => {
    const ts = v as bigint;
    if (infinite(ts) !== undefined) return '';
    const fields = fieldsOf(toLocal(ts, ctx.timeZone), zoneOffsetAt(ts, ctx.timeZone));
    fields.zoneAbbrev = zoneAbbreviation(ts, ctx.timeZone);
    return toCharDateTime(fields, f as string);
  }),
  fn('to_char', [interval, text], text, ([v, f]) => toCharDateTime(intervalFields(v as Interval), f as string)),
  ...[numeric, int4, int8, float4, float8].map((t) => fn('to_char', [t, text], text, ([v, f]) => numberToChar(v as Value, f as Value, t))),
  fn('to_date', [text, text], date, ([s, f]) => {
    const ts = toLocalTimestamp(parseWithFormat(s as string, f as string), s as string);
    return splitTimestamp(ts)[0] - POSTGRES_EPOCH_JDATE;
  }),
  fn('to_timestamp', [text, text], timestamptz, ([s, f], ctx) => {
    const parsed = parseWithFormat(s as string, f as string);
    const local = toLocalTimestamp(parsed, s as string);
    return parsed.offsetSeconds !== undefined ? local - BigInt(parsed.offsetSeconds) * 1_000_000n : fromLocal(local, ctx.timeZone);
  }),
];
