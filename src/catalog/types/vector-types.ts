/**
 * int2vector (oid 22) and oidvector (oid 30): PostgreSQL's one-dimensional, zero-based arrays of
 * int2 / oid that catalog columns use (pg_index.indkey, indclass, pg_proc.proargtypes).
 * - Values are JS arrays of element values (never NULL elements), as for int2[] / oid[]; the type
 *   carries `element` so that unnest, array_length, `= ANY (…)` and casts to int2[] / oid[] treat it
 *   as an array, and `lowerBound` 0 so that `indkey[0]` is the first element.
 * - Text form is PostgreSQL's: elements separated by one space ('1 2', '' when empty); input
 *   accepts any whitespace and raises the element type's 22P02 / 22003.
 * - Binary form is array_send's with one dimension whose lower bound is 0.
 * - Order and equality are the element-wise array order (btree array_ops), as in PostgreSQL.
 */
import { makeArrayType } from './array-type.js';
import { INT2, OID_TYPE } from './int-types.js';
import { OID, ARRAY_OID } from './oids.js';
import { DEFAULT_TYPE_CONTEXT, type SqlType, type Value } from './sql-type.js';
import { invalidBinary } from './type-errors.js';

function vectorSend(element: SqlType, v: Value[]): Uint8Array {
  const header = Buffer.alloc(20);
  header.writeInt32BE(1, 0);
  header.writeInt32BE(0, 4);
  header.writeUInt32BE(element.oid, 8);
  header.writeInt32BE(v.length, 12);
  header.writeInt32BE(0, 16);
  const chunks: Uint8Array[] = [header];
  for (const x of v) {
    const body = element.toBinary(x, DEFAULT_TYPE_CONTEXT);
    const len = Buffer.alloc(4);
    len.writeInt32BE(body.length, 0);
    chunks.push(len, body);
  }
  return Buffer.concat(chunks);
}

function makeVectorType(oid: number, name: string, element: SqlType): SqlType {
  const array = makeArrayType(element, oid);
  return {
    ...array,
    name,
    sqlName: name,
    arrayOid: ARRAY_OID[oid],
    lowerBound: 0,
    toText: (v, ctx) => (v as Value[]).map((x) => element.toText(x, ctx)).join(' '),
    fromText(text, _typmod, ctx): Value {
      return text.split(/\s+/).filter((s) => s !== '').map((p) => element.fromText(p, -1, ctx));
    },
    toBinary: (v) => vectorSend(element, v as Value[]),
    fromBinary(b, typmod, ctx): Value {
      const v = array.fromBinary(b, typmod, ctx) as Value[];
      if (v.some((x) => x === null || Array.isArray(x))) throw invalidBinary(`invalid ${name} data`);
      return v;
    },
    applyTypmod: undefined,
  };
}

export const INT2VECTOR: SqlType = makeVectorType(OID.int2vector, 'int2vector', INT2);
export const OIDVECTOR: SqlType = makeVectorType(OID.oidvector, 'oidvector', OID_TYPE);
