/**
 * The binder's door to the type system: type lookup, literal typing, and operator, function,
 * cast and aggregate resolution with PostgreSQL's coercion rules. The rules themselves live in
 * src/sql/functions and src/catalog/types (the types engineer's area); this file adapts their
 * results into bound expressions (inserting casts, typing unknown literals and parameters).
 *
 * - An 'unknown' literal takes the type its context asks for and is converted at bind time
 *   (PostgreSQL's parse-time coercion of string literals).
 * - A parameter of unknown type takes the type its context asks for; the choice is recorded in
 *   BindContext.paramTypes (what Describe reports as ParameterDescription).
 */
import { systemTable } from '../../catalog/system/index.js';
import type { SqlType, Value } from '../../catalog/types/sql-type.js';
import { OID } from '../../catalog/types/oids.js';
import { typeByOid, parseTypeName } from '../../catalog/types/type-registry.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { TypeName } from '../parse.js';
import type { BoundExpr, CallExpr, ConstExpr } from './bound-expr.js';
import { returnsSet } from './srf-collector.js';
import { typmodOf } from './bound-expr.js';
import type { BindContext } from './bind-context.js';
import { stringList, intOf, leftmostLocation } from './ast-util.js';
import { notSupported, withPosition } from './bind-errors.js';
import type { AggregateFunction } from '../plan/logical-plan.js';
import * as functions from '../functions/index.js';
import { effectiveSearchPath, lookupRelation, schemaByName } from './names.js';
import { indexOidByName } from './reg-names.js';
import { parseQualifiedText } from './qualified-text.js';

export function typeOfOid(oid: number): SqlType {
  const t = typeByOid(oid);
  if (t === undefined) throw new SqlError(SQLSTATE.undefinedObject, `type with OID ${oid} does not exist`);
  return t;
}

export const BOOL = (): SqlType => typeOfOid(OID.bool);
export const UNKNOWN = (): SqlType => typeOfOid(OID.unknown);
export const TEXT = (): SqlType => typeOfOid(OID.text);
export const NAME = (): SqlType => typeOfOid(OID.name);
export const INT4 = (): SqlType => typeOfOid(OID.int4);
export const INT8 = (): SqlType => typeOfOid(OID.int8);
export const NUMERIC = (): SqlType => typeOfOid(OID.numeric);
export const DATE = (): SqlType => typeOfOid(OID.date);
export const TIME = (): SqlType => typeOfOid(OID.time);
export const TIMESTAMP = (): SqlType => typeOfOid(OID.timestamp);
export const TIMESTAMPTZ = (): SqlType => typeOfOid(OID.timestamptz);

const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;

/** An untyped literal: 'abc' or NULL (type unknown until context decides). */
export function literalConst(value: string | null): ConstExpr {
  return { kind: 'const', type: UNKNOWN(), typmod: -1, value, literal: true };
}

/** A numeric literal: int4 if it fits, else int8, else numeric (PostgreSQL's make_const). */
export function numericLiteral(text: string): ConstExpr {
  if (/^-?\d+$/.test(text)) {
    const n = Number(text);
    if (Number.isSafeInteger(n) && n >= INT4_MIN && n <= INT4_MAX) return { kind: 'const', type: INT4(), typmod: -1, value: n, literal: false };
    const big = BigInt(text);
    if (big >= -(2n ** 63n) && big < 2n ** 63n) return { kind: 'const', type: INT8(), typmod: -1, value: big, literal: false };
  }
  const type = NUMERIC();
  return { kind: 'const', type, typmod: -1, value: type.fromText(text, -1, DEFAULT_CTX), literal: false };
}

const DEFAULT_CTX = { timeZone: 'UTC', dateStyle: 'ISO, MDY', intervalStyle: 'postgres', extraFloatDigits: 1 };

/** The value of a constant expression (after casts of constants), or undefined. */
export function constValue(e: BoundExpr): Value | undefined {
  if (e.kind === 'const') return e.value;
  return undefined;
}

export function resolveTypeName(ctx: BindContext, tn: TypeName): { type: SqlType; typmod: number } {
  const names = stringList(tn.names);
  if (tn.setof === true) throw notSupported('SETOF', tn.location);
  if (tn.pct_type === true) throw notSupported('%TYPE', tn.location);
  const typmods: number[] = [];
  for (const m of tn.typmods ?? []) {
    const v = intOf(m);
    if (v === undefined) throw withPosition('type modifiers must be simple constants or identifiers', SQLSTATE.syntaxError, tn.location);
    typmods.push(v);
  }
  void ctx;
  try {
    return parseTypeName(names, typmods, tn.arrayBounds?.length ?? 0);
  } catch (error) {
    if (error instanceof SqlError && error.position === undefined && tn.location !== undefined) {
      throw new SqlError(error.code, error.message, { position: tn.location + 1 });
    }
    throw error;
  }
}

