/**
 * information_schema.views and information_schema.sequences (PostgreSQL 15's columns).
 *
 * - views.view_definition is pg_get_viewdef's text (SystemTableContext.viewDefinition; NULL where
 *   it cannot print the view). Views are reported not updatable (they are not).
 * - sequences: numeric facts as text, as PostgreSQL's information_schema shows them; identity
 *   columns' sequences are left out, as PostgreSQL does.
 */
import type { Catalog } from '../catalog.js';
import type { Value } from '../types/sql-type.js';
import { formatType } from '../types/type-registry.js';
import type { SystemTable, SystemTableContext } from './system-table.js';
import { typedColumns } from './typed-columns.js';
import { typeFacts } from './info-columns.js';

function dbName(catalog: Catalog, db: number): string {
  return catalog.databases().find((d) => d.oid === db)?.name ?? '';
}

function viewRows(catalog: Catalog, db: number, context?: SystemTableContext): Value[][] {
  const out: Value[][] = [];
  const name = dbName(catalog, db);
  for (const s of catalog.schemasOf(db)) {
    for (const r of catalog.relationsIn(s.oid)) {
      if (r.kind !== 'view') continue;
      out.push([name, s.name, r.name, context?.viewDefinition?.(catalog, db, r.oid) ?? null, 'NONE', 'NO', 'NO', 'NO', 'NO', 'NO']);
    }
  }
  return out;
}

/** Identity columns' sequences are internal in PostgreSQL: information_schema.sequences omits them. */
function isIdentitySequence(catalog: Catalog, ownedBy: { readonly tableOid: number; readonly attnum: number } | undefined): boolean {
  if (ownedBy === undefined) return false;
  return (catalog.table(ownedBy.tableOid)?.columns[ownedBy.attnum - 1]?.identity ?? '') !== '';
}

function sequenceRows(catalog: Catalog, db: number): Value[][] {
  const out: Value[][] = [];
  const name = dbName(catalog, db);
  for (const s of catalog.schemasOf(db)) {
    for (const r of catalog.relationsIn(s.oid)) {
      if (r.kind !== 'sequence' || isIdentitySequence(catalog, r.ownedBy)) continue;
      const [, , precision, radix, scale] = typeFacts(r.typeOid, -1);
      out.push([
        name, s.name, r.name, formatType(r.typeOid, -1), precision ?? null, radix ?? null, scale ?? null, r.start.toString(),
        r.min.toString(), r.max.toString(), r.increment.toString(), r.cycle ? 'YES' : 'NO',
      ]);
    }
  }
  return out;
}

export const INFO_VIEWS: SystemTable = {
  schema: 'information_schema',
  name: 'views',
  oid: 0,
  columns: typedColumns(
    'table_catalog:name table_schema:name table_name:name view_definition:varchar check_option:varchar is_updatable:varchar ' +
      'is_insertable_into:varchar is_trigger_updatable:varchar is_trigger_deletable:varchar is_trigger_insertable_into:varchar',
  ),
  rows: viewRows,
};

export const INFO_SEQUENCES: SystemTable = {
  schema: 'information_schema',
  name: 'sequences',
  oid: 0,
  columns: typedColumns(
    'sequence_catalog:name sequence_schema:name sequence_name:name data_type:varchar numeric_precision:int4 ' +
      'numeric_precision_radix:int4 numeric_scale:int4 start_value:varchar minimum_value:varchar maximum_value:varchar ' +
      'increment:varchar cycle_option:varchar',
  ),
  rows: sequenceRows,
};
