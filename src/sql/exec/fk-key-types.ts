/**
 * Foreign keys between columns of different types: which pairs a foreign key may join, and
 * how a key value of one side is looked up on the other.
 *
 * - PostgreSQL accepts a pair when the referenced key's btree operator family compares the two
 *   types (int2 / int4 / int8 with each other) or the referencing type coerces implicitly to the
 *   referenced one (varchar → text, …); otherwise 42804 "foreign key constraint … cannot be
 *   implemented". stratadb joins equal types, the integer family and text / varchar; a pair
 *   PostgreSQL accepts beyond those is reported as not supported.
 * - A lookup compares as PostgreSQL's cross-type operators do: an int8 key outside int4's range
 *   equals no int4 value (it is not an overflow error).
 */
import { OID, type SqlType, type Value } from '../../catalog/types/index.js';
import { castContextOf } from '../functions/cast-table.js';

const INTEGERS = new Set<number>([OID.int2, OID.int4, OID.int8]);
const STRINGS = new Set<number>([OID.text, OID.varchar]);
const INT_RANGES: Record<number, readonly [bigint, bigint]> = {
  [OID.int2]: [-32768n, 32767n],
  [OID.int4]: [-2147483648n, 2147483647n],
};

/** Whether a foreign key may join a `fkOid` column to a `pkOid` column: 'ok', 'unsupported' (PostgreSQL would), 'incompatible'. */
export function foreignKeyTypePair(fkOid: number, pkOid: number): 'ok' | 'unsupported' | 'incompatible' {
  if (fkOid === pkOid || (INTEGERS.has(fkOid) && INTEGERS.has(pkOid)) || (STRINGS.has(fkOid) && STRINGS.has(pkOid))) return 'ok';
  return castContextOf(fkOid, pkOid) === 'i' ? 'unsupported' : 'incompatible';
}

/** `v` (of type `from`) as a value of type `to` for an equality lookup; undefined when it can equal no such value. */
export function lookupValue(v: Value, from: SqlType, to: SqlType): Value | undefined {
  if (v === null || from.oid === to.oid || !INTEGERS.has(to.oid)) return v;
  const n = typeof v === 'bigint' ? v : BigInt(v as number);
  if (to.oid === OID.int8) return n;
  const range = INT_RANGES[to.oid] as readonly [bigint, bigint];
  return n < range[0] || n > range[1] ? undefined : Number(n);
}

/** A key's values (of `from` types) for a lookup among `to` types; undefined when no row can match. */
export function lookupKey(values: readonly Value[], from: readonly (SqlType | undefined)[], to: readonly (SqlType | undefined)[]): Value[] | undefined {
  const out: Value[] = new Array<Value>(values.length);
  for (let i = 0; i < values.length; i++) {
    const f = from[i];
    const t = to[i];
    const v = f === undefined || t === undefined ? values[i] ?? null : lookupValue(values[i] ?? null, f, t);
    if (v === undefined) return undefined;
    out[i] = v;
  }
  return out;
}
