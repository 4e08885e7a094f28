/**
 * information_schema.table_constraints, key_column_usage and referential_constraints over the
 * tables' PRIMARY KEY / UNIQUE / FOREIGN KEY / CHECK constraints (PostgreSQL 15's columns).
 *
 * - NOT NULL columns also appear in table_constraints as CHECK constraints named
 *   `<namespace oid>_<table oid>_<attnum>_not_null`, as PostgreSQL 15 reports them.
 * - A foreign key's unique_constraint_* names the referenced table's constraint whose columns it
 *   references (primary key or unique constraint).
 */
import type { Catalog } from '../catalog.js';
import type { ConstraintDesc, TableDesc } from '../descriptors.js';
import type { Value } from '../types/sql-type.js';
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

const TYPE_NAMES: Record<string, string> = { p: 'PRIMARY KEY', u: 'UNIQUE', f: 'FOREIGN KEY', c: 'CHECK' };
const RULES: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

interface Owned {
  readonly db: string;
  readonly schema: string;
  readonly table: TableDesc;
}

function tablesOf(catalog: Catalog, db: number): Owned[] {
  const dbName = catalog.databases().find((d) => d.oid === db)?.name ?? '';
  return catalog.schemasOf(db).flatMap((s) => catalog.tablesIn(s.oid).map((table) => ({ db: dbName, schema: s.name, table })));
}

function schemaName(catalog: Catalog, oid: number): string {
  const d = catalog.descriptor(oid);
  return d?.kind === 'schema' ? d.name : '';
}

/** The referenced table's PRIMARY KEY or UNIQUE constraint a foreign key points at. */
export function referencedConstraint(catalog: Catalog, fk: ConstraintDesc): { table: TableDesc; constraint: ConstraintDesc } | undefined {
  const ref = fk.references;
  const target = ref === undefined ? undefined : catalog.table(ref.tableOid);
  if (ref === undefined || target === undefined) return undefined;
  const key = ref.attnums.join(',');
  const constraint = target.constraints.find((c) => (c.kind === 'p' || c.kind === 'u') && c.attnums.join(',') === key);
  return constraint === undefined ? undefined : { table: target, constraint };
}

function tableConstraintRows(catalog: Catalog, db: number): Value[][] {
  const out: Value[][] = [];
  for (const { db: dbName, schema, table } of tablesOf(catalog, db)) {
    for (const c of table.constraints) {
      out.push([
        dbName, schema, c.name, dbName, schema, table.name, TYPE_NAMES[c.kind] ?? c.kind, c.deferrable === true ? 'YES' : 'NO',
        c.initiallyDeferred === true ? 'YES' : 'NO', 'YES', c.kind === 'u' ? 'YES' : null,
      ]);
    }
    for (const col of table.columns) {
      if (col.dropped || !col.notNull) continue;
      const name = `${table.schemaOid}_${table.oid}_${col.attnum}_not_null`;
      out.push([dbName, schema, name, dbName, schema, table.name, 'CHECK', 'NO', 'NO', 'YES', null]);
    }
  }
  return out;
}

function keyColumnRows(catalog: Catalog, db: number): Value[][] {
  const out: Value[][] = [];
  for (const { db: dbName, schema, table } of tablesOf(catalog, db)) {
    for (const c of table.constraints) {
      if (c.kind === 'c') continue;
      const ref = c.kind === 'f' ? referencedConstraint(catalog, c) : undefined;
      c.attnums.forEach((attnum, i) => {
        const column = table.columns[attnum - 1]?.name ?? '';
        const unique = ref === undefined ? null : ref.constraint.attnums.indexOf(c.references?.attnums[i] ?? -1) + 1;
        out.push([dbName, schema, c.name, dbName, schema, table.name, column, i + 1, c.kind === 'f' ? unique : null]);
      });
    }
  }
  return out;
}

function referentialRows(catalog: Catalog, db: number): Value[][] {
  const out: Value[][] = [];
  for (const { db: dbName, schema, table } of tablesOf(catalog, db)) {
    for (const c of table.constraints) {
      if (c.kind !== 'f' || c.references === undefined) continue;
      const ref = referencedConstraint(catalog, c);
      const refSchema = ref === undefined ? null : schemaName(catalog, ref.table.schemaOid);
      out.push([
        dbName, schema, c.name, ref === undefined ? null : dbName, refSchema, ref?.constraint.name ?? null, c.references.match === 'f' ? 'FULL' : 'NONE',
        RULES[c.references.onUpdate] ?? 'NO ACTION', RULES[c.references.onDelete] ?? 'NO ACTION',
      ]);
    }
  }
  return out;
}

export const INFO_TABLE_CONSTRAINTS: SystemTable = {
  schema: 'information_schema',
  name: 'table_constraints',
  oid: 0,
  columns: typedColumns(
    'constraint_catalog:name constraint_schema:name constraint_name:name table_catalog:name table_schema:name table_name:name ' +
      'constraint_type:varchar is_deferrable:varchar initially_deferred:varchar enforced:varchar nulls_distinct:varchar',
  ),
  rows: tableConstraintRows,
};

export const INFO_KEY_COLUMN_USAGE: SystemTable = {
  schema: 'information_schema',
  name: 'key_column_usage',
  oid: 0,
  columns: typedColumns(
    'constraint_catalog:name constraint_schema:name constraint_name:name table_catalog:name table_schema:name table_name:name ' +
      'column_name:name ordinal_position:int4 position_in_unique_constraint:int4',
  ),
  rows: keyColumnRows,
};

export const INFO_REFERENTIAL_CONSTRAINTS: SystemTable = {
  schema: 'information_schema',
  name: 'referential_constraints',
  oid: 0,
  columns: typedColumns(
    'constraint_catalog:name constraint_schema:name constraint_name:name unique_constraint_catalog:name ' +
      'unique_constraint_schema:name unique_constraint_name:name match_option:varchar update_rule:varchar delete_rule:varchar',
  ),
  rows: referentialRows,
};
