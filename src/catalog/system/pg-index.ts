/** pg_catalog.pg_index: one row per index (primary keys and unique constraints included). */
import type { Catalog } from '../catalog.js';
import type { Value } from '../types/sql-type.js';
import { columns, type SystemTable } from './system-table.js';

function rows(catalog: Catalog, db: number): Value[][] {
  const out: Value[][] = [];
  for (const schema of catalog.schemasOf(db)) {
    for (const t of catalog.tablesIn(schema.oid)) {
      for (const i of t.hiddenRowId ? t.indexes : [t.primary, ...t.indexes]) {
        const keys = i.columns.map((c) => c.attnum).join(' ');
        out.push([i.oid, t.oid, i.columns.length, i.columns.length, i.unique, i.primary, false, true, true, true, keys, false, false, true, false, null, null, false]);
      }
    }
  }
  return out;
}

export const PG_INDEX: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_index',
  oid: 2610,
  columns: columns('indexrelid:oid indrelid:oid indnatts:int2 indnkeyatts:int2 indisunique:bool indisprimary:bool indisexclusion:bool indimmediate:bool indisvalid:bool indisready:bool indkey:text ' +
    'indisclustered:bool indisreplident:bool indislive:bool indcheckxmin:bool indexprs:text indpred:text indnullsnotdistinct:bool'),
  rows,
};
