/**
 * Dispatches a DDL statement to its implementation; returns the command tag.
 */
import type { Node } from '../parse.js';
import { nodeTag } from '../parse.js';
import { notSupported } from '../bind/bind-errors.js';
import type { DdlContext } from './ddl-context.js';
import { createTable } from './create-table.js';
import { createIndex } from './create-index.js';
import { drop } from './drop.js';
import { alterTable } from './alter-table.js';
import { rename } from './rename.js';
import { createDatabase, createSchema, dropDatabase } from './schema-database.js';
import { alterSequence, createSequence, createView, truncate } from './view-sequence.js';
import { alterRole, createRole, dropRole } from './roles.js';
import { createTableAs } from './create-table-as.js';
import { alterObjectOwner, alterRelationOwner } from './change-owner.js';
import { commentOn } from './comment-on.js';

const DDL = new Set([
  'CreateStmt', 'IndexStmt', 'DropStmt', 'AlterTableStmt', 'RenameStmt', 'CreateSchemaStmt', 'CreatedbStmt',
  'DropdbStmt', 'ViewStmt', 'CreateSeqStmt', 'AlterSeqStmt', 'TruncateStmt', 'CreateRoleStmt', 'AlterRoleStmt',
  'DropRoleStmt', 'CreateTableAsStmt', 'AlterOwnerStmt', 'CommentStmt',
]);

export function isDdl(tag: string): boolean {
  return DDL.has(tag);
}

export function runDdl(ctx: DdlContext, ast: Node): Promise<string> {
  return Promise.resolve(dispatch(ctx, ast));
}

function dispatch(ctx: DdlContext, ast: Node): string {
  if ('CreateStmt' in ast) return createTable(ctx, ast.CreateStmt);
  if ('IndexStmt' in ast) return createIndex(ctx, ast.IndexStmt);
  if ('DropStmt' in ast) return drop(ctx, ast.DropStmt);
  if ('AlterTableStmt' in ast) return alterRelationOwner(ctx, ast.AlterTableStmt) ?? alterTable(ctx, ast.AlterTableStmt, ctx.rowIds);
  if ('AlterOwnerStmt' in ast) return alterObjectOwner(ctx, ast.AlterOwnerStmt);
  if ('CommentStmt' in ast) return commentOn(ctx, ast.CommentStmt);
  if ('RenameStmt' in ast) return rename(ctx, ast.RenameStmt);
  if ('CreateSchemaStmt' in ast) return createSchema(ctx, ast.CreateSchemaStmt);
  if ('CreatedbStmt' in ast) return createDatabase(ctx, ast.CreatedbStmt);
  if ('DropdbStmt' in ast) return dropDatabase(ctx, ast.DropdbStmt);
  if ('ViewStmt' in ast) return createView(ctx, ast.ViewStmt);
  if ('CreateSeqStmt' in ast) return createSequence(ctx, ast.CreateSeqStmt);
  if ('AlterSeqStmt' in ast) return alterSequence(ctx, ast.AlterSeqStmt);
  if ('TruncateStmt' in ast) return truncate(ctx, ast.TruncateStmt);
  if ('CreateRoleStmt' in ast) return createRole(ctx, ast.CreateRoleStmt);
  if ('AlterRoleStmt' in ast) return alterRole(ctx, ast.AlterRoleStmt);
  if ('DropRoleStmt' in ast) return dropRole(ctx, ast.DropRoleStmt);
  if ('CreateTableAsStmt' in ast) {
    const s = ast.CreateTableAsStmt;
    if (s.objtype !== 'OBJECT_TABLE') throw notSupported('CREATE MATERIALIZED VIEW');
    return createTableAs(ctx, s.into ?? {}, s.query as Node, s.if_not_exists === true);
  }
  throw notSupported(nodeTag(ast));
}
