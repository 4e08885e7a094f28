/**
 * Interval input (PostgreSQL's DecodeInterval / DecodeISO8601Interval subset): unit words with
 * signed, fractional quantities, 'ago', '@', clock times, 'y-m' year-month and ISO 8601 'P…'.
 * Fractions cascade down: years → months, months → days (30), weeks/days → microseconds.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { USECS_PER_DAY, USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC } from './datetime-core.js';
import { Interval, intervalOutOfRange } from './interval.js';

type Unit = 'us' | 'ms' | 's' | 'min' | 'h' | 'd' | 'w' | 'mon' | 'y' | 'dec' | 'c' | 'mil';

const UNITS: Record<string, Unit> = {};
for (const [unit, words] of [
  ['us', 'microsecond microseconds us usec usecs'],
  ['ms', 'millisecond milliseconds ms msec msecs mseconds'],
  ['s', 'second seconds s sec secs'],
  ['min', 'minute minutes m min mins'],
  ['h', 'hour hours h hr hrs'],
  ['d', 'day days d'],
  ['w', 'week weeks w'],
  ['mon', 'month months mon mons'],
  ['y', 'year years y yr yrs'],
  ['dec', 'decade decades dec decs'],
  ['c', 'century centuries c cent'],
  ['mil', 'millennium millennia mil mils'],
] as const) {
  for (const w of words.split(' ')) UNITS[w] = unit;
}

const TIME = /^([+-]?)(\d+):(\d+)(?::(\d+(?:\.\d*)?))?$/;
const NUMBER_UNIT = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)([a-z]*)$/;
const YEAR_MONTH = /^([+-]?)(\d+)-(\d+)$/;
const ISO = /^p(?:([-\d.]+)y)?(?:([-\d.]+)m)?(?:([-\d.]+)w)?(?:([-\d.]+)d)?(?:t(?:([-\d.]+)h)?(?:([-\d.]+)m)?(?:([-\d.]+)s)?)?$/;

class Accumulator {
  months = 0;
  days = 0;
  micros = 0;

  add(value: number, unit: Unit): void {
    switch (unit) {
      case 'us': this.micros += value; break;
      case 'ms': this.micros += value * 1000; break;
      case 's': this.micros += value * USECS_PER_SEC; break;
      case 'min': this.micros += value * USECS_PER_MINUTE; break;
      case 'h': this.micros += value * USECS_PER_HOUR; break;
      case 'd': this.addDays(value); break;
      case 'w': this.addDays(value * 7); break;
      case 'mon': this.addMonths(value); break;
      case 'y': this.addMonths(value * 12); break;
      case 'dec': this.addMonths(value * 120); break;
      case 'c': this.addMonths(value * 1200); break;
      case 'mil': this.addMonths(value * 12000); break;
    }
  }

  private addDays(value: number): void {
    const whole = Math.trunc(value);
    this.days += whole;
    this.micros += Math.round((value - whole) * USECS_PER_DAY);
  }

  private addMonths(value: number): void {
    const whole = Math.trunc(Math.round(value * 1e6) / 1e6);
    this.months += whole;
    this.addDays(Math.round((value - whole) * 30 * 1e6) / 1e6);
  }

  result(negate: boolean): Interval {
    const s = negate ? -1 : 1;
    if (!Number.isFinite(this.micros) || Math.abs(this.months) > 2147483647 || Math.abs(this.days) > 2147483647) {
      throw intervalOutOfRange();
    }
    return new Interval(s * this.months + 0, s * this.days + 0, BigInt(s * Math.round(this.micros)));
  }
}

function syntax(text: string): SqlError {
  return new SqlError(SQLSTATE.invalidDatetimeFormat, `invalid input syntax for type interval: "${text}"`);
}

function addTime(acc: Accumulator, m: RegExpExecArray): void {
  const sign = m[1] === '-' ? -1 : 1;
  const micros = Number(m[2]) * USECS_PER_HOUR + Number(m[3]) * USECS_PER_MINUTE + Math.round(Number(m[4] ?? 0) * USECS_PER_SEC);
  acc.micros += sign * micros;
}

function parseIso(text: string, m: RegExpExecArray): Interval {
  const acc = new Accumulator();
  const units: Unit[] = ['y', 'mon', 'w', 'd', 'h', 'min', 's'];
  units.forEach((unit, i) => {
    const v = m[i + 1];
    if (v === undefined) return;
    const n = Number(v);
    if (Number.isNaN(n)) throw syntax(text);
    acc.add(n, unit);
  });
  return acc.result(false);
}

/**
 * Parses interval text. With IntervalStyle sql_standard, a leading minus sign applies to every
 * later field that has no sign of its own (DecodeInterval), so '-1 2:00' is -1 day -2 hours.
 */
export function parseInterval(text: string, intervalStyle = 'postgres'): Interval {
  const s = text.trim().toLowerCase().replace(/^@\s*/, '');
  if (s === '') throw syntax(text);
  const iso = ISO.exec(s);
  if (iso !== null && s.length > 1) return parseIso(text, iso);
  const tokens = s.split(/\s+/);
  if (intervalStyle.toLowerCase() === 'sql_standard' && tokens[0]?.startsWith('-')) {
    for (let i = 1; i < tokens.length; i++) if (/^[\d.]/.test(tokens[i] as string)) tokens[i] = '-' + (tokens[i] as string);
  }
  const acc = new Accumulator();
  let negate = false;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as string;
    const time = TIME.exec(tok);
    const ym = YEAR_MONTH.exec(tok);
    const nu = NUMBER_UNIT.exec(tok);
    if (tok === 'ago' && i === tokens.length - 1) negate = true;
    else if (time !== null) addTime(acc, time);
    else if (ym !== null) {
      const sign = ym[1] === '-' ? -1 : 1;
      acc.add(sign * (Number(ym[2]) * 12 + Number(ym[3])), 'mon');
    } else if (nu !== null) {
      const value = Number(nu[1]);
      let word = nu[2] as string;
      const next = tokens[i + 1];
      if (word === '' && next !== undefined && UNITS[next] !== undefined) {
        word = next;
        i++;
      }
      const unit = word === '' ? (next !== undefined && TIME.test(next) ? 'd' : 's') : UNITS[word];
      if (unit === undefined) throw syntax(text);
      acc.add(value, unit);
    } else throw syntax(text);
  }
  return acc.result(negate);
}
