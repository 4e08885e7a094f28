/**
 * Catalog and session functions pg_dump calls, beyond introspection-functions.ts:
 * acldefault(char, oid) (an object kind's built-in privileges for its owner, PostgreSQL's printed
 * aclitem[] form), pg_is_in_recovery() (a stratadb server is never a standby: false) and
 * current_schemas(bool) (the search path's existing schemas, pg_catalog first when asked), and
 * current_setting / set_config over the session's settings (set_config is SET [LOCAL] with the
 * value taken as is), and pg_get_ruledef for views' '_RETURN' rules.
 *
 * - stratadb has no aclitem type: acldefault returns text[], which prints the same
 *   ('{postgres=arwdDxt/postgres}'); the catalog's acl columns are text[] as well.
 * - Role names inside an ACL are double-quoted when they are not plain identifiers, as aclitemout does.
 */
import type { Value } from '../../catalog/types/sql-type.js';
import { OID } from '../../catalog/types/oids.js';
import type { BoundExpr } from './bound-expr.js';
import type { BindContext } from './bind-context.js';
import { BOOL, coerce, typeOfOid } from './resolve.js';
import type { ExecContext, SettingsAccess } from '../exec/exec-context.js';
import { effectiveSearchPath } from './names.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { viewDefinition } from './view-definition.js';
import { qualifiedName, relationName } from './relation-name.js';

const TEXT_ARRAY_OID = 1009;
const NAME_ARRAY_OID = 1003;

/** Privileges the owner (and PUBLIC, where PostgreSQL grants some) hold by default, per acldefault's kind letter. */
const DEFAULT_PRIVILEGES: Readonly<Record<string, { owner: string; public: string }>> = {
  c: { owner: '', public: '' },
  r: { owner: 'arwdDxt', public: '' },
  s: { owner: 'rwU', public: '' },
  d: { owner: 'CTc', public: 'Tc' },
  f: { owner: 'X', public: 'X' },
  l: { owner: 'U', public: 'U' },
  L: { owner: 'rw', public: '' },
  n: { owner: 'UC', public: '' },
  t: { owner: 'C', public: '' },
  F: { owner: 'U', public: '' },
  S: { owner: 'U', public: '' },
  T: { owner: 'U', public: 'U' },
  p: { owner: 'sA', public: '' },
};

