/**
 * Catalog-information functions clients' introspection queries call, beyond catalog-functions.ts:
 * pg_get_indexdef, pg_get_constraintdef, pg_get_expr, pg_get_viewdef (simple views), pg_get_triggerdef,
 * pg_get_statisticsobjdef_columns, pg_get_serial_sequence, pg_relation_is_publishable,
 * pg_tablespace_location (the built-in tablespaces have no location: ''),
 * the has_*_privilege family, those of routine-functions.ts, and the size functions (pg_table_size,
 * pg_relation_size, pg_total_relation_size, pg_indexes_size, pg_database_size, pg_size_pretty).
 *
 * - They read the catalog of the running statement's transaction (ExecContext.catalog).
 * - stratadb has no privileges beyond login and superuser: has_*_privilege is true for an object
 *   that exists.
 * - Sizes are not tracked per relation in the LSM: the size functions return 0 bytes.
 */
import type { Value } from '../../catalog/types/sql-type.js';
import type { SqlType } from '../../catalog/types/sql-type.js';
import { OID } from '../../catalog/types/oids.js';
import type { BoundExpr } from './bound-expr.js';
import type { BindContext } from './bind-context.js';
import { BOOL, INT8, TEXT, coerce, typeOfOid } from './resolve.js';
import type { ExecContext } from '../exec/exec-context.js';
import { effectiveSearchPath } from './names.js';
import { constraintDefinition, exprDefinition, indexDefinition, sizePretty, type NameContext } from './object-definition.js';
import { parseQualifiedText } from './qualified-text.js';
import { viewDefinition } from './view-definition.js';
import { quoteIdentifier } from '../../catalog/system/quote-identifier.js';
import { ROUTINE_SIGNATURES } from './routine-functions.js';

type Impl = (args: Value[], ctx: ExecContext) => Value;

export interface Signature {
  readonly args: readonly number[][];
  readonly result: () => SqlType;
  readonly impl: (searchPath: readonly string[]) => Impl;
  readonly strict?: boolean;
}

const O = OID.oid;
const B = OID.bool;
const T = OID.text;
const I4 = OID.int4;

function names(c: ExecContext, searchPath: readonly string[]): NameContext | undefined {
  const db = c.catalog.database(c.database);
  return db === undefined ? undefined : { catalog: c.catalog, databaseOid: db.oid, searchPath };
}

const always = (v: Value) => (): Impl => () => v;
const privilege: Signature = { args: [[T, T], [O, T], [T, T, T], [O, O, T], [T, O, T], [O, T, T]], result: BOOL, impl: always(true) };
const size: Signature = { args: [[OID.regclass]], result: INT8, impl: always(0n) };

