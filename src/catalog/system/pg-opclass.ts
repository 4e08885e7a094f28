/**
 * pg_catalog.pg_opclass: PostgreSQL 15's btree operator classes (oids, names, families and input
 * types from its pg_opclass.dat, oids assigned at initdb included), and the default btree opclass
 * and collation pg_index reports for a key column of a given type.
 * - Every btree opclass of PostgreSQL 15 is listed, also for types stratadb lacks, so that joins
 *   from pg_index.indclass and opclass names (text_ops, varchar_ops, …) read as in PostgreSQL.
 * - The default opclass of a type is the default one whose input type is the type itself, else
 *   the one its values are binary-coercible to (varchar → text_ops, reg* → oid_ops, arrays →
 *   array_ops), as CREATE INDEX picks it.
 */
import { OID } from '../types/oids.js';
import { typeByOid } from '../types/type-registry.js';
import type { Value } from '../types/sql-type.js';
import { PG_CATALOG_NAMESPACE_OID, typeCollationOid } from '../types/pg-type-info.js';
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

export const BTREE_AM_OID = 403;

/** [oid, opcfamily, opcname, opcintype, opcdefault, opckeytype] */
const BTREE_OPCLASSES: ReadonlyArray<readonly [number, number, string, number, boolean, number]> = [
  [1978, 1976, 'int4_ops', 23, true, 0], [1979, 1976, 'int2_ops', 21, true, 0], [1981, 1989, 'oid_ops', 26, true, 0],
  [3122, 434, 'date_ops', 1082, true, 0], [3123, 1970, 'float8_ops', 701, true, 0], [3124, 1976, 'int8_ops', 20, true, 0],
  [3125, 1988, 'numeric_ops', 1700, true, 0], [3126, 1994, 'text_ops', 25, true, 0], [3127, 434, 'timestamptz_ops', 1184, true, 0],
  [3128, 434, 'timestamp_ops', 1114, true, 0], [4217, 2095, 'text_pattern_ops', 25, false, 0],
  [4218, 2095, 'varchar_pattern_ops', 25, false, 0], [4219, 2097, 'bpchar_pattern_ops', 1042, false, 0],
  [10000, 397, 'array_ops', 2277, true, 0], [10002, 423, 'bit_ops', 1560, true, 0], [10003, 424, 'bool_ops', 16, true, 0],
  [10004, 426, 'bpchar_ops', 1042, true, 0], [10006, 428, 'bytea_ops', 17, true, 0], [10007, 429, 'char_ops', 18, true, 0],
  [10009, 1974, 'cidr_ops', 869, false, 0], [10012, 1970, 'float4_ops', 700, true, 0], [10015, 1974, 'inet_ops', 869, true, 0],
  [10022, 1982, 'interval_ops', 1186, true, 0], [10024, 1984, 'macaddr_ops', 829, true, 0],
  [10026, 3371, 'macaddr8_ops', 774, true, 0], [10028, 1994, 'name_ops', 19, true, 2275],
  [10032, 1991, 'oidvector_ops', 30, true, 0], [10034, 2994, 'record_ops', 2249, true, 0],
  [10036, 3194, 'record_image_ops', 2249, false, 0], [10038, 1996, 'time_ops', 1083, true, 0],
  [10041, 2000, 'timetz_ops', 1266, true, 0], [10043, 2002, 'varbit_ops', 1562, true, 0],
  [10044, 1994, 'varchar_ops', 25, false, 0], [10047, 2099, 'money_ops', 790, true, 0], [10050, 2789, 'tid_ops', 27, true, 0],
  [10053, 5067, 'xid8_ops', 5069, true, 0], [10065, 2968, 'uuid_ops', 2950, true, 0], [10067, 3253, 'pg_lsn_ops', 3220, true, 0],
  [10069, 3522, 'enum_ops', 3500, true, 0], [10071, 3626, 'tsvector_ops', 3614, true, 0],
  [10074, 3683, 'tsquery_ops', 3615, true, 0], [10076, 3901, 'range_ops', 3831, true, 0],
  [10080, 4199, 'multirange_ops', 4537, true, 0], [10088, 4033, 'jsonb_ops', 3802, true, 0],
];

const DEFAULT_BY_TYPE = new Map<number, number>();
for (const [oid, , , intype, isDefault] of BTREE_OPCLASSES) if (isDefault) DEFAULT_BY_TYPE.set(intype, oid);

/** The type whose opclass serves a column type that has none of its own (binary coercion). */
const OPCLASS_INPUT: Readonly<Record<number, number>> = {
  [OID.varchar]: OID.text, [OID.regclass]: OID.oid, [OID.regtype]: OID.oid, [OID.regproc]: OID.oid, [OID.regnamespace]: OID.oid,
};

/** pg_index.indclass entry of a key column of type `typeOid` (0 when btree cannot index it). */
export function defaultBtreeOpclass(typeOid: number): number {
  const own = DEFAULT_BY_TYPE.get(OPCLASS_INPUT[typeOid] ?? typeOid);
  if (own !== undefined) return own;
  const type = typeByOid(typeOid);
  return type?.element !== undefined ? (DEFAULT_BY_TYPE.get(OID.anyarray) ?? 0) : 0;
}

/** pg_attribute.attcollation / pg_index.indcollation of a column of type `typeOid`. */
export function columnCollationOid(typeOid: number): number {
  const type = typeByOid(typeOid);
  return type === undefined ? 0 : typeCollationOid(type);
}

export const PG_OPCLASS: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_opclass',
  oid: 2616,
  columns: typedColumns('oid:oid opcmethod:oid opcname:name opcnamespace:oid opcowner:oid opcfamily:oid opcintype:oid opcdefault:bool opckeytype:oid'),
  rows: (): Value[][] =>
    BTREE_OPCLASSES.map(([oid, family, name, intype, isDefault, keytype]) => [
      oid, BTREE_AM_OID, name, PG_CATALOG_NAMESPACE_OID, 10, family, intype, isDefault, keytype,
    ]),
};