function isUnknown(e: BoundExpr): boolean {
  return e.type.oid === OID.unknown;
}

/** Converts an expression to `type` (assignment / implicit / explicit cast rules). */
export function coerce(
  ctx: BindContext,
  e: BoundExpr,
  type: SqlType,
  typmod: number,
  mode: 'implicit' | 'assignment' | 'explicit',
  location?: number,
): BoundExpr {
  if (e.type.oid === type.oid && (typmod < 0 || typmodOf(e) === typmod)) return e;
  if (e.kind === 'const' && e.literal) return typeLiteral(ctx, e, type, typmod, mode, location);
  if (e.kind === 'param' && isUnknown(e)) {
    ctx.paramTypes[e.index] = type;
    const typed: BoundExpr = { ...e, type, typmod: -1 };
    return typmod < 0 ? typed : castExpr(ctx, typed, type, typmod, mode, location);
  }
  return castExpr(ctx, e, type, typmod, mode, location);
}

/**
 * 'literal'::type — converted now, as PostgreSQL converts string literals at parse time: the
 * input function gets typmod -1 (interval excepted: its typmod steers how input is read), then
 * the length coercion runs with the cast's own semantics, so `'abc'::varchar(2)` truncates while
 * an INSERT of 'abc' into varchar(2) (an assignment) raises 22001.
 */
function typeLiteral(
  ctx: BindContext,
  e: ConstExpr,
  type: SqlType,
  typmod: number,
  mode: 'implicit' | 'assignment' | 'explicit',
  location?: number,
): BoundExpr {
  if (e.value === null) return { kind: 'const', type, typmod, value: null, literal: false };
  if (type.oid === OID.regclass) return { kind: 'const', type, typmod: -1, value: regclassOid(ctx, e.value as string, location), literal: false };
  if (type.oid === OID.regnamespace) return { kind: 'const', type, typmod: -1, value: regnamespaceOid(ctx, e.value as string, location), literal: false };
  if (type.category === 'D' && TIME_RELATIVE.test(e.value as string)) return timeRelativeLiteral(e.value as string, type, typmod, mode);
  let value: Value;
  try {
    value = type.fromText(e.value as string, type.oid === OID.interval ? typmod : -1, ctx.typeContext);
  } catch (error) {
    // The literal's own position, as PostgreSQL's coerce_type reports input errors (not the cast's).
    const at = e.location ?? location;
    if (error instanceof SqlError && error.position === undefined && at !== undefined) {
      throw new SqlError(error.code, error.message, { position: at + 1, detail: error.detail, hint: error.hint });
    }
    throw error;
  }
  // A length or precision error has no position: PostgreSQL raises it from the typmod coercion it
  // folds while planning, not from the literal's input.
  if (typmod >= 0 && type.applyTypmod !== undefined) value = type.applyTypmod(value, typmod, mode === 'explicit');
  return { kind: 'const', type, typmod, value, literal: false };
}

/** Date/time input words whose value depends on the transaction's start time. */
const TIME_RELATIVE = /\b(now|today|tomorrow|yesterday)\b/i;

/**
 * 'now'::timestamptz and friends: read when the statement runs, with the transaction's start
 * time from its TypeContext, so a cached plan never carries a stale time.
 */
function timeRelativeLiteral(text: string, type: SqlType, typmod: number, mode: 'implicit' | 'assignment' | 'explicit'): BoundExpr {
  const explicit = mode === 'explicit';
  const apply = typmod >= 0 ? type.applyTypmod : undefined;
  const fn = (_values: Value[], c: { typeContext: BindContext['typeContext'] }): Value => {
    const value = type.fromText(text, -1, c.typeContext);
    return apply === undefined ? value : apply.call(type, value, typmod, explicit);
  };
  return { kind: 'call', name: `::${type.name}`, fn, args: [], type, typmod, strict: false, volatile: true };
}

