/**
 * ALTER … RENAME: tables, views, sequences and indexes (RENAME TO), columns (RENAME COLUMN, also
 * rewriting the table's stored defaults and CHECK expressions that name the column), table
 * constraints, schemas, roles.
 */
import type { RenameStmt } from '../parse.js';
import type { TableDesc } from '../../catalog/descriptors.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { notSupported, undefinedTable } from '../bind/bind-errors.js';
import { lookupRelation, schemaByName } from '../bind/names.js';
import type { DdlContext } from './ddl-context.js';
import { duplicateRelation, relationNameTaken } from './ddl-names.js';
import { renameColumnRefs } from './dependencies.js';

export function rename(ctx: DdlContext, s: RenameStmt): string {
  const newName = s.newname ?? '';
  switch (s.renameType) {
    case 'OBJECT_TABLE':
    case 'OBJECT_VIEW':
    case 'OBJECT_SEQUENCE':
      return renameRelation(ctx, s, newName);
    case 'OBJECT_INDEX':
      return renameIndex(ctx, s, newName);
    case 'OBJECT_COLUMN':
      return renameColumn(ctx, s, newName);
    case 'OBJECT_TABCONSTRAINT':
      return renameConstraint(ctx, s, newName);
    case 'OBJECT_SCHEMA': {
      const schema = schemaByName(ctx.bind, s.subname ?? '');
      if (schema === undefined) throw new SqlError(SQLSTATE.invalidSchemaName, `schema "${s.subname}" does not exist`);
      if (schemaByName(ctx.bind, newName) !== undefined) throw new SqlError(SQLSTATE.duplicateSchema, `schema "${newName}" already exists`);
      ctx.writer.put({ ...schema, name: newName });
      return 'ALTER SCHEMA';
    }
    case 'OBJECT_ROLE': {
      const role = ctx.catalog.role(s.subname ?? '');
      if (role === undefined) throw new SqlError(SQLSTATE.undefinedObject, `role "${s.subname}" does not exist`);
      if (ctx.catalog.role(newName) !== undefined) throw new SqlError(SQLSTATE.duplicateObject, `role "${newName}" already exists`);
      ctx.writer.put({ ...role, name: newName, password: role.password?.startsWith('md5') === true ? undefined : role.password });
      if (role.password?.startsWith('md5') === true) ctx.notice('MD5 password cleared because of role rename');
      return 'ALTER ROLE';
    }
    default:
      throw notSupported(`ALTER ${String(s.renameType).replace('OBJECT_', '')} RENAME`);
  }
}

function targetTable(ctx: DdlContext, s: RenameStmt): TableDesc | undefined {
  const rv = s.relation ?? {};
  const rel = lookupRelation(ctx.bind, { schema: rv.schemaname, name: rv.relname ?? '' });
  if (rel === undefined) {
    if (s.missing_ok === true) {
      ctx.notice(`relation "${rv.relname}" does not exist, skipping`);
      return undefined;
    }
    throw undefinedTable(rv.relname ?? '', rv.location);
  }
  if (rel.kind !== 'table') throw new SqlError('42809', `"${rel.name}" is not a table`);
  return rel;
}

function renameRelation(ctx: DdlContext, s: RenameStmt, newName: string): string {
  const rv = s.relation ?? {};
  const rel = lookupRelation(ctx.bind, { schema: rv.schemaname, name: rv.relname ?? '' });
  const tag = s.renameType === 'OBJECT_VIEW' ? 'ALTER VIEW' : s.renameType === 'OBJECT_SEQUENCE' ? 'ALTER SEQUENCE' : 'ALTER TABLE';
  if (rel === undefined) {
    if (s.missing_ok === true) {
      ctx.notice(`relation "${rv.relname}" does not exist, skipping`);
      return tag;
    }
    throw undefinedTable(rv.relname ?? '', rv.location);
  }
  if (relationNameTaken(ctx.catalog, rel.schemaOid, newName)) throw duplicateRelation(newName);
  ctx.writer.put({ ...rel, name: newName });
  return tag;
}

function renameIndex(ctx: DdlContext, s: RenameStmt, newName: string): string {
  const rv = s.relation ?? {};
  for (const schemaName of rv.schemaname !== undefined ? [rv.schemaname] : ctx.bind.searchPath) {
    const schema = schemaByName(ctx.bind, schemaName);
    if (schema === undefined) continue;
    const found = ctx.catalog.indexByName(schema.oid, rv.relname ?? '');
    if (found === undefined) continue;
    if (relationNameTaken(ctx.catalog, schema.oid, newName)) throw duplicateRelation(newName);
    const t = found.table;
    const renameIdx = <T extends { oid: number; name: string }>(i: T): T => (i.oid === found.indexOid ? { ...i, name: newName } : i);
    ctx.writer.put({
      ...t,
      primary: renameIdx(t.primary),
      indexes: t.indexes.map(renameIdx),
      constraints: t.constraints.map((c) => (c.indexOid === found.indexOid ? { ...c, name: newName } : c)),
    });
    return 'ALTER INDEX';
  }
  if (s.missing_ok === true) return 'ALTER INDEX';
  throw new SqlError(SQLSTATE.undefinedTable, `relation "${rv.relname}" does not exist`);
}

function renameColumn(ctx: DdlContext, s: RenameStmt, newName: string): string {
  const table = targetTable(ctx, s);
  if (table === undefined) return 'ALTER TABLE';
  const from = s.subname ?? '';
  const col = table.columns.find((c) => !c.dropped && c.name === from);
  if (col === undefined) throw new SqlError(SQLSTATE.undefinedColumn, `column "${from}" does not exist`);
  if (table.columns.some((c) => !c.dropped && c.name === newName)) {
    throw new SqlError(SQLSTATE.duplicateColumn, `column "${newName}" of relation "${table.name}" already exists`);
  }
  const fix = <T extends { tree: unknown; text: string } | undefined>(e: T): T => (e === undefined ? e : ({ ...e, tree: renameColumnRefs(e.tree, from, newName) } as T));
  ctx.writer.put({
    ...table,
    columns: table.columns.map((c) => (c === col ? { ...c, name: newName } : { ...c, default: fix(c.default) })),
    constraints: table.constraints.map((c) => ({ ...c, check: fix(c.check) })),
  });
  return 'ALTER TABLE';
}

function renameConstraint(ctx: DdlContext, s: RenameStmt, newName: string): string {
  const table = targetTable(ctx, s);
  if (table === undefined) return 'ALTER TABLE';
  const c = table.constraints.find((x) => x.name === s.subname);
  if (c === undefined) throw new SqlError(SQLSTATE.undefinedObject, `constraint "${s.subname}" for table "${table.name}" does not exist`);
  if (table.constraints.some((x) => x.name === newName)) {
    throw new SqlError(SQLSTATE.duplicateObject, `constraint "${newName}" for relation "${table.name}" already exists`);
  }
  const renameIdx = <T extends { oid: number; name: string }>(i: T): T => (i.oid === c.indexOid ? { ...i, name: newName } : i);
  ctx.writer.put({
    ...table,
    primary: renameIdx(table.primary),
    indexes: table.indexes.map(renameIdx),
    constraints: table.constraints.map((x) => (x === c ? { ...x, name: newName } : x)),
  });
  return 'ALTER TABLE';
}
