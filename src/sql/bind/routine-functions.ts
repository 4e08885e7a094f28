/**
 * Catalog-information functions over the built-in routines, operators and comments, as psql's
 * \df, \do, \dc, \dx, \dL and \dn+ call them: pg_get_function_arguments, _identity_arguments,
 * _result, _sqlbody, pg_get_functiondef (psql's \sf), pg_function_is_visible, pg_operator_is_visible, pg_conversion_is_visible,
 * obj_description, col_description, shobj_description, and for \\dd and \\dO the visibility of
 * operator classes, families and collations and the encoding functions getdatabaseencoding and
 * pg_char_to_encoding.
 *
 * - Every built-in routine and operator lives in pg_catalog, which is always searched: visible.
 *   An oid naming no routine (operator, conversion) gives NULL, as in PostgreSQL.
 * - Comments are PostgreSQL's on its built-in objects (pg-description.ts) and those set with
 *   COMMENT ON (user-comments.ts); objects without one give NULL.
 */
import type { Value } from '../../catalog/types/sql-type.js';
import { OID } from '../../catalog/types/oids.js';
import { builtinDescription, DESCRIBED_CLASSES, PG_DATABASE_CLASS_OID } from '../../catalog/system/pg-description.js';
import { builtinOperators } from '../../catalog/system/pg-operator.js';
import { PG_CLASS_CLASS_OID, userDescription } from '../../catalog/system/user-comments.js';
import { builtinProc } from '../../catalog/system/pg-proc.js';
import { systemTable } from '../../catalog/system/index.js';
import { functionArguments, functionDefinition, functionIdentityArguments, functionResult, functionSqlBody } from '../functions/builtin-procs.js';
import type { ExecContext } from '../exec/exec-context.js';
import { BOOL, INT4, NAME, TEXT } from './resolve.js';
import { encodingId } from './encoding-names.js';
import { SqlError } from '../../util/index.js';
import type { Signature } from './introspection-functions.js';

const O = OID.oid;
const T = OID.text;

type Impl = (args: Value[], ctx: ExecContext) => Value;

const byOid = (f: (oid: number) => Value | undefined): Signature => ({ args: [[O]], result: TEXT, impl: () => (a) => f(a[0] as number) ?? null });

/** The class oid of a catalog named as obj_description's second argument ('pg_proc', 'pg_catalog.pg_class'). */
function classOid(name: string): number | undefined {
  const bare = name.startsWith('pg_catalog.') ? name.slice('pg_catalog.'.length) : name;
  return systemTable('pg_catalog', bare)?.oid;
}

/** obj_description(oid, catalog); the deprecated one-argument form looks in every catalog. */
const objDescription: Impl = (a, ctx) => {
  if (a.length === 1) return DESCRIBED_CLASSES.map((c) => builtinDescription(c, a[0] as number, ctx.catalog)).find((d) => d !== undefined) ?? null;
  const cls = classOid(a[1] as string);
  return cls === undefined ? null : (builtinDescription(cls, a[0] as number, ctx.catalog) ?? null);
};

/** The collations of pg_collation (all in pg_catalog, so visible). */
const COLLATION_OIDS: ReadonlySet<number> = new Set([100, 950, 951]);

/** pg_get_functiondef(oid): 42809 for an aggregate, as PostgreSQL. */
const functionDef: Impl = (a) => {
  const oid = a[0] as number;
  const p = builtinProc(oid);
  if (p?.kind === 'a') throw new SqlError('42809', `"${p.name}" is an aggregate function`);
  return functionDefinition(oid) ?? null;
};

export const ROUTINE_SIGNATURES: Readonly<Record<string, Signature>> = {
  pg_get_function_arguments: byOid(functionArguments),
  pg_get_function_identity_arguments: byOid(functionIdentityArguments),
  pg_get_function_result: byOid(functionResult),
  pg_get_function_sqlbody: byOid(functionSqlBody),
  pg_get_functiondef: { args: [[O]], result: TEXT, impl: () => functionDef },
  pg_function_is_visible: { args: [[O]], result: BOOL, impl: () => (a) => (builtinProc(a[0] as number) === undefined ? null : true) },
  pg_operator_is_visible: {
    args: [[O]],
    result: BOOL,
    impl: () => (a) => (builtinOperators().some((o) => o.oid === a[0]) ? true : null),
  },
  pg_conversion_is_visible: { args: [[O]], result: BOOL, impl: () => () => null },
  pg_opclass_is_visible: { args: [[O]], result: BOOL, impl: () => () => null },
  pg_opfamily_is_visible: { args: [[O]], result: BOOL, impl: () => () => null },
  pg_collation_is_visible: { args: [[O]], result: BOOL, impl: () => (a) => (COLLATION_OIDS.has(a[0] as number) ? true : null) },
  getdatabaseencoding: { args: [[]], result: NAME, impl: () => () => 'UTF8' },
  pg_char_to_encoding: { args: [[OID.name]], result: INT4, impl: () => (a) => encodingId(a[0] as string) },
  obj_description: { args: [[O, T], [O]], result: TEXT, impl: () => objDescription },
  col_description: { args: [[O, OID.int4]], result: TEXT, impl: () => (a, ctx) => userDescription(ctx.catalog, PG_CLASS_CLASS_OID, a[0] as number, a[1] as number) ?? null },
  shobj_description: {
    args: [[O, T]],
    result: TEXT,
    impl: () => (a) => (classOid(a[1] as string) === PG_DATABASE_CLASS_OID ? (builtinDescription(PG_DATABASE_CLASS_OID, a[0] as number) ?? null) : null),
  },
};
