/**
 * CREATE TABLE [IF NOT EXISTS]: columns, column and table constraints (table-builder.ts), owned
 * sequences for SERIAL and identity columns. Inheritance, partitioning, typed tables, storage
 * options and temporary tables are rejected (0A000).
 */
import type { CreateStmt } from '../parse.js';
import { notSupported } from '../bind/bind-errors.js';
import { creationSchema } from '../bind/names.js';
import type { DdlContext } from './ddl-context.js';
import { duplicateRelation, relationNameTaken } from './ddl-names.js';
import { TableBuilder } from './table-builder.js';
import { nodeTag } from '../parse.js';

export function createTable(ctx: DdlContext, s: CreateStmt): string {
  if (s.inhRelations !== undefined) throw notSupported('INHERITS');
  if (s.partspec !== undefined || s.partbound !== undefined) throw notSupported('partitioned tables');
  if (s.ofTypename !== undefined) throw notSupported('typed tables (OF type)');
  if (s.options !== undefined) throw notSupported('storage parameters (WITH …)');
  if (s.relation?.relpersistence === 't') throw notSupported('temporary tables');
  if (s.relation?.relpersistence === 'u') throw notSupported('unlogged tables');
  if (s.tablespacename !== undefined) throw notSupported('TABLESPACE');
  const name = s.relation?.relname ?? '';
  const schema = creationSchema(ctx.bind, { schema: s.relation?.schemaname, name });
  if (relationNameTaken(ctx.catalog, schema.oid, name)) {
    if (s.if_not_exists === true) {
      ctx.notice(`relation "${name}" already exists, skipping`);
      return 'CREATE TABLE';
    }
    throw duplicateRelation(name);
  }
  const builder = new TableBuilder(ctx, schema.oid, name, ctx.writer.allocateOid());
  const elements = s.tableElts ?? [];
  for (const e of elements) {
    if ('ColumnDef' in e) builder.addColumn(e.ColumnDef);
    else if (!('Constraint' in e)) throw notSupported(nodeTag(e) === 'TableLikeClause' ? 'LIKE in CREATE TABLE' : nodeTag(e));
  }
  for (const e of elements) if ('Constraint' in e) builder.addConstraint(e.Constraint);
  ctx.writer.put(builder.snapshot());
  for (const seq of builder.sequences) ctx.writer.put(seq);
  return 'CREATE TABLE';
}
