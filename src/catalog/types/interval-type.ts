/**
 * The interval SqlType (values are Interval). Binary format is interval_send's: int64
 * microseconds, int32 days, int32 months.
 */
import { Interval } from './interval.js';
import { formatIntervalStyle } from './interval-styles.js';
import { parseInterval } from './interval-parse.js';
import { OID, ARRAY_OID } from './oids.js';
import { TypeCategory, type SqlType, type Value } from './sql-type.js';
import { invalidBinary } from './type-errors.js';

export const INTERVAL: SqlType = {
  oid: OID.interval,
  name: 'interval',
  sqlName: 'interval',
  typlen: 16,
  category: TypeCategory.timespan,
  preferred: true,
  arrayOid: ARRAY_OID[OID.interval],
  indexable: true,
  compare: (a, b) => (a as Interval).compare(b as Interval),
  equals: (a, b) => (a as Interval).compare(b as Interval) === 0,
  hashKey: (a) => (a as Interval).span(),
  toText: (v, ctx) => formatIntervalStyle(v as Interval, ctx.intervalStyle) ?? (v as Interval).toString(),
  fromText: (text, _typmod, ctx): Value => parseInterval(text, ctx.intervalStyle),
  toBinary(v): Uint8Array {
    const iv = v as Interval;
    const out = Buffer.allocUnsafe(16);
    out.writeBigInt64BE(iv.micros, 0);
    out.writeInt32BE(iv.days, 8);
    out.writeInt32BE(iv.months, 12);
    return out;
  },
  fromBinary(b): Value {
    if (b.length !== 16) throw invalidBinary('insufficient data left in message');
    const view = new DataView(b.buffer, b.byteOffset, 16);
    return new Interval(view.getInt32(12), view.getInt32(8), view.getBigInt64(0));
  },
};
