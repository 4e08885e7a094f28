/**
 * ALTER TABLE [IF EXISTS] t: ADD COLUMN, DROP COLUMN, ALTER COLUMN SET/DROP DEFAULT,
 * SET/DROP NOT NULL, ALTER COLUMN ADD GENERATED AS IDENTITY, ADD CONSTRAINT (PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY — validated against
 * the existing rows unless a CHECK or FOREIGN KEY is NOT VALID), VALIDATE CONSTRAINT, ALTER CONSTRAINT
 * (a foreign key's deferrability), DROP CONSTRAINT. Each command sees the table as left by the previous one;
 * the descriptor is written once at the end. Other subcommands are 0A000.
 */
import { columnFields } from '../exec/violation-fields.js';
import type { AlterTableCmd, AlterTableStmt, ColumnDef, Constraint, Node } from '../parse.js';
import type { ConstraintDesc, TableDesc } from '../../catalog/descriptors.js';
import type { Value } from '../../catalog/types/sql-type.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { notSupported, undefinedTable } from '../bind/bind-errors.js';
import { lookupRelation } from '../bind/names.js';
import { compileExpr } from '../exec/compile-expr.js';
import type { BoundExpr } from '../bind/bound-expr.js';
import { bindExpr } from '../bind/bind-expr.js';
import { coerce, resolveTypeName, typeOfOid } from '../bind/resolve.js';
import { bindColumnDefault, tableScope } from '../bind/table-exprs.js';
import type { DdlContext } from './ddl-context.js';
import { TableBuilder } from './table-builder.js';
import { alterConstraint, type AlterConstraintDef } from './alter-constraint.js';
import { deleteIndexData, readAllRows, rewriteTable, buildIndex } from './table-data.js';
import { valueFormatter } from './ddl-format.js';
import { referencingForeignKeys } from './dependencies.js';
import { validateConstraint, validateNamedConstraint, type RowIdSource } from './validate-constraints.js';

export function alterTable(ctx: DdlContext, s: AlterTableStmt, rowIds: RowIdSource): string {
  if (s.objtype !== undefined && s.objtype !== 'OBJECT_TABLE') throw notSupported(`ALTER ${String(s.objtype).replace('OBJECT_', '')}`);
  const rv = s.relation ?? {};
  const rel = lookupRelation(ctx.bind, { schema: rv.schemaname, name: rv.relname ?? '' });
  if (rel === undefined) {
    if (s.missing_ok === true) {
      ctx.notice(`relation "${rv.relname}" does not exist, skipping`);
      return 'ALTER TABLE';
    }
    throw undefinedTable(rv.relname ?? '', rv.location);
  }
  if (rel.kind !== 'table') throw new SqlError('42809', `"${rel.name}" is not a table`);
  let table: TableDesc = rel;
  for (const n of s.cmds ?? []) table = applyCommand(ctx, table, (n as { AlterTableCmd: AlterTableCmd }).AlterTableCmd, rowIds);
  ctx.writer.put(table);
  return 'ALTER TABLE';
}

