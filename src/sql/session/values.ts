/**
 * Value conversion at the session boundary: parameters from the wire (text or binary) or from
 * the embedded API (JS values) into executor values, and result values into wire text/binary
 * or JS values.
 *
 * Embedded results: bool, int2, int4, float4/8 and text types as JS primitives, int8 as bigint,
 * bytea as Uint8Array, everything else (numeric, dates, json, uuid, arrays…) as PostgreSQL's
 * text output, so no precision is lost.
 */
import type { SqlType, TypeContext, Value } from '../../catalog/types/sql-type.js';
import { OID } from '../../catalog/types/oids.js';
import { SqlError, SQLSTATE } from '../../util/index.js';

export function decodeParam(type: SqlType, raw: Uint8Array | string | null, format: 0 | 1, ctx: TypeContext): Value {
  if (raw === null) return null;
  if (typeof raw === 'string') return type.fromText(raw, -1, ctx);
  if (format === 1) return type.fromBinary(raw, -1, ctx);
  // toString() without arguments is Buffer's fastest UTF-8 path (no encoding lookup, no range checks).
  return type.fromText((Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)).toString(), -1, ctx);
}

/** A JS value given to db.query() as a parameter of `type`. */
export function jsParam(type: SqlType, v: unknown, ctx: TypeContext): Value {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) {
    if (type.oid === OID.bytea) return v;
    return type.fromText(Buffer.from(v).toString('utf8'), -1, ctx);
  }
  if (v instanceof Date) return type.fromText(v.toISOString(), -1, ctx);
  if (typeof v === 'object') return type.fromText(JSON.stringify(v), -1, ctx);
  if (typeof v === 'boolean' && type.oid !== OID.bool) return type.fromText(v ? 'true' : 'false', -1, ctx);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') {
    return type.fromText(String(v), -1, ctx);
  }
  throw new SqlError(SQLSTATE.invalidParameterValue, `cannot convert parameter of JS type ${typeof v}`);
}

export function formatValue(type: SqlType, v: Value, format: 0 | 1, ctx: TypeContext): string | Uint8Array | null {
  if (v === null) return null;
  return format === 1 ? type.toBinary(v, ctx) : type.toText(v, ctx);
}

const JS_NATIVE = new Set<number>([OID.bool, OID.int2, OID.int4, OID.int8, OID.float4, OID.float8, OID.text, OID.varchar, OID.bpchar, OID.name, OID.bytea, OID.oid, OID.char]);

export function jsValue(type: SqlType, v: Value, ctx: TypeContext): unknown {
  if (v === null) return null;
  if (JS_NATIVE.has(type.oid)) return v;
  return type.toText(v, ctx);
}
