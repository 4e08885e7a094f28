/**
 * to_char(timestamp/timestamptz/date/interval, format) with PostgreSQL's template patterns:
 * HH HH12 HH24 MI SS MS US SSSS(S) AM/PM (and a.m. forms), Y,YYY YYYY YYY YY Y IYYY,
 * BC/AD, MONTH Month month MON Mon mon MM, DAY Day day DY Dy dy, DDD DD D ID IDDD, W WW IW, CC,
 * J, Q, RM, TZ, OF; FM prefix (no padding), TH/th suffix, "quoted text" and \ escapes. Month and
 * day names are padded to 9 characters unless FM, as PostgreSQL.
 */
import { DAY_NAMES, MONTH_NAMES, date2j, j2date, j2day } from '../../catalog/types/datetime-core.js';

export interface DateTimeFields {
  /** Astronomical year (0 = 1 BC). */
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micros: number;
  /** Julian day (0 for intervals). */
  jd: number;
  /** Seconds east of UTC, or undefined for types without a zone. */
  offsetSeconds?: number;
  /** Zone abbreviation for TZ ('UTC', 'EST'); the offset is printed when absent. */
  zoneAbbrev?: string;
  isInterval?: boolean;
}

const PATTERNS = [
  'HH24', 'HH12', 'HH', 'MI', 'SSSSS', 'SSSS', 'SS', 'MS', 'US', 'A.M.', 'P.M.', 'a.m.', 'p.m.', 'AM', 'PM', 'am', 'pm',
  'Y,YYY', 'YYYY', 'YYY', 'YY', 'Y', 'IYYY', 'IYY', 'IY', 'I', 'B.C.', 'A.D.', 'b.c.', 'a.d.', 'BC', 'AD', 'bc', 'ad',
  'MONTH', 'Month', 'month', 'MON', 'Mon', 'mon', 'MM', 'DAY', 'Day', 'day', 'DY', 'Dy', 'dy', 'DDD', 'IDDD', 'DD', 'D', 'ID',
  'WW', 'W', 'IW', 'CC', 'J', 'Q', 'RM', 'rm', 'TZH', 'TZM', 'TZ', 'tz', 'OF',
].sort((a, b) => b.length - a.length);

const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];

function ordinal(n: number): string {
  const last2 = Math.abs(n) % 100;
  if (last2 >= 11 && last2 <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][last2 % 10] ?? 'th';
}

function isoYearWeek(jd: number): [number, number] {
  const [y] = j2date(jd) as [number];
  const start = (year: number): number => {
    const jan4 = date2j(year, 1, 4);
    return jan4 - ((j2day(jan4) + 6) % 7);
  };
  let year = y;
  if (jd < start(year)) year--;
  else if (jd >= start(year + 1)) year++;
  return [year, Math.floor((jd - start(year)) / 7) + 1];
}

function num(n: number, width: number, fm: boolean): string {
  const s = String(Math.abs(n)).padStart(fm ? 0 : width, '0');
  return n < 0 ? '-' + s : s;
}

function casing(name: string, pattern: string): string {
  if (pattern === pattern.toUpperCase()) return name.toUpperCase();
  if (pattern === pattern.toLowerCase()) return name.toLowerCase();
  return name;
}

function offsetText(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const h = String(Math.floor(abs / 3600)).padStart(2, '0');
  const m = Math.floor((abs % 3600) / 60);
  return sign + h + (m !== 0 ? ':' + String(m).padStart(2, '0') : '');
}