/** regnamespace input: a schema name (or an oid) of the current database. */
function regnamespaceOid(ctx: BindContext, text: string, location?: number): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const name = /^"(.*)"$/.exec(trimmed)?.[1]?.replace(/""/g, '"') ?? trimmed.toLowerCase();
  const system = name === 'pg_catalog' ? 11 : name === 'information_schema' ? 13000 : undefined;
  const oid = system ?? schemaByName(ctx, name)?.oid;
  if (oid === undefined) throw withPosition(`schema "${name}" does not exist`, '3F000', location);
  return oid;
}

/** A pg_catalog / information_schema table named in regclass input ('pg_catalog.pg_class'). */
function systemRelation(schema: string | undefined, name: string): { oid: number } | undefined {
  const table = systemTable(schema ?? 'pg_catalog', name);
  return table === undefined || table.oid === 0 ? undefined : table;
}

/** The oid regclass input names: a number, or a relation on the search path / in pg_catalog. */
export function regclassOid(ctx: BindContext, text: string, location?: number): number {
  if (/^\d+$/.test(text.trim())) return Number(text.trim());
  const q = parseQualifiedText(text);
  const rel = lookupRelation(ctx, q) ?? systemRelation(q.schema, q.name);
  const oid = rel?.oid ?? indexOidByName(ctx.catalog, ctx.databaseOid, q.schema, q.name, effectiveSearchPath(ctx.searchPath, ctx.user));
  if (oid === undefined) throw withPosition(`relation "${text}" does not exist`, SQLSTATE.undefinedTable, location);
  return oid;
}

function castExpr(
  ctx: BindContext,
  e: BoundExpr,
  type: SqlType,
  typmod: number,
  mode: 'implicit' | 'assignment' | 'explicit',
  location?: number,
): BoundExpr {
  const cast = functions.findCast(e.type, type, mode === 'implicit' ? 'i' : mode === 'assignment' ? 'a' : 'e');
  if (cast === undefined) {
    if (mode === 'explicit') {
      throw withPosition(`cannot cast type ${e.type.sqlName} to ${type.sqlName}`, '42846', location);
    }
    throw withPosition(
      `column is of type ${type.sqlName} but expression is of type ${e.type.sqlName}`,
      SQLSTATE.datatypeMismatch,
      location,
    );
  }
  const explicit = mode === 'explicit';
  const apply = type.applyTypmod;
  const fn =
    typmod >= 0 && apply !== undefined
      ? (args: Value[], c: Parameters<typeof cast>[1]): Value => {
          const v = cast(args[0] as Value, c);
          return v === null ? null : apply(v, typmod, explicit);
        }
      : (args: Value[], c: Parameters<typeof cast>[1]): Value => cast(args[0] as Value, c);
  const folded = foldConstant(e, fn, ctx);
  if (folded !== undefined) return { kind: 'const', type, typmod, value: folded, literal: false };
  return { kind: 'call', name: `::${type.name}`, fn: (a, c) => fn(a, c.typeContext), args: [e], type, typmod, strict: true, volatile: false };
}

function foldConstant(e: BoundExpr, fn: (args: Value[], c: BindContext['typeContext']) => Value, ctx: BindContext): Value | undefined {
  if (e.kind !== 'const') return undefined;
  return e.value === null ? null : fn([e.value], ctx.typeContext);
}

export function bindCast(ctx: BindContext, e: BoundExpr, type: SqlType, typmod: number, location?: number): BoundExpr {
  return coerce(ctx, e, type, typmod, 'explicit', location);
}

/** `e` as the boolean a clause needs; `node` (its AST) gives errors PostgreSQL's position. */
export function coerceToBool(ctx: BindContext, e: BoundExpr, clause: string, node?: unknown): BoundExpr {
  const mismatch = (message: string): SqlError => {
    const at = leftmostLocation(node);
    return new SqlError(SQLSTATE.datatypeMismatch, message, { position: at === undefined ? undefined : at + 1 });
  };
  if (returnsSet(e)) throw mismatch(`argument of ${clause} must not return a set`);
  if (e.type.oid === OID.bool) return e;
  if (isUnknown(e)) return coerce(ctx, e, BOOL(), -1, 'implicit');
  throw mismatch(`argument of ${clause} must be type boolean, not type ${e.type.sqlName}`);
}

