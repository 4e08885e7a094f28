/**
 * pg_catalog.pg_depend: the dependencies clients read — a sequence owned by a column (SERIAL:
 * deptype 'a', identity: 'i'), which psql's \d on a sequence shows as "Owned by". Other
 * dependencies stratadb keeps implicitly (an index on its table, a constraint's index) are not
 * listed.
 */
import type { Catalog } from '../catalog.js';
import type { Value } from '../types/sql-type.js';
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

const PG_CLASS_OID = 1259;

function rows(catalog: Catalog, db: number): Value[][] {
  const out: Value[][] = [];
  for (const schema of catalog.schemasOf(db)) {
    for (const r of catalog.relationsIn(schema.oid)) {
      if (r.kind !== 'sequence' || r.ownedBy === undefined) continue;
      const owner = catalog.table(r.ownedBy.tableOid);
      const identity = owner?.columns[r.ownedBy.attnum - 1]?.identity ?? '';
      out.push([PG_CLASS_OID, r.oid, 0, PG_CLASS_OID, r.ownedBy.tableOid, r.ownedBy.attnum, identity === '' ? 'a' : 'i']);
    }
  }
  return out;
}

export const PG_DEPEND: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_depend',
  oid: 2608,
  columns: typedColumns('classid:oid objid:oid objsubid:int4 refclassid:oid refobjid:oid refobjsubid:int4 deptype:char'),
  rows,
};
