/**
 * Date/time input decoding (a subset of PostgreSQL's DecodeDateTime): ISO 8601 dates and times
 * ('2020-01-31', '2020-01-31T10:20:30.5+02:00', '20200131'), DateStyle-ordered numeric dates
 * ('1/31/2020' with MDY, '31/1/2020' with DMY), month names ('Jan 31 2020', '31-Jan-2020'),
 * AM/PM, BC/AD, time zones (Z, UTC, ±hh[:mm[:ss]], IANA names) and the special words infinity,
 * -infinity, epoch, now, today, tomorrow, yesterday, allballs.
 * - Field values out of range raise 22008 'date/time field value out of range: "…"'; text that is
 *   not a date/time raises 22007 'invalid input syntax for type …: "…"'.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { date2j, daysInMonth, USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC } from './datetime-core.js';
import { lookupTimeZone, type TimeZoneRule } from './time-zone.js';
import { invalidDatetime } from './type-errors.js';

export interface DateTimeFields {
  special?: 'infinity' | '-infinity' | 'epoch' | 'now' | 'today' | 'tomorrow' | 'yesterday';
  /** Julian day, when a date was given. */
  jd?: number;
  /** Microseconds since midnight, when a time was given. */
  timeUs?: number;
  /** Explicit UTC offset in seconds east, when a numeric zone was given. */
  offsetSeconds?: number;
  /** A named zone (IANA), when one was given. */
  zone?: TimeZoneRule;
}

/** Time zone abbreviations of PostgreSQL's "Default" set that input accepts (seconds east). */
const ZONE_ABBREVIATIONS: Readonly<Record<string, number>> = {
  est: -5 * 3600, edt: -4 * 3600, cst: -6 * 3600, cdt: -5 * 3600, mst: -7 * 3600, mdt: -6 * 3600, pst: -8 * 3600,
  pdt: -7 * 3600, akst: -9 * 3600, akdt: -8 * 3600, hst: -10 * 3600, cet: 3600, cest: 7200, eet: 7200, eest: 10800,
  wet: 0, west: 3600, bst: 3600, ist: 7200, jst: 9 * 3600, msk: 3 * 3600, aest: 10 * 3600, aedt: 11 * 3600, nzst: 12 * 3600,
  nzdt: 13 * 3600, ut: 0,
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const SPECIALS = new Set(['infinity', '+infinity', '-infinity', 'epoch', 'now', 'today', 'tomorrow', 'yesterday']);
const TIME_PATTERN = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d*))?)?$/;
const OFFSET_PATTERN = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/;

function monthOf(word: string): number | undefined {
  if (word.length < 3) return undefined;
  const i = MONTHS.indexOf(word.slice(0, 3));
  if (i < 0) return undefined;
  const full = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'][i] as string;
  return full.startsWith(word) || word === 'sept' ? i + 1 : undefined;
}

function isDayName(word: string): boolean {
  return word.length >= 3 && DAYS.includes(word.slice(0, 3)) && /^[a-z]+$/.test(word);
}

const DATESTYLE_HINT = 'Perhaps you need a different "datestyle" setting.';

function fieldOverflow(text: string, hint?: string): SqlError {
  return new SqlError(SQLSTATE.datetimeFieldOverflow, `date/time field value out of range: "${text}"`, hint === undefined ? {} : { hint });
}

/** Splits the input into tokens: dates, times, zones, words, numbers. */
function tokenize(text: string): string[] {
  let s = text.trim().toLowerCase().replace(/,/g, ' ');
  s = s.replace(/(\d)t(\d)/, '$1 $2');
  s = s.replace(/(\d:\d{1,2}(?::\d{1,2}(?:\.\d*)?)?)([+-]\d|z$|z\s)/, '$1 $2');
  s = s.replace(/(\d)(am|pm|bc|ad)\b/g, '$1 $2');
  return s.split(/\s+/).filter((t) => t.length > 0);
}

interface Pending {
  numbers: string[];
  month?: number;
  year?: number;
  day?: number;
  bc: boolean;
  pm?: boolean;
}

function parseTime(tok: string, text: string): number | undefined {
  const m = TIME_PATTERN.exec(tok);
  if (m === null) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const sec = Number(m[3] ?? 0);
  const fracText = (m[4] ?? '').padEnd(7, '0');
  let frac = Number(fracText.slice(0, 6));
  if (Number(fracText[6]) >= 5) frac++;
  if (min > 59 || sec > 60 || h > 24) throw fieldOverflow(text);
  const total = h * USECS_PER_HOUR + min * USECS_PER_MINUTE + sec * USECS_PER_SEC + frac;
  if (total > 24 * USECS_PER_HOUR) throw fieldOverflow(text);
  return total;
}

