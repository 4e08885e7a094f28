/**
 * pg_catalog.pg_constraint: PRIMARY KEY ('p'), UNIQUE ('u'), CHECK ('c') and FOREIGN KEY ('f')
 * constraints of the current database's tables (NOT NULL is a column property in PostgreSQL 15,
 * not a constraint row).
 *
 * - conbin holds the CHECK expression as pg_get_expr reads it (see pg-attrdef.ts: JSON of the
 *   stored tree); NULL for other kinds.
 * - conindid of a foreign key is the referenced table's unique index, as in PostgreSQL.
 * - confupdtype / confdeltype / confmatchtype are ' ' for non-foreign-key constraints, as in PostgreSQL.
 */
import type { Catalog } from '../catalog.js';
import type { ConstraintDesc, TableDesc } from '../descriptors.js';
import type { Value } from '../types/sql-type.js';
import { OID } from '../types/oids.js';
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';
import { storedExprText } from './stored-expr-text.js';
import { referencedConstraint } from './info-constraints.js';

const COLUMNS = typedColumns(
  'oid:oid conname:name connamespace:oid contype:char condeferrable:bool condeferred:bool convalidated:bool ' +
    'conrelid:oid contypid:oid conindid:oid conparentid:oid confrelid:oid confupdtype:char confdeltype:char ' +
    'confmatchtype:char conislocal:bool coninhcount:int4 connoinherit:bool conkey:int2[] confkey:int2[] confdelsetcols:int2[] conbin:text',
);

function row(catalog: Catalog, t: TableDesc, c: ConstraintDesc): Value[] {
  const fk = c.references;
  return [
    c.oid, c.name, t.schemaOid, c.kind, c.deferrable === true, c.initiallyDeferred === true, c.notValid !== true, t.oid, 0, c.indexOid ?? (c.kind === 'f' ? (referencedConstraint(catalog, c)?.constraint.indexOid ?? 0) : 0), 0, fk?.tableOid ?? 0,
    fk?.onUpdate ?? ' ', fk?.onDelete ?? ' ', fk === undefined ? ' ' : (fk.match ?? 's'), true, 0, false, [...c.attnums], fk === undefined ? null : [...fk.attnums],
    fk?.deleteSetAttnums === undefined ? null : [...fk.deleteSetAttnums],
    c.check === undefined ? null : storedExprText(c.check, OID.bool),
  ];
}

/** Every constraint of the database with its table, in table order. */
export function constraintsOf(catalog: Catalog, db: number): Array<{ table: TableDesc; constraint: ConstraintDesc }> {
  const out: Array<{ table: TableDesc; constraint: ConstraintDesc }> = [];
  for (const schema of catalog.schemasOf(db)) {
    for (const t of catalog.tablesIn(schema.oid)) for (const c of t.constraints) out.push({ table: t, constraint: c });
  }
  return out;
}

export const PG_CONSTRAINT: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_constraint',
  oid: 2606,
  columns: COLUMNS,
  rows: (catalog, db) => constraintsOf(catalog, db).map(({ table, constraint }) => row(catalog, table, constraint)),
};