function applyCommand(ctx: DdlContext, table: TableDesc, cmd: AlterTableCmd, rowIds: RowIdSource): TableDesc {
  switch (cmd.subtype) {
    case 'AT_AddColumn':
      return addColumn(ctx, table, (cmd.def as { ColumnDef: ColumnDef }).ColumnDef, cmd.missing_ok === true, rowIds);
    case 'AT_DropColumn':
      return dropColumn(ctx, table, cmd.name ?? '', cmd.missing_ok === true, cmd.behavior === 'DROP_CASCADE');
    case 'AT_ColumnDefault': {
      const b = new TableBuilder(ctx, table.schemaOid, table.name, table.oid, table);
      b.setDefault(requireColumn(table, cmd.name ?? '').name, cmd.def);
      return b.snapshot();
    }
    case 'AT_SetNotNull':
      return setNotNull(ctx, table, cmd.name ?? '');
    case 'AT_DropNotNull': {
      const col = requireColumn(table, cmd.name ?? '');
      if (!table.hiddenRowId && table.primary.columns.some((c) => c.attnum === col.attnum)) {
        throw new SqlError('42P16', `column "${col.name}" is in a primary key`);
      }
      return { ...table, columns: table.columns.map((c) => (c === col ? { ...c, notNull: false } : c)) };
    }
    case 'AT_AddConstraint':
      return addConstraint(ctx, table, (cmd.def as { Constraint: Constraint }).Constraint, rowIds);
    case 'AT_AlterColumnType':
      return alterColumnType(ctx, table, cmd.name ?? '', (cmd.def as { ColumnDef: ColumnDef }).ColumnDef, rowIds);
    case 'AT_AlterConstraint':
      return alterConstraint(table, (cmd.def as { ATAlterConstraint?: AlterConstraintDef }).ATAlterConstraint ?? {});
    case 'AT_ValidateConstraint':
      return validateNamedConstraint(ctx, table, cmd.name ?? '', rowIds);
    case 'AT_DropConstraint':
      return dropConstraint(ctx, table, cmd.name ?? '', cmd.missing_ok === true, rowIds);
    case 'AT_AddIdentity':
      return addIdentity(ctx, table, cmd.name ?? '', (cmd.def as { Constraint: Constraint }).Constraint);
    default:
      throw notSupported(`ALTER TABLE ${String(cmd.subtype).replace('AT_', '')}`);
  }
}

/** ALTER COLUMN c ADD GENERATED … AS IDENTITY [(sequence options)] (pg_dump's form for identity columns). */
function addIdentity(ctx: DdlContext, table: TableDesc, name: string, c: Constraint): TableDesc {
  const col = requireColumn(table, name);
  if (!col.notNull) throw new SqlError('55000', `column "${name}" of relation "${table.name}" must be declared NOT NULL before identity can be added`);
  if (col.identity !== '') throw new SqlError('55000', `column "${name}" of relation "${table.name}" is already an identity column`);
  if (col.default !== undefined) throw new SqlError('55000', `column "${name}" of relation "${table.name}" already has a default value`);
  const b = new TableBuilder(ctx, table.schemaOid, table.name, table.oid, table);
  b.addConstraint(c, col.name);
  for (const seq of b.sequences) ctx.writer.put(seq);
  return b.snapshot();
}

function requireColumn(table: TableDesc, name: string): TableDesc['columns'][number] {
  const col = table.columns.find((c) => !c.dropped && c.name === name);
  if (col === undefined) throw new SqlError(SQLSTATE.undefinedColumn, `column "${name}" of relation "${table.name}" does not exist`);
  return col;
}

function addColumn(ctx: DdlContext, table: TableDesc, def: ColumnDef, ifNotExists: boolean, rowIds: RowIdSource): TableDesc {
  if (table.columns.some((c) => !c.dropped && c.name === def.colname)) {
    if (ifNotExists) {
      ctx.notice(`column "${def.colname}" of relation "${table.name}" already exists, skipping`);
      return table;
    }
    throw new SqlError(SQLSTATE.duplicateColumn, `column "${def.colname}" of relation "${table.name}" already exists`);
  }
  const b = new TableBuilder(ctx, table.schemaOid, table.name, table.oid, table);
  const col = b.addColumn(def);
  for (const seq of b.sequences) ctx.writer.put(seq);
  const after = b.snapshot();
  // Existing rows get the column's default (evaluated per row, as PostgreSQL does for volatile ones).
  const rows = readAllRows(ctx.txn, table);
  if (rows.length === 0) return after;
  const slot = after.columns.length - 1;
  const evaluate = compileExpr(bindColumnDefault({ ...ctx.bind, catalog: ctx.catalog }, after, col));
  const execCtx = rowIds.execContext(ctx);
  rewriteTable(ctx.txn, table, after, (row) => {
    const v = evaluate([], execCtx);
    if (v === null && col.notNull) {
      throw new SqlError(SQLSTATE.notNullViolation, `column "${col.name}" of relation "${table.name}" contains null values`, columnFields(ctx.catalog, table, col.name));
    }
    const out: Value[] = [...row];
    out[slot] = v;
    return out;
  }, () => rowIds.nextRowId(), valueFormatter(after, ctx));
  return after;
}

/**
 * ALTER COLUMN … TYPE t [USING expr]: every row is converted (assignment cast, or the USING
 * expression over the old row) and rewritten; indexes on the column are rebuilt.
 */