/** Assigns y/m/d from a delimited numeric or month-name date token. */
function parseDateToken(tok: string, p: Pending, dateStyle: string, text: string): boolean {
  if (/^\d{8}$/.test(tok) && p.year === undefined) {
    p.year = Number(tok.slice(0, 4));
    p.month = Number(tok.slice(4, 6));
    p.day = Number(tok.slice(6));
    return true;
  }
  const parts = tok.split(/[-/.]/);
  if (parts.length !== 3 || parts.some((x) => x === '')) return false;
  const named = parts.findIndex((x) => monthOf(x) !== undefined);
  if (named >= 0) {
    p.month = monthOf(parts[named] as string);
    const rest = parts.filter((_, i) => i !== named);
    if (rest.some((x) => !/^\d+$/.test(x))) throw invalidDatetime('date', text);
    const yearFirst = named === 1 && (rest[0] as string).length >= 3;
    p.year = Number(yearFirst ? rest[0] : rest[1]);
    p.day = Number(yearFirst ? rest[1] : rest[0]);
    if (named === 0) [p.day, p.year] = [Number(rest[0]), Number(rest[1])];
    return true;
  }
  if (parts.some((x) => !/^\d+$/.test(x))) return false;
  const [a, b, c] = parts as [string, string, string];
  if (a.length >= 3 || dateStyle.includes('YMD')) [p.year, p.month, p.day] = [Number(a), Number(b), Number(c)];
  else if (dateStyle.includes('DMY')) [p.day, p.month, p.year] = [Number(a), Number(b), Number(c)];
  else [p.month, p.day, p.year] = [Number(a), Number(b), Number(c)];
  if (c.length <= 2 && a.length < 3) p.year = twoDigitYear(p.year as number);
  return true;
}

function twoDigitYear(y: number): number {
  return y < 70 ? 2000 + y : y < 100 ? 1900 + y : y;
}

function takeWord(tok: string, p: Pending, f: DateTimeFields): boolean {
  if (tok === 'bc') p.bc = true;
  else if (tok === 'ad') p.bc = false;
  else if (tok === 'am' || tok === 'pm') p.pm = tok === 'pm';
  else if (tok === 'allballs') f.timeUs = 0;
  else if (tok === 'z' || tok === 'zulu' || tok === 'utc' || tok === 'gmt') f.offsetSeconds = 0;
  else if (monthOf(tok) !== undefined) p.month = monthOf(tok);
  else if (isDayName(tok)) return true;
  else if (SPECIALS.has(tok)) f.special = (tok === '+infinity' ? 'infinity' : tok) as DateTimeFields['special'];
  else return false;
  return true;
}

function takeToken(tok: string, p: Pending, f: DateTimeFields, dateStyle: string, text: string): boolean {
  if (takeWord(tok, p, f)) return true;
  const time = parseTime(tok, text);
  if (time !== undefined) {
    f.timeUs = time;
    return true;
  }
  const off = OFFSET_PATTERN.exec(tok);
  if (off !== null && (f.timeUs !== undefined || p.year !== undefined)) {
    const total = Number(off[2]) * 3600 + Number(off[3] ?? 0) * 60 + Number(off[4] ?? 0);
    f.offsetSeconds = off[1] === '-' ? -total : total;
    return true;
  }
  if (/^\d+$/.test(tok)) {
    if (p.year === undefined && tok.length === 8) return parseDateToken(tok, p, dateStyle, text);
    p.numbers.push(tok);
    return true;
  }
  if (parseDateToken(tok, p, dateStyle, text)) return true;
  const abbreviation = ZONE_ABBREVIATIONS[tok];
  if (abbreviation !== undefined) {
    f.offsetSeconds = abbreviation;
    return true;
  }
  if (/[a-z]/.test(tok)) {
    const zone = lookupTimeZone(tok.replace(/(^|\/)([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase()));
    if (zone !== undefined) {
      f.zone = zone;
      return true;
    }
  }
  return false;
}

function settleNumbers(p: Pending, text: string): void {
  for (const n of p.numbers) {
    if (p.day === undefined && n.length <= 2 && p.month !== undefined) p.day = Number(n);
    else if (p.year === undefined) p.year = Number(n);
    else if (p.day === undefined) p.day = Number(n);
    else throw invalidDatetime('date', text);
  }
}

/** Decodes date/time text; `sqlName` names the type in syntax errors. */
export function decodeDateTime(text: string, sqlName: string, dateStyle: string): DateTimeFields {
  const f: DateTimeFields = {};
  const p: Pending = { numbers: [], bc: false };
  const tokens = tokenize(text);
  if (tokens.length === 0) throw invalidDatetime(sqlName, text);
  for (const tok of tokens) {
    if (!takeToken(tok, p, f, dateStyle, text)) throw invalidDatetime(sqlName, text);
  }
  if (f.special !== undefined) {
    if (tokens.length > 1 && f.special !== 'today' && f.special !== 'tomorrow' && f.special !== 'yesterday') {
      throw invalidDatetime(sqlName, text);
    }
    return f;
  }
  settleNumbers(p, text);
  if (p.pm !== undefined && f.timeUs !== undefined) {
    const hour = Math.floor(f.timeUs / USECS_PER_HOUR);
    if (hour > 12 || hour === 0) throw fieldOverflow(text);
    if (p.pm && hour < 12) f.timeUs += 12 * USECS_PER_HOUR;
    if (!p.pm && hour === 12) f.timeUs -= 12 * USECS_PER_HOUR;
  }
  if (p.year !== undefined || p.month !== undefined || p.day !== undefined) {
    if (p.year === undefined || p.month === undefined || p.day === undefined) throw invalidDatetime(sqlName, text);
    let year = p.year;
    if (p.bc) {
      if (year <= 0) throw fieldOverflow(text);
      year = 1 - year;
    } else if (year === 0) throw fieldOverflow(text);
    // A month or day no calendar has may be a day and month read the wrong way round: PostgreSQL hints at DateStyle.
    if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > 31) throw fieldOverflow(text, DATESTYLE_HINT);
    if (p.day > daysInMonth(year, p.month)) throw fieldOverflow(text);
    f.jd = date2j(year, p.month, p.day);
  }
  return f;
}
