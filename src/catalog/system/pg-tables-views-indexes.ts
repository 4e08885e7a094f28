/**
 * The pg_catalog convenience views pg_tables, pg_views and pg_indexes (PostgreSQL 15's columns)
 * over the current database's schemas.
 *
 * - pg_views.definition is pg_get_viewdef's text under the reader's search path, printed by the
 *   SQL layer through SystemTableContext.viewDefinition (NULL where that cannot print the view).
 * - pg_tables.hastriggers: tables on either side of a foreign key (PostgreSQL enforces those with
 *   triggers).
 * - pg_indexes.indexdef schema-qualifies the table, as pg_get_indexdef without pretty does.
 */
import type { Catalog } from '../catalog.js';
import type { Value } from '../types/sql-type.js';
import type { SystemTable, SystemTableContext } from './system-table.js';
import { typedColumns } from './typed-columns.js';
import { createIndexText } from './index-definition.js';
import { quoteIdentifier } from './quote-identifier.js';

function ownerName(catalog: Catalog, oid: number): string | null {
  return catalog.roles().find((r) => r.oid === oid)?.name ?? null;
}

function tableRows(catalog: Catalog, db: number): Value[][] {
  const tables = catalog.schemasOf(db).flatMap((s) => catalog.tablesIn(s.oid).map((t) => ({ schema: s.name, t })));
  const withTriggers = new Set<number>();
  for (const { t } of tables) {
    for (const c of t.constraints) {
      if (c.references === undefined) continue;
      withTriggers.add(t.oid);
      withTriggers.add(c.references.tableOid);
    }
  }
  return tables.map(({ schema, t }) => [
    schema, t.name, ownerName(catalog, t.ownerOid), null, !t.hiddenRowId || t.indexes.length > 0, false, withTriggers.has(t.oid), false,
  ]);
}

function viewRows(catalog: Catalog, db: number, context?: SystemTableContext): Value[][] {
  return catalog.schemasOf(db).flatMap((s) =>
    catalog.relationsIn(s.oid)
      .filter((r) => r.kind === 'view')
      .map((v) => [s.name, v.name, ownerName(catalog, v.ownerOid), context?.viewDefinition?.(catalog, db, v.oid) ?? null]),
  );
}

function indexRows(catalog: Catalog, db: number): Value[][] {
  const out: Value[][] = [];
  for (const s of catalog.schemasOf(db)) {
    for (const t of catalog.tablesIn(s.oid)) {
      const tableText = `${quoteIdentifier(s.name)}.${quoteIdentifier(t.name)}`;
      for (const i of t.hiddenRowId ? t.indexes : [t.primary, ...t.indexes]) out.push([s.name, t.name, i.name, null, createIndexText(t, i, tableText)]);
    }
  }
  return out;
}

export const PG_TABLES: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_tables',
  oid: 0,
  columns: typedColumns('schemaname:name tablename:name tableowner:name tablespace:name hasindexes:bool hasrules:bool hastriggers:bool rowsecurity:bool'),
  rows: tableRows,
};

export const PG_VIEWS: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_views',
  oid: 0,
  columns: typedColumns('schemaname:name viewname:name viewowner:name definition:text'),
  rows: viewRows,
};

export const PG_INDEXES: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_indexes',
  oid: 0,
  columns: typedColumns('schemaname:name tablename:name indexname:name tablespace:name indexdef:text'),
  rows: indexRows,
};
