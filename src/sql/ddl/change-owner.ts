/**
 * OWNER TO (as pg_dump emits it for every object): ALTER TABLE / VIEW / SEQUENCE … OWNER TO role
 * and ALTER SCHEMA / DATABASE … OWNER TO role. Ownership is recorded (pg_class.relowner and
 * friends); stratadb has no privilege checks yet, so it grants nothing else.
 */
import type { AlterTableStmt, Node, RoleSpec } from '../parse.js';
import type { RoleDesc } from '../../catalog/descriptors.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { notSupported, undefinedTable } from '../bind/bind-errors.js';
import { lookupRelation, schemaByName } from '../bind/names.js';
import type { DdlContext } from './ddl-context.js';

function role(ctx: DdlContext, spec: RoleSpec | undefined): RoleDesc {
  const name = spec?.roletype === 'ROLESPEC_CSTRING' || spec?.roletype === undefined ? (spec?.rolename ?? '') : ctx.bind.user;
  const r = ctx.catalog.role(name);
  if (r === undefined) throw new SqlError(SQLSTATE.undefinedObject, `role "${name}" does not exist`);
  return r;
}

/** ALTER TABLE/VIEW/SEQUENCE whose only commands are OWNER TO; undefined when it is not that. */
export function alterRelationOwner(ctx: DdlContext, s: AlterTableStmt): string | undefined {
  const cmds = (s.cmds ?? []).map((n) => (n as { AlterTableCmd: { subtype?: string; newowner?: RoleSpec } }).AlterTableCmd);
  if (cmds.length === 0 || cmds.some((c) => c.subtype !== 'AT_ChangeOwner')) return undefined;
  const rv = s.relation ?? {};
  const rel = lookupRelation(ctx.bind, { schema: rv.schemaname, name: rv.relname ?? '' });
  const word = s.objtype === 'OBJECT_SEQUENCE' ? 'SEQUENCE' : s.objtype === 'OBJECT_VIEW' ? 'VIEW' : 'TABLE';
  if (rel === undefined) {
    if (s.missing_ok === true) return `ALTER ${word}`;
    throw undefinedTable(rv.relname ?? '', rv.location);
  }
  const owner = role(ctx, cmds[cmds.length - 1]?.newowner);
  ctx.writer.put({ ...rel, ownerOid: owner.oid });
  return `ALTER ${word}`;
}

export function alterObjectOwner(ctx: DdlContext, s: { objectType?: string; object?: Node; newowner?: RoleSpec }): string {
  const owner = role(ctx, s.newowner);
  const name = s.object !== undefined && 'String' in s.object ? (s.object.String.sval ?? '') : '';
  if (s.objectType === 'OBJECT_SCHEMA') {
    const schema = schemaByName(ctx.bind, name);
    if (schema === undefined) throw new SqlError(SQLSTATE.invalidSchemaName, `schema "${name}" does not exist`);
    ctx.writer.put({ ...schema, ownerOid: owner.oid });
    return 'ALTER SCHEMA';
  }
  if (s.objectType === 'OBJECT_DATABASE') {
    const db = ctx.catalog.database(name);
    if (db === undefined) throw new SqlError(SQLSTATE.invalidCatalogName, `database "${name}" does not exist`);
    ctx.writer.put({ ...db, ownerOid: owner.oid });
    return 'ALTER DATABASE';
  }
  throw notSupported(`ALTER ${String(s.objectType).replace('OBJECT_', '')} OWNER TO`);
}
