/**
 * pg_catalog.pg_index: one row per index (primary keys and unique constraints included), with
 * PostgreSQL 15's columns in its order.
 * - indkey / indoption are int2vector, indclass / indcollation oidvector (values: arrays).
 * - indoption per key: bit 1 DESC, bit 2 NULLS FIRST (DESC alone is 3: DESC implies NULLS FIRST).
 * - indclass is the column type's default btree opclass, indcollation its collation (pg-opclass.ts).
 */
import type { Catalog } from '../catalog.js';
import type { IndexDesc, TableDesc } from '../descriptors.js';
import type { Value } from '../types/sql-type.js';
import { columnCollationOid, defaultBtreeOpclass } from './pg-opclass.js';
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

const INDOPTION_DESC = 1;
const INDOPTION_NULLS_FIRST = 2;

function indexRow(t: TableDesc, i: IndexDesc): Value[] {
  const keys = i.columns.map((c) => c.attnum);
  const types = i.columns.map((c) => t.columns[c.attnum - 1]?.typeOid ?? 0);
  const options = i.columns.map((c) => (c.descending ? INDOPTION_DESC : 0) | (c.nullsFirst ? INDOPTION_NULLS_FIRST : 0));
  const n = i.columns.length;
  return [
    i.oid, t.oid, n, n, i.unique, false, i.primary, false, true, false, true, false, true, true, false,
    keys, types.map(columnCollationOid), types.map(defaultBtreeOpclass), options, null, null,
  ];
}

function rows(catalog: Catalog, db: number): Value[][] {
  const out: Value[][] = [];
  for (const schema of catalog.schemasOf(db)) {
    for (const t of catalog.tablesIn(schema.oid)) {
      for (const i of t.hiddenRowId ? t.indexes : [t.primary, ...t.indexes]) out.push(indexRow(t, i));
    }
  }
  return out;
}

export const PG_INDEX: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_index',
  oid: 2610,
  columns: typedColumns(
    'indexrelid:oid indrelid:oid indnatts:int2 indnkeyatts:int2 indisunique:bool indnullsnotdistinct:bool indisprimary:bool ' +
      'indisexclusion:bool indimmediate:bool indisclustered:bool indisvalid:bool indcheckxmin:bool indisready:bool indislive:bool ' +
      'indisreplident:bool indkey:int2vector indcollation:oidvector indclass:oidvector indoption:int2vector indexprs:text indpred:text',
  ),
  rows,
};
