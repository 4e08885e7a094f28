/**
 * pg_catalog.pg_attrdef: one row per column default. The row's oid is derived from the table oid
 * and attnum (defaults have no oid of their own in stratadb's catalog): stable while both exist.
 *
 * - adbin: see stored-expr-text.ts (typed with the column's type so constants print as PostgreSQL
 *   coerces them, e.g. 'x'::text).
 */
import type { Catalog } from '../catalog.js';
import type { Value } from '../types/sql-type.js';
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';
import { storedExprText } from './stored-expr-text.js';

/** The oid of a column default's pg_attrdef row. */
export function attrdefOid(tableOid: number, attnum: number): number {
  return (tableOid * 1600 + attnum) >>> 0;
}

function rows(catalog: Catalog, db: number): Value[][] {
  const out: Value[][] = [];
  for (const schema of catalog.schemasOf(db)) {
    for (const t of catalog.tablesIn(schema.oid)) {
      for (const c of t.columns) {
        if (c.dropped || c.default === undefined) continue;
        out.push([attrdefOid(t.oid, c.attnum), t.oid, c.attnum, storedExprText(c.default, c.typeOid)]);
      }
    }
  }
  return out;
}

export const PG_ATTRDEF: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_attrdef',
  oid: 2604,
  columns: typedColumns('oid:oid adrelid:oid adnum:int2 adbin:text'),
  rows,
};
