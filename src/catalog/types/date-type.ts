/**
 * date: number of days since 2000-01-01 (±Infinity for 'infinity'/'-infinity'), covering
 * PostgreSQL's range 4713-11-24 BC .. 5874897-12-31 AD. Output follows DateStyle (ISO, SQL,
 * Postgres, German) with ' BC' for years before 1 AD.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import {
  DATE_END_JULIAN, DATE_MIN_JULIAN, POSTGRES_EPOCH_JDATE, UNIX_EPOCH_JDATE, formatYear, j2date, pad2, splitTimestamp,
} from './datetime-core.js';
import { decodeDateTime } from './datetime-parse.js';
import { OID, ARRAY_OID } from './oids.js';
import { TypeCategory, type SqlType, type TypeContext, type Value } from './sql-type.js';
import { currentTimestamp, toLocal } from './timestamp-types.js';
import { compareFloat } from './float-types.js';
import { invalidBinary } from './type-errors.js';

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/** date_out of a day number. */
export function formatDate(days: number, dateStyle: string): string {
  if (days === Infinity) return 'infinity';
  if (days === -Infinity) return '-infinity';
  const [y, m, d] = j2date(days + POSTGRES_EPOCH_JDATE) as [number, number, number];
  const year = formatYear(y);
  const bc = y <= 0 ? ' BC' : '';
  const style = dateStyle.toUpperCase();
  if (style.startsWith('SQL')) return (style.includes('DMY') ? `${pad2(d)}/${pad2(m)}` : `${pad2(m)}/${pad2(d)}`) + `/${year}${bc}`;
  if (style.startsWith('GERMAN')) return `${pad2(d)}.${pad2(m)}.${year}${bc}`;
  if (style.startsWith('POSTGRES')) return (style.includes('DMY') ? `${pad2(d)}-${pad2(m)}` : `${pad2(m)}-${pad2(d)}`) + `-${year}${bc}`;
  return `${year}-${pad2(m)}-${pad2(d)}${bc}`;
}

/** The current date in the session time zone, as a day number. */
export function currentDate(ctx: TypeContext): number {
  const [jd] = splitTimestamp(toLocal(currentTimestamp(ctx), ctx.timeZone));
  return jd - POSTGRES_EPOCH_JDATE;
}

export function parseDate(text: string, ctx: TypeContext): number {
  const f = decodeDateTime(text, 'date', ctx.dateStyle);
  switch (f.special) {
    case 'infinity':
      return Infinity;
    case '-infinity':
      return -Infinity;
    case 'epoch':
      return UNIX_EPOCH_JDATE - POSTGRES_EPOCH_JDATE;
    case 'now':
    case 'today':
      return currentDate(ctx);
    case 'tomorrow':
      return currentDate(ctx) + 1;
    case 'yesterday':
      return currentDate(ctx) - 1;
    default:
  }
  if (f.jd === undefined) throw new SqlError(SQLSTATE.invalidDatetimeFormat, `invalid input syntax for type date: "${text}"`);
  if (f.jd < DATE_MIN_JULIAN || f.jd >= DATE_END_JULIAN) {
    throw new SqlError(SQLSTATE.datetimeFieldOverflow, `date out of range: "${text}"`);
  }
  return f.jd - POSTGRES_EPOCH_JDATE;
}

export const DATE: SqlType = {
  oid: OID.date,
  name: 'date',
  sqlName: 'date',
  typlen: 4,
  category: TypeCategory.datetime,
  preferred: false,
  arrayOid: ARRAY_OID[OID.date],
  indexable: true,
  compare: compareFloat,
  equals: (a, b) => a === b,
  hashKey: (a) => a as number,
  toText: (v, ctx) => formatDate(v as number, ctx.dateStyle),
  fromText: (text, _typmod, ctx): Value => parseDate(text, ctx),
  toBinary(v): Uint8Array {
    const out = Buffer.allocUnsafe(4);
    const days = v as number;
    out.writeInt32BE(days === Infinity ? INT32_MAX : days === -Infinity ? INT32_MIN : days, 0);
    return out;
  },
  fromBinary(b): Value {
    if (b.length !== 4) throw invalidBinary('insufficient data left in message');
    const days = new DataView(b.buffer, b.byteOffset, 4).getInt32(0);
    return days === INT32_MAX ? Infinity : days === INT32_MIN ? -Infinity : days;
  },
};