function alterColumnType(ctx: DdlContext, table: TableDesc, name: string, def: ColumnDef, rowIds: RowIdSource): TableDesc {
  const col = requireColumn(table, name);
  if (def.collClause !== undefined) throw notSupported('COLLATE in ALTER COLUMN TYPE');
  const { type, typmod } = resolveTypeName(ctx.bind, def.typeName ?? {});
  const slot = table.columns.indexOf(col);
  const scope = tableScope(table, table.name);
  const env = { ctx: ctx.bind, scope, aggs: undefined, clause: 'transform expressions' };
  const source: BoundExpr = def.raw_default !== undefined
    ? bindExpr(def.raw_default, env)
    : { kind: 'column', slot, type: typeOfOid(col.typeOid), typmod: col.typmod, name, tableOid: table.oid, attnum: col.attnum };
  let converted: BoundExpr;
  try {
    converted = coerce(ctx.bind, source, type, typmod, 'assignment');
  } catch (error) {
    if (!(error instanceof SqlError) || error.code !== SQLSTATE.datatypeMismatch) throw error;
    throw new SqlError(SQLSTATE.datatypeMismatch, `column "${name}" cannot be cast automatically to type ${type.sqlName}`, {
      hint: `You might need to specify "USING ${name}::${type.sqlName}".`,
    });
  }
  const after: TableDesc = { ...table, columns: table.columns.map((c) => (c === col ? { ...c, typeOid: type.oid, typmod } : c)) };
  const evaluate = compileExpr(converted);
  const execCtx = rowIds.execContext(ctx);
  rewriteTable(ctx.txn, table, after, (row) => {
    const out = [...row];
    out[slot] = evaluate(row, execCtx);
    if (out[slot] === null && col.notNull) {
      throw new SqlError(SQLSTATE.notNullViolation, `column "${name}" of relation "${table.name}" contains null values`, columnFields(ctx.catalog, table, name));
    }
    return out;
  }, () => rowIds.nextRowId(), valueFormatter(after, ctx));
  return after;
}

