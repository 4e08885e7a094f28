/**
 * COMMENT ON {SCHEMA | TABLE | VIEW | SEQUENCE | INDEX | COLUMN | CONSTRAINT … ON} … IS 'text' | NULL:
 * the comments pg_dump writes and psql's \d+, \dt+ and \dn+ show (pg_description).
 *
 * - The comment is stored on the object's descriptor (descriptors.ts), so it is transactional and
 *   goes away with the object. NULL or '' removes it, as in PostgreSQL.
 * - Errors follow PostgreSQL: 42P01 / 42703 / 42704 / 3F000 for a missing object, 42809 when the
 *   name is not of the kind the statement says. Other object kinds are 0A000.
 */
import type { CommentStmt, Node } from '../parse.js';
import type { ColumnDesc, RelationDesc, TableDesc } from '../../catalog/descriptors.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { notSupported, undefinedTable } from '../bind/bind-errors.js';
import { lookupRelation, schemaByName, type QualifiedName } from '../bind/names.js';
import { stringList } from '../bind/ast-util.js';
import type { DdlContext } from './ddl-context.js';

const RELATION_KINDS: Readonly<Record<string, RelationDesc['kind']>> = { OBJECT_TABLE: 'table', OBJECT_VIEW: 'view', OBJECT_SEQUENCE: 'sequence' };

function qualified(parts: readonly string[]): QualifiedName {
  return { schema: parts.length >= 2 ? parts[parts.length - 2] : undefined, name: parts[parts.length - 1] ?? '' };
}

function relation(ctx: DdlContext, parts: readonly string[]): RelationDesc {
  const q = qualified(parts);
  const rel = lookupRelation(ctx.bind, q);
  if (rel === undefined) throw undefinedTable(q.schema === undefined ? q.name : `${q.schema}.${q.name}`, undefined);
  return rel;
}

function withComment<T extends { readonly comment?: string }>(object: T, comment: string | undefined): T {
  const { comment: _old, ...rest } = object;
  return (comment === undefined ? rest : { ...rest, comment }) as T;
}

function commentColumn(ctx: DdlContext, parts: readonly string[], comment: string | undefined): void {
  const rel = relation(ctx, parts.slice(0, -1));
  const name = parts[parts.length - 1] ?? '';
  if (rel.kind === 'sequence') {
    throw new SqlError('42809', `cannot set comment on relation "${rel.name}"`, { detail: 'This operation is not supported for sequences.' });
  }
  const col = rel.columns.find((c) => c.name === name && !c.dropped);
  if (col === undefined) throw new SqlError(SQLSTATE.undefinedColumn, `column "${name}" of relation "${rel.name}" does not exist`);
  const columns: ColumnDesc[] = rel.columns.map((c) => (c === col ? withComment(c, comment) : c));
  ctx.writer.put({ ...rel, columns });
}

function commentIndex(ctx: DdlContext, parts: readonly string[], comment: string | undefined): void {
  const q = qualified(parts);
  const schemas = q.schema === undefined ? ctx.bind.searchPath : [q.schema];
  for (const s of schemas) {
    const schema = schemaByName(ctx.bind, s);
    const found = schema === undefined ? undefined : ctx.catalog.indexByName(schema.oid, q.name);
    if (found === undefined) continue;
    const t = found.table;
    const update = (i: TableDesc['primary']): TableDesc['primary'] => (i.oid === found.indexOid ? withComment(i, comment) : i);
    ctx.writer.put({ ...t, primary: update(t.primary), indexes: t.indexes.map(update) });
    return;
  }
  const rel = lookupRelation(ctx.bind, q);
  if (rel !== undefined) throw new SqlError('42809', `"${rel.name}" is not an index`);
  throw undefinedTable(q.schema === undefined ? q.name : `${q.schema}.${q.name}`, undefined);
}

function commentConstraint(ctx: DdlContext, parts: readonly string[], comment: string | undefined): void {
  const rel = relation(ctx, parts.slice(0, -1));
  const name = parts[parts.length - 1] ?? '';
  const c = rel.kind === 'table' ? rel.constraints.find((x) => x.name === name) : undefined;
  if (rel.kind !== 'table' || c === undefined) throw new SqlError(SQLSTATE.undefinedObject, `constraint "${name}" for table "${rel.name}" does not exist`);
  ctx.writer.put({ ...rel, constraints: rel.constraints.map((x) => (x === c ? withComment(x, comment) : x)) });
}

function commentRelation(ctx: DdlContext, kind: RelationDesc['kind'], parts: readonly string[], comment: string | undefined): void {
  const rel = relation(ctx, parts);
  if (rel.kind !== kind) throw new SqlError('42809', `"${rel.name}" is not a ${kind}`);
  ctx.writer.put(withComment(rel, comment));
}

export function commentOn(ctx: DdlContext, s: CommentStmt): string {
  const comment = s.comment === undefined || s.comment === '' ? undefined : s.comment;
  const object = s.object as Node | undefined;
  const parts = object !== undefined && 'String' in object ? [object.String.sval ?? ''] : stringList((object as { List?: { items?: Node[] } } | undefined)?.List?.items);
  const objtype = String(s.objtype);
  const relationKind = RELATION_KINDS[objtype];
  if (relationKind !== undefined) commentRelation(ctx, relationKind, parts, comment);
  else if (objtype === 'OBJECT_COLUMN') commentColumn(ctx, parts, comment);
  else if (objtype === 'OBJECT_INDEX') commentIndex(ctx, parts, comment);
  else if (objtype === 'OBJECT_TABCONSTRAINT') commentConstraint(ctx, parts, comment);
  else if (objtype === 'OBJECT_SCHEMA') {
    const schema = schemaByName(ctx.bind, parts[0] ?? '');
    if (schema === undefined) throw new SqlError(SQLSTATE.invalidSchemaName, `schema "${parts[0] ?? ''}" does not exist`);
    ctx.writer.put(withComment(schema, comment));
  } else throw notSupported(`COMMENT ON ${objtype.replace('OBJECT_', '')}`);
  return 'COMMENT';
}
