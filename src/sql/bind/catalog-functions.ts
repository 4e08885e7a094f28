/**
 * Functions over the catalog that clients' introspection queries call (psql's \d family, ORMs):
 * pg_table_is_visible, pg_type_is_visible, pg_get_userbyid, format_type, version,
 * pg_encoding_to_char.
 * They read the catalog of the running statement's transaction.
 */
import type { Value } from '../../catalog/types/sql-type.js';
import { OID } from '../../catalog/types/oids.js';
import { formatType } from '../../catalog/types/type-registry.js';
import type { BoundExpr } from './bound-expr.js';
import type { BindContext } from './bind-context.js';
import { BOOL, NAME, TEXT, coerce, typeOfOid } from './resolve.js';
import { SERVER_VERSION } from '../session/settings.js';
import type { ExecContext } from '../exec/exec-context.js';
import { effectiveSearchPath } from './names.js';
import { encodingName } from './encoding-names.js';

type Impl = (args: Value[], ctx: ExecContext) => Value;

const VERSION_TEXT = `PostgreSQL ${SERVER_VERSION} on x86_64-pc-linux-gnu, compiled by TypeScript, 64-bit`;

function tableIsVisible(oid: number, ctx: ExecContext, searchPath: readonly string[]): boolean {
  const d = ctx.catalog.descriptor(oid) ?? ctx.catalog.tableOfIndex(oid);
  if (d === undefined || !('schemaOid' in d)) return oid < 16384;
  const db = ctx.catalog.database(ctx.database);
  if (db === undefined) return false;
  const name = ctx.catalog.tableOfIndex(oid) !== undefined && d.oid !== oid
    ? (ctx.catalog.tableOfIndex(oid)?.indexes.find((i) => i.oid === oid)?.name ?? ctx.catalog.tableOfIndex(oid)?.primary.name)
    : d.name;
  for (const schemaName of searchPath) {
    const schema = ctx.catalog.schema(db.oid, schemaName);
    if (schema === undefined) continue;
    if (ctx.catalog.relation(schema.oid, name ?? '') !== undefined || ctx.catalog.indexByName(schema.oid, name ?? '') !== undefined) {
      return schema.oid === d.schemaOid;
    }
  }
  return false;
}

export function catalogFunction(ctx: BindContext, name: string, args: readonly BoundExpr[], location: number | undefined): BoundExpr | undefined {
  const oidArgs = (n: number): BoundExpr[] | undefined =>
    args.length === n ? args.map((a, i) => coerce(ctx, a, typeOfOid(i === 1 && name === 'format_type' ? OID.int4 : name === 'pg_encoding_to_char' ? OID.int4 : OID.oid), -1, 'implicit', location)) : undefined;
  const searchPath = ['pg_catalog', ...effectiveSearchPath(ctx.searchPath, ctx.user)];
  let impl: Impl;
  let type = TEXT();
  let callArgs: BoundExpr[] | undefined;
  let strict = true;
  switch (name) {
    case 'pg_table_is_visible':
      callArgs = oidArgs(1);
      impl = (a, c) => tableIsVisible(a[0] as number, c, searchPath);
      type = BOOL();
      break;
    case 'pg_type_is_visible':
      callArgs = oidArgs(1);
      impl = () => true;
      type = BOOL();
      break;
    case 'pg_get_userbyid':
      callArgs = oidArgs(1);
      impl = (a, c) => c.catalog.roles().find((r) => r.oid === a[0])?.name ?? `unknown (OID=${String(a[0])})`;
      type = NAME();
      break;
    case 'format_type':
      callArgs = oidArgs(2);
      strict = false;
      // A NULL typmod is "no typmod"; a given one (even -1) prints bpchar as 'bpchar', as PostgreSQL.
      impl = (a) => (a[0] === null ? null : formatType(a[0] as number, (a[1] as number | null) ?? -1, a[1] !== null));
      break;
    case 'version':
      callArgs = args.length === 0 ? [] : undefined;
      impl = () => VERSION_TEXT;
      break;
    case 'pg_encoding_to_char':
      callArgs = oidArgs(1);
      impl = (a) => encodingName(a[0] as number);
      type = NAME();
      break;
    default:
      return undefined;
  }
  if (callArgs === undefined) return undefined;
  return { kind: 'call', name, fn: impl, args: callArgs, type, typmod: -1, strict, volatile: name === 'pg_table_is_visible' || name === 'pg_get_userbyid' };
}
