/**
 * Interval output in the IntervalStyles other than 'postgres' (datetime.c EncodeInterval):
 * 'postgres_verbose' ('@ 1 year 2 mons -3 days ago'), 'iso_8601' ('P1Y2M3DT4H5M6.5S') and
 * 'sql_standard' ('1-2', '3 4:05:06', '+1-2 +3 +4:05:06' for mixed signs).
 */
import type { Interval } from './interval.js';

interface Fields {
  year: number;
  mon: number;
  day: number;
  hour: number;
  min: number;
  sec: number;
  /** Fractional microseconds, same sign as the time. */
  fsec: number;
}

function fieldsOf(iv: Interval): Fields {
  const t = iv.micros;
  return {
    year: Math.trunc(iv.months / 12),
    mon: iv.months % 12,
    day: iv.days,
    hour: Number(t / 3_600_000_000n),
    min: Number((t / 60_000_000n) % 60n),
    sec: Number((t / 1_000_000n) % 60n),
    fsec: Number(t % 1_000_000n),
  };
}

/** AppendSeconds: |sec|[.fraction without trailing zeros], zero-filled to 2 digits if asked. */
function seconds(sec: number, fsec: number, fill: boolean): string {
  const whole = String(Math.abs(sec)).padStart(fill ? 2 : 1, '0');
  if (fsec === 0) return whole;
  return whole + '.' + String(Math.abs(fsec)).padStart(6, '0').replace(/0+$/, '');
}

function verbose(f: Fields): string {
  let out = '@';
  let zero = true;
  let before = false;
  const part = (value: number, unit: string): void => {
    if (value === 0) return;
    let v = value;
    if (zero) {
      before = v < 0;
      v = Math.abs(v);
    } else if (before) v = -v;
    out += ` ${v} ${unit}${v === 1 ? '' : 's'}`;
    zero = false;
  };
  part(f.year, 'year');
  part(f.mon, 'mon');
  part(f.day, 'day');
  part(f.hour, 'hour');
  part(f.min, 'min');
  if (f.sec !== 0 || f.fsec !== 0) {
    out += ' ';
    if (f.sec < 0 || (f.sec === 0 && f.fsec < 0)) {
      if (zero) before = true;
      else if (!before) out += '-';
    } else if (before) out += '-';
    out += `${seconds(f.sec, f.fsec, false)} sec${Math.abs(f.sec) !== 1 || f.fsec !== 0 ? 's' : ''}`;
    zero = false;
  }
  if (zero) out += ' 0';
  if (before) out += ' ago';
  return out;
}

function iso(f: Fields): string {
  if (f.year === 0 && f.mon === 0 && f.day === 0 && f.hour === 0 && f.min === 0 && f.sec === 0 && f.fsec === 0) return 'PT0S';
  let out = 'P';
  const part = (v: number, c: string): void => {
    if (v !== 0) out += `${v}${c}`;
  };
  part(f.year, 'Y');
  part(f.mon, 'M');
  part(f.day, 'D');
  if (f.hour !== 0 || f.min !== 0 || f.sec !== 0 || f.fsec !== 0) out += 'T';
  part(f.hour, 'H');
  part(f.min, 'M');
  if (f.sec !== 0 || f.fsec !== 0) out += `${f.sec < 0 || f.fsec < 0 ? '-' : ''}${seconds(f.sec, f.fsec, false)}S`;
  return out;
}

function sqlStandard(input: Fields): string {
  const f = { ...input };
  const values = [f.year, f.mon, f.day, f.hour, f.min, f.sec, f.fsec];
  const negative = values.some((v) => v < 0);
  const positive = values.some((v) => v > 0);
  const yearMonth = f.year !== 0 || f.mon !== 0;
  const dayTime = f.day !== 0 || f.hour !== 0 || f.min !== 0 || f.sec !== 0 || f.fsec !== 0;
  const standard = !(negative && positive) && !(yearMonth && dayTime);
  let out = '';
  if (negative && standard) {
    out = '-';
    for (const k of Object.keys(f) as Array<keyof Fields>) f[k] = -f[k];
  }
  if (!negative && !positive) return '0';
  if (!standard) {
    const ys = f.year < 0 || f.mon < 0 ? '-' : '+';
    const ds = f.day < 0 ? '-' : '+';
    const ts = f.hour < 0 || f.min < 0 || f.sec < 0 || f.fsec < 0 ? '-' : '+';
    return `${ys}${Math.abs(f.year)}-${Math.abs(f.mon)} ${ds}${Math.abs(f.day)} ${ts}${Math.abs(f.hour)}:${String(Math.abs(f.min)).padStart(2, '0')}:${seconds(f.sec, f.fsec, true)}`;
  }
  if (yearMonth) return `${out}${f.year}-${f.mon}`;
  const clock = `${f.hour}:${String(f.min).padStart(2, '0')}:${seconds(f.sec, f.fsec, true)}`;
  return f.day !== 0 ? `${out}${f.day} ${clock}` : `${out}${clock}`;
}

/** Output in IntervalStyle `style`, or undefined for 'postgres' (the caller's default). */
export function formatIntervalStyle(iv: Interval, style: string): string | undefined {
  switch (style.toLowerCase()) {
    case 'postgres_verbose':
      return verbose(fieldsOf(iv));
    case 'iso_8601':
      return iso(fieldsOf(iv));
    case 'sql_standard':
      return sqlStandard(fieldsOf(iv));
    default:
      return undefined;
  }
}