const SIGNATURES: Record<string, Signature> = {
  pg_get_indexdef: {
    args: [[O], [O, I4, B]],
    result: TEXT,
    impl: (sp) => (a, c) => {
      const n = names(c, sp);
      return n === undefined ? null : (indexDefinition(n, a[0] as number, (a[1] as number | undefined) ?? 0, a[2] === true) ?? null);
    },
  },
  pg_get_constraintdef: {
    args: [[O], [O, B]],
    result: TEXT,
    impl: (sp) => (a, c) => {
      const n = names(c, sp);
      return n === undefined ? null : (constraintDefinition(n, a[0] as number, a[1] === true) ?? null);
    },
  },
  pg_get_expr: { args: [[T, O], [T, O, B]], result: TEXT, impl: (sp) => (a, c) => exprDefinition(a[0] as string, names(c, sp), a[2] === true) },
  pg_get_triggerdef: { args: [[O], [O, B]], result: TEXT, impl: always(null) },
  pg_get_statisticsobjdef_columns: { args: [[O]], result: TEXT, impl: always(null) },
  pg_get_viewdef: {
    args: [[O], [O, B]],
    result: TEXT,
    impl: (sp) => (a, c) => {
      const n = names(c, sp);
      const view = c.catalog.view(a[0] as number);
      return n === undefined || view === undefined ? null : (viewDefinition(n, view, a[1] === true) ?? null);
    },
  },
  pg_relation_is_publishable: { args: [[O]], result: BOOL, impl: () => (a, c) => c.catalog.table(a[0] as number) !== undefined },
  pg_get_serial_sequence: { args: [[T, T]], result: TEXT, impl: (sp) => (a, c) => serialSequence(c, sp, a[0] as string, a[1] as string) },
  pg_tablespace_location: { args: [[O]], result: TEXT, impl: always('') },
  has_table_privilege: privilege,
  has_schema_privilege: privilege,
  has_database_privilege: privilege,
  has_sequence_privilege: privilege,
  has_function_privilege: privilege,
  has_column_privilege: { args: [[T, T, T], [O, T, T], [O, I4, T], [T, T, T, T], [T, O, T, T]], result: BOOL, impl: always(true) },
  pg_table_size: size,
  pg_relation_size: size,
  pg_total_relation_size: size,
  pg_indexes_size: size,
  pg_database_size: { args: [[O], [OID.name]], result: INT8, impl: always(0n) },
  pg_size_pretty: { args: [[OID.int8]], result: TEXT, impl: () => (a) => sizePretty(a[0] as bigint) },
  ...ROUTINE_SIGNATURES,
};

function serialSequence(c: ExecContext, searchPath: readonly string[], table: string, column: string): Value {
  const db = c.catalog.database(c.database);
  if (db === undefined) return null;
  const q = parseQualifiedText(table);
  const schemas = q.schema === undefined ? searchPath : [q.schema];
  for (const s of schemas) {
    const schema = c.catalog.schema(db.oid, s);
    const rel = schema === undefined ? undefined : c.catalog.relation(schema.oid, q.name);
    if (rel === undefined || rel.kind !== 'table' || schema === undefined) continue;
    const col = rel.columns.find((x) => x.name === column && !x.dropped);
    if (col === undefined) return null;
    for (const r of c.catalog.relationsIn(schema.oid)) {
      if (r.kind === 'sequence' && r.ownedBy?.tableOid === rel.oid && r.ownedBy.attnum === col.attnum) {
        return `${quoteIdentifier(schema.name)}.${quoteIdentifier(r.name)}`;
      }
    }
    return null;
  }
  return null;
}

export function introspectionFunction(ctx: BindContext, name: string, args: readonly BoundExpr[], location: number | undefined): BoundExpr | undefined {
  const sig = SIGNATURES[name];
  if (sig === undefined) return undefined;
  const types = sig.args.find((a) => a.length === args.length && a.every((t, i) => accepts(t, args[i] as BoundExpr)));
  if (types === undefined) return undefined;
  const callArgs = args.map((a, i) => coerce(ctx, a, typeOfOid(types[i] as number), -1, 'implicit', location));
  const searchPath = ['pg_catalog', ...effectiveSearchPath(ctx.searchPath, ctx.user)];
  return { kind: 'call', name, fn: sig.impl(searchPath), args: callArgs, type: sig.result(), typmod: -1, strict: sig.strict ?? true, volatile: true };
}

/** Whether an argument can be passed as `typeOid` (unknown literals go anywhere; oid-like and integer types as oid). */
function accepts(typeOid: number, arg: BoundExpr): boolean {
  const t = arg.type.oid;
  if (t === OID.unknown || t === typeOid) return true;
  if (typeOid === O || typeOid === OID.regclass) {
    return t === O || t === OID.regclass || t === OID.regtype || t === OID.regnamespace || t === OID.int4 || t === OID.int8 || t === OID.regproc;
  }
  if (typeOid === T) return t === OID.varchar || t === OID.name || t === OID.bpchar;
  if (typeOid === OID.int8) return t === OID.int4 || t === OID.int2;
  if (typeOid === OID.name) return t === OID.text || t === OID.varchar;
  if (typeOid === I4) return t === OID.int2;
  return false;
}
