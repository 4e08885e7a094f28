/**
 * Session time zones: UTC offsets of instants and of local wall-clock times.
 * - Accepted TimeZone settings: 'UTC'/'GMT'/'Z', ISO offsets ('+02', '-05:30', east positive, as
 *   PostgreSQL treats a bare numeric zone), POSIX 'ABC+3' (west positive, sign inverted, as
 *   PostgreSQL), and IANA names through Intl (node's ICU tz data).
 * - A local time in a spring-forward gap takes the offset from before the transition; one in a
 *   fall-back overlap takes the offset from after it (PostgreSQL's DetermineTimeZoneOffset).
 * - Offsets are cached per zone in 15-minute buckets whose two ends agree; Intl is only asked on
 *   a miss.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { UNIX_EPOCH_JDATE, POSTGRES_EPOCH_JDATE, pad2 } from './datetime-core.js';

/** Microseconds from the PostgreSQL epoch (2000-01-01) to the Unix epoch, negated. */
const UNIX_TO_PG_SECONDS = (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * 86400;
const BUCKET_SECONDS = 900;
/** JS Date covers ±8.64e15 ms; instants beyond are clamped for the offset lookup. */
const JS_SECONDS_MAX = 8.64e12 - 86400 * 2;
const ZONE_CACHE_ENTRIES_MAX = 100_000;

export interface TimeZoneRule {
  readonly name: string;
  /** Seconds east of UTC at an instant given in seconds from the PostgreSQL epoch. */
  offsetAt(pgSeconds: number): number;
}

class FixedZone implements TimeZoneRule {
  constructor(
    readonly name: string,
    private readonly offsetSeconds: number,
  ) {}
  offsetAt(): number {
    return this.offsetSeconds;
  }
}

class IanaZone implements TimeZoneRule {
  private readonly format: Intl.DateTimeFormat;
  private readonly cache = new Map<number, number>();

  constructor(readonly name: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  offsetAt(pgSeconds: number): number {
    const bucket = Math.floor(pgSeconds / BUCKET_SECONDS);
    const hit = this.cache.get(bucket);
    if (hit !== undefined) return hit;
    const start = this.compute(bucket * BUCKET_SECONDS);
    const end = this.compute((bucket + 1) * BUCKET_SECONDS - 1);
    if (start === end) {
      if (this.cache.size >= ZONE_CACHE_ENTRIES_MAX) this.cache.clear();
      this.cache.set(bucket, start);
      return start;
    }
    return this.compute(pgSeconds);
  }

  private compute(pgSeconds: number): number {
    let unixSeconds = pgSeconds + UNIX_TO_PG_SECONDS;
    unixSeconds = Math.max(-JS_SECONDS_MAX, Math.min(JS_SECONDS_MAX, unixSeconds));
    const whole = Math.floor(unixSeconds);
    const parts = this.format.formatToParts(new Date(whole * 1000));
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let bc = false;
    for (const p of parts) {
      if (p.type === 'year') year = Number(p.value);
      else if (p.type === 'month') month = Number(p.value);
      else if (p.type === 'day') day = Number(p.value);
      else if (p.type === 'hour') hour = Number(p.value);
      else if (p.type === 'minute') minute = Number(p.value);
      else if (p.type === 'second') second = Number(p.value);
      else if (p.type === 'era') bc = p.value.startsWith('B');
    }
    if (bc) year = 1 - year;
    const wall = new Date(0);
    wall.setUTCFullYear(year, month - 1, day);
    wall.setUTCHours(hour, minute, second, 0);
    return wall.getTime() / 1000 - whole;
  }
}

const zones = new Map<string, TimeZoneRule>();
const UTC_NAMES = new Set(['utc', 'gmt', 'z', 'zulu', 'uct', 'etc/utc', 'etc/gmt', 'universal', 'greenwich']);
const ISO_OFFSET = /^([+-]?)(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/;
const POSIX_OFFSET = /^([a-z]{3,})([+-]?)(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?$/i;

function offsetSeconds(sign: string, h: string, m: string | undefined, s: string | undefined): number {
  const total = Number(h) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
  return sign === '-' ? -total : total;
}

/** Parses a zone name; returns undefined when it is not a time zone. */
export function lookupTimeZone(name: string): TimeZoneRule | undefined {
  const cached = zones.get(name);
  if (cached !== undefined) return cached;
  const trimmed = name.trim();
  let rule: TimeZoneRule | undefined;
  const iso = ISO_OFFSET.exec(trimmed);
  const posix = POSIX_OFFSET.exec(trimmed);
  if (UTC_NAMES.has(trimmed.toLowerCase())) rule = new FixedZone(name, 0);
  else if (iso !== null) rule = new FixedZone(name, offsetSeconds(iso[1] as string, iso[2] as string, iso[3], iso[4]));
  else if (posix !== null && !isIana(trimmed)) {
    rule = new FixedZone(name, -offsetSeconds(posix[2] as string, posix[3] as string, posix[4], posix[5]));
  } else if (isIana(trimmed)) rule = new IanaZone(trimmed);
  if (rule !== undefined) zones.set(name, rule);
  return rule;
}

function isIana(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The zone of a TimeZone setting; throws 22023 for an unknown one. */
export function timeZoneOf(name: string): TimeZoneRule {
  const rule = lookupTimeZone(name);
  if (rule === undefined) throw new SqlError(SQLSTATE.invalidParameterValue, `time zone "${name}" not recognized`);
  return rule;
}

/** Offset (seconds east) to apply to a local wall-clock time given in seconds from the PG epoch. */
export function offsetForLocal(zone: TimeZoneRule, localSeconds: number): number {
  const before = zone.offsetAt(localSeconds - 86400);
  const after = zone.offsetAt(localSeconds + 86400);
  if (before === after) return before;
  if (zone.offsetAt(localSeconds - after) === after) return after;
  if (zone.offsetAt(localSeconds - before) === before) return before;
  return before;
}

/** '+00', '+05:30', '-03', '+05:21:10' (PostgreSQL's timestamptz output). */
export function formatOffset(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  let text = sign + pad2(h);
  if (m !== 0 || s !== 0) text += ':' + pad2(m);
  if (s !== 0) text += ':' + pad2(s);
  return text;
}

const abbreviationFormats = new Map<string, Intl.DateTimeFormat | null>();

/**
 * The zone abbreviation PostgreSQL prints ('UTC', 'EST', 'CEST') at a UTC instant given in
 * microseconds from the PostgreSQL epoch; undefined when ICU has none (callers print the offset).
 */
export function zoneAbbreviation(ts: bigint, zone: string): string | undefined {
  if (UTC_NAMES.has(zone.trim().toLowerCase())) return 'UTC';
  let format = abbreviationFormats.get(zone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' });
    } catch {
      format = null;
    }
    abbreviationFormats.set(zone, format);
  }
  if (format === null) return undefined;
  const ms = Number(ts / 1000n) + UNIX_TO_PG_SECONDS * 1000;
  const name = format.formatToParts(new Date(Math.max(-8.64e15, Math.min(8.64e15, ms)))).find((p) => p.type === 'timeZoneName')?.value;
  return name === undefined || name.startsWith('GMT') || name.startsWith('UTC') ? undefined : name;
}