function dropColumn(ctx: DdlContext, table: TableDesc, name: string, missingOk: boolean, cascade: boolean): TableDesc {
  const col = table.columns.find((c) => !c.dropped && c.name === name);
  if (col === undefined) {
    if (missingOk) {
      ctx.notice(`column "${name}" of relation "${table.name}" does not exist, skipping`);
      return table;
    }
    throw new SqlError(SQLSTATE.undefinedColumn, `column "${name}" of relation "${table.name}" does not exist`);
  }
  if (!table.hiddenRowId && table.primary.columns.some((c) => c.attnum === col.attnum)) {
    throw notSupported('dropping a primary key column');
  }
  for (const fk of referencingForeignKeys(ctx.catalog, table)) {
    if (!fk.constraint.references?.attnums.includes(col.attnum)) continue;
    if (!cascade) {
      throw new SqlError(SQLSTATE.dependentObjectsStillExist, `cannot drop column ${name} of table ${table.name} because other objects depend on it`, {
        detail: `constraint ${fk.constraint.name} on table ${fk.table.name} depends on column ${name} of table ${table.name}`,
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    ctx.notice(`drop cascades to constraint ${fk.constraint.name} on table ${fk.table.name}`);
    ctx.writer.put({ ...fk.table, constraints: fk.table.constraints.filter((c) => c !== fk.constraint) });
  }
  const usesColumn = (attnums: readonly number[]): boolean => attnums.includes(col.attnum);
  const droppedIndexes = table.indexes.filter((i) => usesColumn(i.columns.map((c) => c.attnum)));
  for (const index of droppedIndexes) deleteIndexData(ctx.txn, table, index);
  for (const d of ctx.catalog.all()) {
    if (d.kind === 'sequence' && d.ownedBy?.tableOid === table.oid && d.ownedBy.attnum === col.attnum) ctx.writer.remove(d.oid);
  }
  return {
    ...table,
    columns: table.columns.map((c) => (c === col ? { ...c, dropped: true, name: `........pg.dropped.${c.attnum}........`, notNull: false, default: undefined } : c)),
    indexes: table.indexes.filter((i) => !droppedIndexes.includes(i)),
    constraints: table.constraints.filter((c) => !usesColumn(c.attnums) && !(c.kind === 'c' && mentionsColumn(c.check?.tree, name))),
  };
}

function mentionsColumn(node: unknown, name: string): boolean {
  if (node === null || typeof node !== 'object') return false;
  if ('ColumnRef' in node) {
    const f = (node as { ColumnRef: { fields?: Array<{ String?: { sval?: string } }> } }).ColumnRef.fields ?? [];
    return f[f.length - 1]?.String?.sval === name;
  }
  return Object.values(node).some((v) => mentionsColumn(v, name));
}

function setNotNull(ctx: DdlContext, table: TableDesc, name: string): TableDesc {
  const col = requireColumn(table, name);
  const slot = table.columns.indexOf(col);
  if (readAllRows(ctx.txn, table).some((r) => r[slot] === null)) {
    throw new SqlError(SQLSTATE.notNullViolation, `column "${name}" of relation "${table.name}" contains null values`, columnFields(ctx.catalog, table, name));
  }
  return { ...table, columns: table.columns.map((c) => (c === col ? { ...c, notNull: true } : c)) };
}

function addConstraint(ctx: DdlContext, table: TableDesc, c: Constraint, rowIds: RowIdSource): TableDesc {
  const b = new TableBuilder(ctx, table.schemaOid, table.name, table.oid, table);
  if (c.conname !== undefined && table.constraints.some((x) => x.name === c.conname)) {
    throw new SqlError(SQLSTATE.duplicateObject, `constraint "${c.conname}" for relation "${table.name}" already exists`);
  }
  b.addConstraint(c);
  const after = b.snapshot();
  const format = valueFormatter(after, ctx);
  if (c.contype === 'CONSTR_PRIMARY') {
    const slots = after.primary.columns.map((ic) => after.columns.findIndex((col) => col.attnum === ic.attnum));
    rewriteTable(ctx.txn, table, after, (row) => {
      for (const s of slots) {
        if (row[s] === null) {
          const column = after.columns[s]?.name ?? '';
          throw new SqlError(SQLSTATE.notNullViolation, `column "${column}" of relation "${table.name}" contains null values`, columnFields(ctx.catalog, table, column));
        }
      }
      return row;
    }, () => rowIds.nextRowId(), format);
  } else if (c.contype === 'CONSTR_UNIQUE') {
    buildIndex(ctx.txn, after, after.indexes[after.indexes.length - 1] as TableDesc['indexes'][number], format);
  } else if (c.contype === 'CONSTR_CHECK' || c.contype === 'CONSTR_FOREIGN') {
    const added = after.constraints[after.constraints.length - 1] as ConstraintDesc;
    // NOT VALID: existing rows are checked later, by VALIDATE CONSTRAINT.
    if (c.skip_validation === true) return { ...after, constraints: after.constraints.map((x) => (x === added ? { ...x, notValid: true as const } : x)) };
    validateConstraint(ctx, after, added, rowIds);
  }
  return after;
}

function dropConstraint(ctx: DdlContext, table: TableDesc, name: string, missingOk: boolean, rowIds: RowIdSource): TableDesc {
  const c = table.constraints.find((x) => x.name === name);
  if (c === undefined) {
    if (missingOk) {
      ctx.notice(`constraint "${name}" of relation "${table.name}" does not exist, skipping`);
      return table;
    }
    throw new SqlError(SQLSTATE.undefinedObject, `constraint "${name}" of relation "${table.name}" does not exist`);
  }
  const constraints = table.constraints.filter((x) => x !== c);
  if (c.kind === 'u') {
    const index = table.indexes.find((i) => i.oid === c.indexOid);
    if (index !== undefined) deleteIndexData(ctx.txn, table, index);
    return { ...table, constraints, indexes: table.indexes.filter((i) => i !== index) };
  }
  if (c.kind === 'p') {
    const after: TableDesc = { ...table, constraints, hiddenRowId: true, primary: { oid: 0, name: '', indexNo: 1, columns: [], unique: true, primary: true } };
    rewriteTable(ctx.txn, table, after, (row) => row, () => rowIds.nextRowId(), valueFormatter(after, ctx));
    return after;
  }
  return { ...table, constraints };
}

export type { Node };