/** Binds `left op right` (left undefined for a prefix operator). */
export function bindOperator(ctx: BindContext, op: string, left: BoundExpr | undefined, right: BoundExpr, location?: number): BoundExpr {
  const match = withLocation(location, () => functions.resolveOperator(op, left?.type, right.type));
  const args: BoundExpr[] = [];
  if (left !== undefined) args.push(coerce(ctx, left, match.leftType as SqlType, -1, 'implicit', location));
  args.push(coerce(ctx, right, match.rightType, -1, 'implicit', location));
  const impl = match.impl;
  const scalar: functions.ScalarImpl =
    left === undefined ? (v, c) => impl(v[0] as Value, null, c) : (v, c) => impl(v[0] as Value, v[1] as Value, c);
  return finishCall(op, scalar, args, match.resultType, match.strict, false);
}

/**
 * Binds a function call. A set-returning function becomes a call whose value is its rows (an
 * iterable, or NULL for none) handed to `setReturning` (which places it, or rejects it there).
 */
export function bindFunctionCall(
  ctx: BindContext,
  name: string,
  args: BoundExpr[],
  location?: number,
  setReturning?: (call: CallExpr) => BoundExpr,
): BoundExpr {
  const match = withLocation(location, () => functions.resolveFunction(name, args.map((a) => a.type)));
  const coerced = args.map((a, i) => coerce(ctx, a, match.argTypes[i] ?? a.type, -1, 'implicit', location));
  if (match.setReturning) {
    if (setReturning === undefined) throw notSupported(`set-returning function ${name}()`, location);
    const impl = match.impl;
    const fn = (values: Value[], c: { typeContext: BindContext['typeContext'] }): Value => impl(values, c.typeContext);
    return setReturning({ kind: 'call', name, fn, args: coerced, type: match.resultType, typmod: -1, strict: match.strict, volatile: match.volatile });
  }
  return finishCall(name, match.impl, coerced, match.resultType, match.strict, match.volatile);
}

function finishCall(
  name: string,
  impl: functions.ScalarImpl,
  args: BoundExpr[],
  type: SqlType,
  strict: boolean,
  volatile: boolean,
): BoundExpr {
  const fn = (values: Value[], c: { typeContext: BindContext['typeContext'] }): Value => impl(values, c.typeContext);
  if (!volatile && args.every((a) => a.kind === 'const')) {
    const values = args.map((a) => (a as ConstExpr).value);
    if (!(strict && values.some((v) => v === null))) {
      return { kind: 'const', type, typmod: -1, value: impl(values, DEFAULT_CTX), literal: false };
    }
    return { kind: 'const', type, typmod: -1, value: null, literal: false };
  }
  return { kind: 'call', name, fn, args, type, typmod: -1, strict, volatile };
}

/** The common type of a set of expressions (CASE, COALESCE, VALUES, UNION), PostgreSQL's rules. */
export function commonType(ctx: BindContext, exprs: readonly BoundExpr[], context: string, location?: number): { type: SqlType; typmod: number } {
  void ctx;
  const known = exprs.filter((e) => !isUnknown(e));
  if (known.length === 0) return { type: TEXT(), typmod: -1 };
  const type = withLocation(location, () => functions.commonType(known.map((e) => e.type), context));
  const typmods = new Set(known.map(typmodOf));
  return { type, typmod: typmods.size === 1 && known.every((e) => e.type.oid === type.oid) ? typmodOf(known[0] as BoundExpr) : -1 };
}

export interface ResolvedAggregate {
  readonly args: BoundExpr[];
  readonly impl: AggregateFunction;
  readonly strict: boolean;
  readonly type: SqlType;
}

export function resolveAggregate(ctx: BindContext, name: string, args: BoundExpr[], star: boolean, location?: number): ResolvedAggregate {
  if (star && name !== 'count') throw withPosition(`${name}(*) specified, but ${name} is not an aggregate function`, '42809', location);
  const match = withLocation(location, () => functions.resolveAggregate(name, star ? [] : args.map((a) => a.type)));
  const coerced = args.map((a, i) => coerce(ctx, a, match.argTypes[i] ?? a.type, -1, 'implicit', location));
  const tc = ctx.typeContext;
  const impl: AggregateFunction = {
    init: () => match.init(),
    step: (state, values) => match.step(state, values as Value[], tc),
    final: (state) => match.final(state, tc),
  };
  return { args: coerced, impl, strict: !star && match.strict, type: match.returnType };
}

/** Runs a resolution, adding the statement position to an error that lacks one. */
function withLocation<T>(location: number | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof SqlError && error.position === undefined && location !== undefined && location >= 0) {
      throw new SqlError(error.code, error.message, { position: location + 1, detail: error.detail, hint: error.hint });
    }
    throw error;
  }
}
