/**
 * timestamp and timestamptz: bigint microseconds since 2000-01-01 00:00:00 (UTC for timestamptz),
 * TIMESTAMP_NOBEGIN / TIMESTAMP_NOEND for -infinity / infinity (int64 min/max, so plain bigint
 * comparison is PostgreSQL's order). Range 4713-11-24 BC .. 294276-12-31 AD, else 22008.
 * - timestamptz input without a zone is read in the session TimeZone; output is in that zone with
 *   its offset ('2020-01-01 10:00:00+05:30').
 * - timestamp input ignores a given zone (as PostgreSQL).
 * - typmod p rounds to p fractional digits.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import {
  POSTGRES_EPOCH_JDATE, TIMESTAMP_NOBEGIN, TIMESTAMP_NOEND, UNIX_EPOCH_JDATE, USECS_PER_DAY_BIG,
  formatIsoDate, formatTimeOfDay, formatYear, isFiniteTimestamp, j2date, j2day, makeTimestamp, pad2, roundMicros, splitTimestamp,
  timestampInRange,
} from './datetime-core.js';
import { decodeDateTime, type DateTimeFields } from './datetime-parse.js';
import { OID, ARRAY_OID } from './oids.js';
import { TypeCategory, type SqlType, type TypeContext, type Value } from './sql-type.js';
import { formatOffset, offsetForLocal, timeZoneOf, zoneAbbreviation } from './time-zone.js';
import { invalidBinary } from './type-errors.js';

const UNIX_EPOCH_US = BigInt(UNIX_EPOCH_JDATE - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY_BIG;

/** Transaction time from the context, else the wall clock (microseconds since 2000-01-01 UTC). */
export function currentTimestamp(ctx: TypeContext): bigint {
  if (ctx.nowUs !== undefined) return ctx.nowUs;
  return BigInt(Date.now()) * 1000n + UNIX_EPOCH_US;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Offset in seconds east of the zone at a UTC instant. */
export function zoneOffsetAt(ts: bigint, timeZone: string): number {
  return timeZoneOf(timeZone).offsetAt(Number(floorDiv(ts, 1_000_000n)));
}

/** UTC instant → local wall-clock timestamp in the zone. */
export function toLocal(ts: bigint, timeZone: string): bigint {
  if (!isFiniteTimestamp(ts)) return ts;
  return ts + BigInt(zoneOffsetAt(ts, timeZone)) * 1_000_000n;
}

/** Local wall-clock timestamp in the zone → UTC instant. */
export function fromLocal(local: bigint, timeZone: string): bigint {
  if (!isFiniteTimestamp(local)) return local;
  const offset = offsetForLocal(timeZoneOf(timeZone), Number(floorDiv(local, 1_000_000n)));
  return local - BigInt(offset) * 1_000_000n;
}

function outOfRange(text: string): SqlError {
  return new SqlError(SQLSTATE.datetimeFieldOverflow, `timestamp out of range: "${text}"`);
}

function special(f: DateTimeFields, ctx: TypeContext, withZone: boolean): bigint | undefined {
  const now = currentTimestamp(ctx);
  const today = (): bigint => {
    const [jd] = splitTimestamp(toLocal(now, ctx.timeZone));
    return makeTimestamp(jd, 0);
  };
  const local = (ts: bigint): bigint => (withZone ? fromLocal(ts, ctx.timeZone) : ts);
  switch (f.special) {
    case 'infinity':
      return TIMESTAMP_NOEND;
    case '-infinity':
      return TIMESTAMP_NOBEGIN;
    case 'epoch':
      return UNIX_EPOCH_US;
    case 'now':
      return withZone ? now : toLocal(now, ctx.timeZone);
    case 'today':
      return local(today());
    case 'tomorrow':
      return local(today() + USECS_PER_DAY_BIG);
    case 'yesterday':
      return local(today() - USECS_PER_DAY_BIG);
    default:
      return undefined;
  }
}

export function parseTimestamp(text: string, typmod: number, ctx: TypeContext, withZone: boolean): bigint {
  const sqlName = withZone ? 'timestamp with time zone' : 'timestamp without time zone';
  const f = decodeDateTime(text, sqlName, ctx.dateStyle);
  const s = special(f, ctx, withZone);
  if (s !== undefined) return s;
  if (f.jd === undefined) throw new SqlError(SQLSTATE.invalidDatetimeFormat, `invalid input syntax for type ${sqlName}: "${text}"`);
  let ts = makeTimestamp(f.jd, f.timeUs ?? 0);
  if (withZone) {
    if (f.offsetSeconds !== undefined) ts -= BigInt(f.offsetSeconds) * 1_000_000n;
    else if (f.zone !== undefined) ts -= BigInt(offsetForLocal(f.zone, Number(floorDiv(ts, 1_000_000n)))) * 1_000_000n;
    else ts = fromLocal(ts, ctx.timeZone);
  }
  ts = roundMicros(ts, typmod);
  if (!timestampInRange(ts)) throw outOfRange(text);
  return ts;
}

const SHORT_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** EncodeDateTime: a local timestamp in a DateStyle; `zone` is the text after the time, if any. */
function encodeDateTime(local: bigint, dateStyle: string, zone: { iso: string; name: string } | undefined): string {
  const [jd, us] = splitTimestamp(local);
  const [y, m, d] = j2date(jd) as [number, number, number];
  const bc = y <= 0 ? ' BC' : '';
  const style = dateStyle.toUpperCase();
  const dmy = style.includes('DMY') || style.startsWith('GERMAN');
  const time = formatTimeOfDay(us);
  const year = formatYear(y);
  const named = zone === undefined ? '' : ' ' + zone.name;
  if (style.startsWith('SQL')) return `${dmy ? `${pad2(d)}/${pad2(m)}` : `${pad2(m)}/${pad2(d)}`}/${year} ${time}${named}${bc}`;
  if (style.startsWith('GERMAN')) return `${pad2(d)}.${pad2(m)}.${year} ${time}${named}${bc}`;
  if (style.startsWith('POSTGRES')) {
    const day = SHORT_DAYS[j2day(jd)] as string;
    const mon = SHORT_MONTHS[m - 1] as string;
    return `${day} ${dmy ? `${pad2(d)} ${mon}` : `${mon} ${pad2(d)}`} ${time} ${year}${named}${bc}`;
  }
  return `${formatIsoDate(jd)} ${time}${zone === undefined ? '' : zone.iso}${bc}`;
}

/** timestamp_out. */
export function formatTimestamp(ts: bigint, dateStyle = 'ISO, MDY'): string {
  if (ts === TIMESTAMP_NOEND) return 'infinity';
  if (ts === TIMESTAMP_NOBEGIN) return '-infinity';
  return encodeDateTime(ts, dateStyle, undefined);
}

/** timestamptz_out in a zone: ISO prints the offset, other DateStyles the zone abbreviation. */
export function formatTimestamptz(ts: bigint, timeZone: string, dateStyle = 'ISO, MDY'): string {
  if (!isFiniteTimestamp(ts)) return formatTimestamp(ts);
  const offset = zoneOffsetAt(ts, timeZone);
  const iso = formatOffset(offset);
  const name = dateStyle.toUpperCase().startsWith('ISO') ? iso : (zoneAbbreviation(ts, timeZone) ?? iso);
  return encodeDateTime(ts + BigInt(offset) * 1_000_000n, dateStyle, { iso, name });
}

function checkRange(ts: bigint): bigint {
  if (isFiniteTimestamp(ts) && !timestampInRange(ts)) throw new SqlError(SQLSTATE.datetimeFieldOverflow, 'timestamp out of range');
  return ts;
}

function makeTimestampType(withZone: boolean): SqlType {
  const oid = withZone ? OID.timestamptz : OID.timestamp;
  return {
    oid,
    name: withZone ? 'timestamptz' : 'timestamp',
    sqlName: withZone ? 'timestamp with time zone' : 'timestamp without time zone',
    typlen: 8,
    category: TypeCategory.datetime,
    preferred: withZone,
    arrayOid: ARRAY_OID[oid],
    indexable: true,
    compare: (a, b) => ((a as bigint) < (b as bigint) ? -1 : (a as bigint) > (b as bigint) ? 1 : 0),
    equals: (a, b) => a === b,
    hashKey: (a) => a as bigint,
    toText: (v, ctx) => (withZone ? formatTimestamptz(v as bigint, ctx.timeZone, ctx.dateStyle) : formatTimestamp(v as bigint, ctx.dateStyle)),
    fromText: (text, typmod, ctx): Value => parseTimestamp(text, typmod, ctx, withZone),
    toBinary(v): Uint8Array {
      const out = Buffer.allocUnsafe(8);
      out.writeBigInt64BE(v as bigint, 0);
      return out;
    },
    fromBinary(b): Value {
      if (b.length !== 8) throw invalidBinary('insufficient data left in message');
      return checkRange(new DataView(b.buffer, b.byteOffset, 8).getBigInt64(0));
    },
    applyTypmod: (v: Value, typmod: number) => (isFiniteTimestamp(v as bigint) ? roundMicros(v as bigint, typmod) : v),
    typmodText: (typmod: number) => (typmod >= 0 ? `(${typmod})` : ''),
  };
}

export const TIMESTAMP: SqlType = makeTimestampType(false);
export const TIMESTAMPTZ: SqlType = makeTimestampType(true);
