/**
 * CREATE SCHEMA [IF NOT EXISTS] [AUTHORIZATION role], CREATE DATABASE, DROP DATABASE [IF EXISTS].
 * A new database starts with its own `public` schema; dropping one removes every object in it.
 * CREATE/DROP DATABASE refuse to run inside a transaction block (25001), as in PostgreSQL.
 */
import type { CreateSchemaStmt, CreatedbStmt, DropdbStmt, Node } from '../parse.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { notSupported } from '../bind/bind-errors.js';
import { defArgText } from '../bind/ast-util.js';
import type { DdlContext } from './ddl-context.js';
import { deleteTableData } from './table-data.js';

export function createSchema(ctx: DdlContext, s: CreateSchemaStmt): string {
  if (s.schemaElts !== undefined && s.schemaElts.length > 0) throw notSupported('CREATE SCHEMA with schema elements');
  const name = s.schemaname ?? s.authrole?.rolename ?? '';
  if (name.startsWith('pg_')) {
    throw new SqlError('42939', `unacceptable schema name "${name}"`, { detail: 'The prefix "pg_" is reserved for system schemas.' });
  }
  if (ctx.catalog.schema(ctx.bind.databaseOid, name) !== undefined || name === 'information_schema') {
    if (s.if_not_exists === true) {
      ctx.notice(`schema "${name}" already exists, skipping`);
      return 'CREATE SCHEMA';
    }
    throw new SqlError(SQLSTATE.duplicateSchema, `schema "${name}" already exists`);
  }
  let owner = ctx.userOid;
  if (s.authrole?.rolename !== undefined) {
    const role = ctx.catalog.role(s.authrole.rolename);
    if (role === undefined) throw new SqlError(SQLSTATE.undefinedObject, `role "${s.authrole.rolename}" does not exist`);
    owner = role.oid;
  }
  ctx.writer.put({ kind: 'schema', oid: ctx.writer.allocateOid(), name, databaseOid: ctx.bind.databaseOid, ownerOid: owner });
  return 'CREATE SCHEMA';
}

const ACCEPTED_DB_OPTIONS = new Set(['owner', 'template', 'encoding', 'locale', 'lc_collate', 'lc_ctype', 'connection_limit', 'is_template', 'allow_connections']);

export function createDatabase(ctx: DdlContext, s: CreatedbStmt): string {
  if (ctx.inBlock) throw new SqlError(SQLSTATE.activeSqlTransaction, 'CREATE DATABASE cannot run inside a transaction block');
  const name = s.dbname ?? '';
  let owner = ctx.userOid;
  for (const o of s.options ?? []) {
    const d = (o as { DefElem: { defname?: string; arg?: Node } }).DefElem;
    const value = defArgText(d.arg) ?? '';
    if (!ACCEPTED_DB_OPTIONS.has(d.defname ?? '')) throw notSupported(`CREATE DATABASE option ${String(d.defname)}`);
    if (d.defname === 'encoding' && !['utf8', 'unicode', '6'].includes(value.toLowerCase().replace('-', ''))) throw notSupported(`encoding ${value}`);
    if (d.defname === 'owner') {
      const role = ctx.catalog.role(value);
      if (role === undefined) throw new SqlError(SQLSTATE.undefinedObject, `role "${value}" does not exist`);
      owner = role.oid;
    }
  }
  if (ctx.catalog.database(name) !== undefined) throw new SqlError(SQLSTATE.duplicateDatabase, `database "${name}" already exists`);
  const oid = ctx.writer.allocateOid();
  ctx.writer.put({ kind: 'database', oid, name, ownerOid: owner });
  ctx.writer.put({ kind: 'schema', oid: ctx.writer.allocateOid(), name: 'public', databaseOid: oid, ownerOid: 6171 });
  return 'CREATE DATABASE';
}

export function dropDatabase(ctx: DdlContext, s: DropdbStmt): string {
  if (ctx.inBlock) throw new SqlError(SQLSTATE.activeSqlTransaction, 'DROP DATABASE cannot run inside a transaction block');
  const name = s.dbname ?? '';
  const db = ctx.catalog.database(name);
  if (db === undefined) {
    if (s.missing_ok === true) {
      ctx.notice(`database "${name}" does not exist, skipping`);
      return 'DROP DATABASE';
    }
    throw new SqlError(SQLSTATE.invalidCatalogName, `database "${name}" does not exist`);
  }
  if (name === ctx.databaseName) throw new SqlError('55006', 'cannot drop the currently open database');
  for (const schema of ctx.catalog.schemasOf(db.oid)) {
    for (const rel of ctx.catalog.relationsIn(schema.oid)) {
      if (rel.kind === 'table') deleteTableData(ctx.txn, rel);
      ctx.writer.remove(rel.oid);
    }
    ctx.writer.remove(schema.oid);
  }
  ctx.writer.remove(db.oid);
  return 'DROP DATABASE';
}
