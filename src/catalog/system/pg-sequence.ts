/** pg_catalog.pg_sequence: the parameters of every sequence of the current database. */
import type { Catalog } from '../catalog.js';
import type { Value } from '../types/sql-type.js';
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

function rows(catalog: Catalog, db: number): Value[][] {
  const out: Value[][] = [];
  for (const schema of catalog.schemasOf(db)) {
    for (const r of catalog.relationsIn(schema.oid)) {
      if (r.kind !== 'sequence') continue;
      out.push([r.oid, r.typeOid, r.start, r.increment, r.max, r.min, 1n, r.cycle]);
    }
  }
  return out;
}

export const PG_SEQUENCE: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_sequence',
  oid: 2224,
  columns: typedColumns('seqrelid:oid seqtypid:oid seqstart:int8 seqincrement:int8 seqmax:int8 seqmin:int8 seqcache:int8 seqcycle:bool'),
  rows,
};
