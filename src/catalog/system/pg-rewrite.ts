/**
 * pg_catalog.pg_rewrite: the ON SELECT rule ('_RETURN') that every view is in PostgreSQL. pg_dump
 * orders a view after the tables it reads through this rule's dependencies (pg_depend), and psql
 * skips '_RETURN' rules when it lists a view's rules.
 *
 * - A view's rule has the view's own oid (unique within pg_rewrite, since views are unique in
 *   pg_class): stable for the life of the view.
 * - ev_qual / ev_action hold no node trees: stratadb keeps the view's query in its descriptor.
 */
import type { Catalog } from '../catalog.js';
import type { ViewDesc } from '../descriptors.js';
import type { Value } from '../types/sql-type.js';
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

export function viewRuleOid(view: ViewDesc): number {
  return view.oid;
}

function rows(catalog: Catalog, db: number): Value[][] {
  const out: Value[][] = [];
  for (const schema of catalog.schemasOf(db)) {
    for (const r of catalog.relationsIn(schema.oid)) {
      if (r.kind === 'view') out.push([viewRuleOid(r), '_RETURN', r.oid, '1', 'O', true, '<>', '']);
    }
  }
  return out;
}

export const PG_REWRITE: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_rewrite',
  oid: 2618,
  columns: typedColumns('oid:oid rulename:name ev_class:oid ev_type:char ev_enabled:char is_instead:bool ev_qual:text ev_action:text'),
  rows,
};
