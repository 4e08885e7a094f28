/**
 * time (without time zone): microseconds since midnight, 0 .. 24:00:00 inclusive. time(p) rounds
 * to p fractional digits. Output 'HH:MM:SS[.ffffff]'.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { USECS_PER_DAY, formatTimeOfDay, roundMicros } from './datetime-core.js';
import { decodeDateTime } from './datetime-parse.js';
import { OID, ARRAY_OID } from './oids.js';
import { TypeCategory, type SqlType, type Value } from './sql-type.js';
import { invalidBinary } from './type-errors.js';

export function roundTime(usecs: number, typmod: number): number {
  if (typmod < 0 || typmod >= 6) return usecs;
  return Number(roundMicros(BigInt(usecs), typmod));
}

export function parseTime(text: string, typmod: number, dateStyle: string): number {
  const f = decodeDateTime(text, 'time without time zone', dateStyle);
  if (f.special !== undefined || f.timeUs === undefined) {
    if (f.special === undefined && f.jd !== undefined) return 0;
    throw new SqlError(SQLSTATE.invalidDatetimeFormat, `invalid input syntax for type time: "${text}"`);
  }
  return roundTime(f.timeUs, typmod);
}

export const TIME: SqlType = {
  oid: OID.time,
  name: 'time',
  sqlName: 'time without time zone',
  typlen: 8,
  category: TypeCategory.datetime,
  preferred: false,
  arrayOid: ARRAY_OID[OID.time],
  indexable: true,
  compare: (a, b) => (a as number) - (b as number),
  equals: (a, b) => a === b,
  hashKey: (a) => a as number,
  toText: (v) => formatTimeOfDay(v as number),
  fromText: (text, typmod, ctx): Value => parseTime(text, typmod, ctx.dateStyle),
  toBinary(v): Uint8Array {
    const out = Buffer.allocUnsafe(8);
    out.writeBigInt64BE(BigInt(v as number), 0);
    return out;
  },
  fromBinary(b): Value {
    if (b.length !== 8) throw invalidBinary('insufficient data left in message');
    const us = Number(new DataView(b.buffer, b.byteOffset, 8).getBigInt64(0));
    if (us < 0 || us > USECS_PER_DAY) throw new SqlError(SQLSTATE.numericValueOutOfRange, 'time out of range');
    return us;
  },
  applyTypmod: (v: Value, typmod: number) => roundTime(v as number, typmod),
  typmodText: (typmod: number) => (typmod >= 0 ? `(${typmod})` : ''),
};