function field(p: string, t: DateTimeFields, fm: boolean): [string, number | undefined] {
  const displayYear = t.year > 0 || t.isInterval === true ? t.year : 1 - t.year;
  const hour12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
  const doy = t.isInterval === true ? t.day : t.jd - date2j(t.year, 1, 1) + 1;
  const dow = j2day(t.jd);
  const [isoYear, isoWeek] = isoYearWeek(t.jd);
  switch (p.toUpperCase()) {
    case 'HH24': return [num(t.hour, 2, fm), t.hour];
    case 'HH12': case 'HH': return [num(hour12, 2, fm), hour12];
    case 'MI': return [num(t.minute, 2, fm), t.minute];
    case 'SS': return [num(t.second, 2, fm), t.second];
    case 'MS': return [num(Math.floor(t.micros / 1000), 3, fm), undefined];
    case 'US': return [num(t.micros, 6, fm), undefined];
    case 'SSSS': case 'SSSSS': return [String(t.hour * 3600 + t.minute * 60 + t.second), undefined];
    case 'AM': case 'PM': return [casing(t.hour >= 12 ? 'PM' : 'AM', p), undefined];
    case 'A.M.': case 'P.M.': return [casing(t.hour >= 12 ? 'P.M.' : 'A.M.', p), undefined];
    case 'Y,YYY': return [`${Math.floor(displayYear / 1000)},${num(displayYear % 1000, 3, false)}`, undefined];
    case 'YYYY': return [num(displayYear, 4, fm), displayYear];
    case 'YYY': return [num(displayYear % 1000, 3, fm), displayYear];
    case 'YY': return [num(displayYear % 100, 2, fm), displayYear];
    case 'Y': return [String(displayYear % 10), displayYear];
    case 'IYYY': return [num(isoYear, 4, fm), isoYear];
    case 'IYY': return [num(isoYear % 1000, 3, fm), isoYear];
    case 'IY': return [num(isoYear % 100, 2, fm), isoYear];
    case 'I': return [String(isoYear % 10), isoYear];
    case 'BC': case 'AD': return [casing(t.year > 0 ? 'AD' : 'BC', p), undefined];
    case 'B.C.': case 'A.D.': return [casing(t.year > 0 ? 'A.D.' : 'B.C.', p), undefined];
    case 'MONTH': return [casing((MONTH_NAMES[t.month - 1] ?? '').padEnd(fm ? 0 : 9), p), undefined];
    case 'MON': return [casing((MONTH_NAMES[t.month - 1] ?? '').slice(0, 3), p), undefined];
    case 'MM': return [num(t.month, 2, fm), t.month];
    case 'DAY': return [casing((DAY_NAMES[dow] ?? '').padEnd(fm ? 0 : 9), p), undefined];
    case 'DY': return [casing((DAY_NAMES[dow] ?? '').slice(0, 3), p), undefined];
    case 'DDD': return [num(doy, 3, fm), doy];
    case 'IDDD': {
      const iddd = (isoWeek - 1) * 7 + (dow === 0 ? 7 : dow);
      return [num(iddd, 3, fm), iddd];
    }
    case 'DD': return [num(t.day, 2, fm), t.day];
    case 'D': return [String(dow + 1), dow + 1];
    case 'ID': return [String(dow === 0 ? 7 : dow), undefined];
    case 'W': return [String(Math.floor((t.day - 1) / 7) + 1), Math.floor((t.day - 1) / 7) + 1];
    case 'WW': return [num(Math.floor((doy - 1) / 7) + 1, 2, fm), Math.floor((doy - 1) / 7) + 1];
    case 'IW': return [num(isoWeek, 2, fm), isoWeek];
    case 'CC': {
      const cc = t.year > 0 ? Math.floor((t.year - 1) / 100) + 1 : -(Math.floor((displayYear - 1) / 100) + 1);
      return [num(cc, 2, fm), cc];
    }
    case 'J': return [String(t.jd), t.jd];
    case 'Q': return [String(Math.floor((t.month - 1) / 3) + 1), undefined];
    case 'RM': return [casing((ROMAN[t.month - 1] ?? '').padEnd(fm ? 0 : 4), p), undefined];
    case 'TZ': return [t.offsetSeconds === undefined ? '' : casing(t.zoneAbbrev ?? offsetText(t.offsetSeconds), p), undefined];
    case 'TZH': return [t.offsetSeconds === undefined ? '' : (t.offsetSeconds < 0 ? '-' : '+') + num(Math.floor(Math.abs(t.offsetSeconds) / 3600), 2, false), undefined];
    case 'TZM': return [t.offsetSeconds === undefined ? '' : num(Math.floor((Math.abs(t.offsetSeconds) % 3600) / 60), 2, false), undefined];
    case 'OF': return [t.offsetSeconds === undefined ? '' : offsetText(t.offsetSeconds), undefined];
    default: return [p, undefined];
  }
}

export function toCharDateTime(t: DateTimeFields, fmt: string): string {
  let out = '';
  let i = 0;
  while (i < fmt.length) {
    if (fmt[i] === '"') {
      const end = fmt.indexOf('"', i + 1);
      out += fmt.slice(i + 1, end < 0 ? fmt.length : end).replace(/\\(.)/g, '$1');
      i = end < 0 ? fmt.length : end + 1;
      continue;
    }
    if (fmt[i] === '\\' && i + 1 < fmt.length) {
      out += fmt[i + 1];
      i += 2;
      continue;
    }
    let fm = false;
    if (fmt.startsWith('FM', i) || fmt.startsWith('fm', i)) {
      fm = true;
      i += 2;
    }
    const p = PATTERNS.find((x) => fmt.startsWith(x, i));
    if (p === undefined) {
      out += fmt[i] ?? '';
      i++;
      continue;
    }
    i += p.length;
    const [text, n] = field(p, t, fm);
    out += text;
    if (fmt.startsWith('TH', i) || fmt.startsWith('th', i)) {
      const suffix = n === undefined ? '' : ordinal(n);
      out += fmt.startsWith('TH', i) ? suffix.toUpperCase() : suffix;
      i += 2;
    }
  }
  return out;
}
