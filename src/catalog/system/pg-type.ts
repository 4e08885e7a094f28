/** pg_catalog.pg_type: the built-in types (all in pg_catalog, owned by the bootstrap superuser). */
import type { Value } from '../types/sql-type.js';
import { allTypes } from '../types/type-registry.js';
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';
import { pgTypeRow, typeCollationOid } from '../types/pg-type-info.js';
import { OID } from '../types/oids.js';

const COLUMNS = typedColumns(
  'oid:oid typname:name typnamespace:oid typowner:oid typlen:int2 typbyval:bool typtype:char typcategory:char ' +
    'typispreferred:bool typisdefined:bool typdelim:char typrelid:oid typelem:oid typarray:oid typnotnull:bool ' +
    'typbasetype:oid typtypmod:int4 typndims:int4 typcollation:oid typalign:char typstorage:char typdefault:text typacl:text[]',
);

export const PG_TYPE: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_type',
  oid: 1247,
  columns: COLUMNS,
  rows: (): Value[][] =>
    allTypes().map((t) => {
      const row = pgTypeRow(t);
      return [
        t.oid, t.name, 11, 10, t.typlen, t.typlen > 0 && t.typlen <= 8, t.category === 'P' || t.oid === OID.unknown ? 'p' : 'b', t.category,
        t.preferred, true, ',', 0, row.typelem, t.arrayOid ?? 0, false, 0, -1, 0, typeCollationOid(t), row.typalign, row.typstorage, null, null,
      ];
    }),
};
