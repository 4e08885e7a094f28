/**
 * CREATE ROLE / USER, ALTER ROLE … [WITH] options, DROP ROLE [IF EXISTS]. Passwords are stored
 * as SCRAM-SHA-256 verifiers (PostgreSQL 15's default password_encryption); a password given
 * already hashed (SCRAM-SHA-256$… or md5…) is stored as is.
 */
import type { AlterRoleStmt, CreateRoleStmt, DropRoleStmt, Node } from '../parse.js';
import type { RoleDesc } from '../../catalog/descriptors.js';
import { passwordVerifier } from '../../catalog/role-verifier.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { notSupported } from '../bind/bind-errors.js';
import { defArgText } from '../bind/ast-util.js';
import type { DdlContext } from './ddl-context.js';

function applyOptions(role: RoleDesc, options: readonly Node[] | undefined): RoleDesc {
  let out = role;
  for (const o of options ?? []) {
    const d = (o as { DefElem: { defname?: string; arg?: Node } }).DefElem;
    const text = defArgText(d.arg);
    const flag = text === undefined || text === '1' || text === 'true';
    switch (d.defname) {
      case 'password':
        out = { ...out, password: d.arg === undefined || text === undefined || (d.arg !== undefined && 'A_Const' in d.arg && d.arg.A_Const.isnull === true) ? undefined : passwordVerifier(text) };
        break;
      case 'superuser':
        out = { ...out, superuser: flag };
        break;
      case 'canlogin':
        out = { ...out, canLogin: flag };
        break;
      case 'createdb':
        out = { ...out, createDb: flag };
        break;
      case 'createrole':
        out = { ...out, createRole: flag };
        break;
      case 'inherit':
      case 'connectionlimit':
      case 'validUntil':
      case 'replication':
      case 'bypassrls':
        break;
      default:
        throw notSupported(`role option ${String(d.defname)}`);
    }
  }
  return out;
}

export function createRole(ctx: DdlContext, s: CreateRoleStmt): string {
  const name = s.role ?? '';
  if (ctx.catalog.role(name) !== undefined) throw new SqlError(SQLSTATE.duplicateObject, `role "${name}" already exists`);
  const base: RoleDesc = {
    kind: 'role', oid: ctx.writer.allocateOid(), name, superuser: false, canLogin: s.stmt_type === 'ROLESTMT_USER',
    createDb: false, createRole: false, password: undefined,
  };
  ctx.writer.put(applyOptions(base, s.options));
  return 'CREATE ROLE';
}

export function alterRole(ctx: DdlContext, s: AlterRoleStmt): string {
  const name = s.role?.rolename ?? '';
  const role = ctx.catalog.role(name);
  if (role === undefined) throw new SqlError(SQLSTATE.undefinedObject, `role "${name}" does not exist`);
  ctx.writer.put(applyOptions(role, s.options));
  return 'ALTER ROLE';
}

export function dropRole(ctx: DdlContext, s: DropRoleStmt): string {
  for (const n of s.roles ?? []) {
    const name = (n as { RoleSpec: { rolename?: string } }).RoleSpec.rolename ?? '';
    const role = ctx.catalog.role(name);
    if (role === undefined) {
      if (s.missing_ok === true) {
        ctx.notice(`role "${name}" does not exist, skipping`);
        continue;
      }
      throw new SqlError(SQLSTATE.undefinedObject, `role "${name}" does not exist`);
    }
    if (role.oid < 16384) throw new SqlError('55006', `cannot drop role ${name} because it is required by the database system`);
    const owned = ctx.catalog.all().find((d) => 'ownerOid' in d && d.ownerOid === role.oid);
    if (owned !== undefined) {
      throw new SqlError(SQLSTATE.dependentObjectsStillExist, `role "${name}" cannot be dropped because some objects depend on it`, {
        detail: `owner of ${owned.kind} ${owned.name}`,
      });
    }
    ctx.writer.remove(role.oid);
  }
  return 'DROP ROLE';
}