/** A role name as it appears inside an aclitem ("" around anything but [a-z0-9_]). */
function aclName(name: string): string {
  return /^[a-z0-9_]+$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

function aclDefault(kind: string, ownerOid: number, c: ExecContext): Value {
  const privileges = DEFAULT_PRIVILEGES[kind];
  if (privileges === undefined) throw new SqlError(SQLSTATE.internalError, `unrecognized object type abbreviation: ${kind}`);
  if (privileges.owner === '') return [];
  const owner = aclName(c.catalog.roles().find((r) => r.oid === ownerOid)?.name ?? String(ownerOid));
  const items = privileges.public === '' ? [] : [`=${privileges.public}/${owner}`];
  items.push(`${owner}=${privileges.owner}/${owner}`);
  return items;
}

function currentSchemas(includeImplicit: boolean, searchPath: readonly string[], c: ExecContext): Value {
  const db = c.catalog.database(c.database);
  const existing = searchPath.filter((s) => s === 'pg_catalog' || (db !== undefined && c.catalog.schema(db.oid, s) !== undefined));
  const explicit = existing.filter((s) => s !== 'pg_catalog' || searchPath.indexOf(s) > 0);
  return includeImplicit && !explicit.includes('pg_catalog') ? ['pg_catalog', ...explicit] : explicit;
}

function textArg(ctx: BindContext, arg: BoundExpr | undefined, location: number | undefined): BoundExpr {
  return coerce(ctx, arg as BoundExpr, typeOfOid(OID.text), -1, 'implicit', location);
}

function settings(c: ExecContext): SettingsAccess {
  if (c.settings === undefined) throw new SqlError(SQLSTATE.featureNotSupported, 'session settings are not available here');
  return c.settings;
}

/** current_setting(name [, missing_ok]): NULL for an unknown name when missing_ok, else 42704. */
function currentSetting(access: SettingsAccess, name: string, missingOk: boolean): Value {
  try {
    return access.get(name);
  } catch (error) {
    if (missingOk && error instanceof SqlError && error.code === SQLSTATE.undefinedObject) return null;
    throw error;
  }
}

/** pg_get_ruledef of a view's '_RETURN' rule (pg-rewrite.ts: the rule has the view's oid); NULL for anything else. */
function ruleDefinition(ruleOid: number, pretty: boolean, searchPath: readonly string[], c: ExecContext): Value {
  const db = c.catalog.database(c.database);
  const view = c.catalog.view(ruleOid);
  if (db === undefined || view === undefined) return null;
  const n = { catalog: c.catalog, databaseOid: db.oid, searchPath };
  const body = viewDefinition(n, view, pretty);
  const name = pretty ? relationName(c.catalog, db.oid, view.oid, searchPath) : qualifiedName(c.catalog, view);
  return body === undefined ? null : `CREATE RULE "_RETURN" AS\n    ON SELECT TO ${name ?? view.name} DO INSTEAD ${body}`;
}

export function dumpFunction(ctx: BindContext, name: string, args: readonly BoundExpr[], location: number | undefined): BoundExpr | undefined {
  const call = (fn: (a: Value[], c: ExecContext) => Value, callArgs: BoundExpr[], type: number): BoundExpr => ({
    kind: 'call', name, fn, args: callArgs, type: typeOfOid(type), typmod: -1, strict: true, volatile: true,
  });
  switch (name) {
    case 'acldefault': {
      if (args.length !== 2) return undefined;
      const callArgs = [coerce(ctx, args[0] as BoundExpr, typeOfOid(OID.char), -1, 'implicit', location), coerce(ctx, args[1] as BoundExpr, typeOfOid(OID.oid), -1, 'implicit', location)];
      return call((a, c) => aclDefault(a[0] as string, a[1] as number, c), callArgs, TEXT_ARRAY_OID);
    }
    case 'pg_is_in_recovery':
      return args.length === 0 ? call(() => false, [], OID.bool) : undefined;
    case 'current_schemas': {
      if (args.length !== 1) return undefined;
      const searchPath = effectiveSearchPath(ctx.searchPath, ctx.user);
      return call((a, c) => currentSchemas(a[0] === true, searchPath, c), [coerce(ctx, args[0] as BoundExpr, BOOL(), -1, 'implicit', location)], NAME_ARRAY_OID);
    }
    case 'set_config': {
      if (args.length !== 3) return undefined;
      const callArgs = [textArg(ctx, args[0], location), textArg(ctx, args[1], location), coerce(ctx, args[2] as BoundExpr, BOOL(), -1, 'implicit', location)];
      return call((a, c) => settings(c).setConfig(a[0] as string, a[1] as string, a[2] === true), callArgs, OID.text);
    }
    case 'current_setting': {
      if (args.length !== 1 && args.length !== 2) return undefined;
      const callArgs = [textArg(ctx, args[0], location)];
      if (args.length === 2) callArgs.push(coerce(ctx, args[1] as BoundExpr, BOOL(), -1, 'implicit', location));
      return call((a, c) => currentSetting(settings(c), a[0] as string, a[1] === true), callArgs, OID.text);
    }
    case 'pg_get_ruledef': {
      if (args.length !== 1 && args.length !== 2) return undefined;
      const callArgs = [coerce(ctx, args[0] as BoundExpr, typeOfOid(OID.oid), -1, 'implicit', location)];
      if (args.length === 2) callArgs.push(coerce(ctx, args[1] as BoundExpr, BOOL(), -1, 'implicit', location));
      const searchPath = ['pg_catalog', ...effectiveSearchPath(ctx.searchPath, ctx.user)];
      return call((a, c) => ruleDefinition(a[0] as number, a[1] === true, searchPath, c), callArgs, OID.text);
    }
    default:
      return undefined;
  }
}
