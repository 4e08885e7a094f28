/**
 * Functions that need the catalog or the session rather than only their arguments, bound here
 * instead of through src/sql/functions: nextval, currval, setval (sequences), and the session
 * information functions current_database(), current_schema(), current_schemas().
 *
 * - A sequence argument given as a literal ('t_id_seq' or 't_id_seq'::regclass) is resolved at
 *   bind time, as PostgreSQL's regclass input does.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { BoundExpr } from './bound-expr.js';
import type { BindContext } from './bind-context.js';
import { lookupRelation, schemaByName } from './names.js';
import { INT8, NAME, BOOL, coerce, constValue } from './resolve.js';
import { withPosition } from './bind-errors.js';
import { parseQualifiedText } from './qualified-text.js';
import { catalogFunction } from './catalog-functions.js';
import { introspectionFunction } from './introspection-functions.js';
import { dumpFunction } from './dump-functions.js';
import { adminFunction } from './admin-functions.js';

export function bindSpecialFunction(
  ctx: BindContext,
  name: string,
  args: readonly BoundExpr[],
  location: number | undefined,
): BoundExpr | undefined {
  switch (name) {
    case 'nextval':
    case 'currval':
      if (args.length !== 1) return undefined;
      return sequenceCall(ctx, name, sequenceOid(ctx, args[0] as BoundExpr, location), [], location);
    case 'setval': {
      if (args.length !== 2 && args.length !== 3) return undefined;
      const oid = sequenceOid(ctx, args[0] as BoundExpr, location);
      const rest = [coerce(ctx, args[1] as BoundExpr, INT8(), -1, 'implicit', location)];
      if (args.length === 3) rest.push(coerce(ctx, args[2] as BoundExpr, BOOL(), -1, 'implicit', location));
      return sequenceCall(ctx, name, oid, rest, location);
    }
    case 'pg_table_is_visible':
    case 'pg_type_is_visible':
    case 'pg_get_userbyid':
    case 'format_type':
    case 'version':
    case 'pg_encoding_to_char':
      return catalogFunction(ctx, name, args, location);
    case 'current_database':
      return args.length === 0 ? textConst(ctx.databaseName) : undefined;
    case 'current_schema':
      return args.length === 0 ? textConst(firstSchema(ctx)) : undefined;
    default:
      return introspectionFunction(ctx, name, args, location) ?? dumpFunction(ctx, name, args, location) ?? adminFunction(ctx, name, args, location);
  }
}

function textConst(value: string | null): BoundExpr {
  return { kind: 'const', type: NAME(), typmod: -1, value, literal: false };
}

function firstSchema(ctx: BindContext): string | null {
  for (const name of ctx.searchPath) if (schemaByName(ctx, name) !== undefined) return name;
  return null;
}

function sequenceOid(ctx: BindContext, arg: BoundExpr, location: number | undefined): number {
  const value = constValue(arg);
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') throw withPosition('sequence argument must be a constant', SQLSTATE.featureNotSupported, location);
  const q = parseQualifiedText(value);
  const rel = lookupRelation(ctx, q);
  if (rel === undefined) throw withPosition(`relation "${value}" does not exist`, SQLSTATE.undefinedTable, location);
  if (rel.kind !== 'sequence') throw new SqlError('42809', `"${rel.name}" is not a sequence`);
  return rel.oid;
}

function sequenceCall(
  _ctx: BindContext,
  name: 'nextval' | 'currval' | 'setval',
  oid: number,
  args: BoundExpr[],
  _location: number | undefined,
): BoundExpr {
  const fn =
    name === 'nextval'
      ? (_a: unknown[], c: { sequences: { nextval(o: number): bigint } }) => c.sequences.nextval(oid)
      : name === 'currval'
        ? (_a: unknown[], c: { sequences: { currval(o: number): bigint } }) => c.sequences.currval(oid)
        : (a: unknown[], c: { sequences: { setval(o: number, v: bigint, called: boolean): bigint } }) =>
            c.sequences.setval(oid, a[0] as bigint, a.length < 2 ? true : a[1] === true);
  return { kind: 'call', name, fn, args, type: INT8(), typmod: -1, strict: name === 'setval', volatile: true };
}
