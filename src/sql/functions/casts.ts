/**
 * Cast lookup and implementations (PostgreSQL's find_coercion_pathway and the cast functions).
 * - findCast(source, target, context) returns an implementation only when pg_cast (cast-table.ts)
 *   or an I/O conversion allows it in that context: implicit ⊂ assignment ⊂ explicit.
 * - unknown (untyped literals) converts to any type implicitly through the target's input.
 * - Implementations convert values only; the target typmod is applied by castValue /
 *   applyTypmod afterwards (length coercion, numeric rounding).
 */
import { SqlError } from '../../util/index.js';
import { OID, type SqlType, type Value } from '../../catalog/types/index.js';
import { castContextOf, isStringOid } from './cast-table.js';
import type { CastContext, CastImpl, EvalContext } from './function-types.js';
import { CONVERSIONS } from './conversions.js';

const RANK: Record<CastContext, number> = { i: 0, a: 1, e: 2 };

/** The context in which source → target is allowed, or undefined when it is not at all. */
export function castContext(source: SqlType, target: SqlType): CastContext | undefined {
  if (source.oid === target.oid) return 'i';
  if (source.oid === OID.unknown) return 'i';
  const direct = castContextOf(source.oid, target.oid);
  if (direct !== undefined) return direct;
  // int2vector / oidvector convert to arrays (binary-coercible in PostgreSQL), never the reverse.
  if (source.element !== undefined && target.element !== undefined && target.lowerBound === undefined) {
    return castContext(source.element, target.element);
  }
  if (target.oid === OID.text || target.oid === OID.varchar || target.oid === OID.bpchar || target.oid === OID.name) {
    return source.element === undefined || target.oid !== OID.name ? 'a' : undefined;
  }
  if (isStringOid(source.oid)) return 'e';
  return undefined;
}

/** Whether source can be coerced to target in `context` (used by operator/function resolution). */
export function canCoerce(source: SqlType, target: SqlType, context: CastContext): boolean {
  const allowed = castContext(source, target);
  return allowed !== undefined && RANK[allowed] <= RANK[context];
}

export function cannotCast(source: SqlType, target: SqlType): SqlError {
  return new SqlError('42846', `cannot cast type ${source.sqlName} to ${target.sqlName}`);
}

function identity(v: Value): Value {
  return v;
}

function castArray(source: SqlType, target: SqlType): CastImpl {
  const inner = castImplFor(source.element as SqlType, target.element as SqlType);
  const walk = (a: Value[], ctx: EvalContext): Value[] =>
    a.map((x) => (x === null ? null : Array.isArray(x) ? walk(x, ctx) : inner(x, ctx)));
  return (v, ctx) => walk(v as Value[], ctx);
}

/** The conversion function for source → target, regardless of context. */
export function castImplFor(source: SqlType, target: SqlType): CastImpl {
  if (source.oid === target.oid) return identity;
  const direct = CONVERSIONS.get(source.oid * 100000 + target.oid);
  if (direct !== undefined) return direct;
  if (source.element !== undefined && target.element !== undefined) return castArray(source, target);
  if (isStringOid(target.oid)) {
    if (source.oid === OID.bpchar) return (v) => (v as string).replace(/ +$/, '');
    return (v, ctx) => source.toText(v, ctx);
  }
  if (isStringOid(source.oid) || source.oid === OID.unknown) {
    return (v, ctx) => target.fromText(source.oid === OID.bpchar ? (v as string).replace(/ +$/, '') : (v as string), -1, ctx);
  }
  throw cannotCast(source, target);
}

/**
 * The cast to run for source → target in `context`, or undefined when that context does not
 * allow it (the caller raises its own error: 42846 for CAST, 42804 for assignment).
 */
export function findCast(source: SqlType, target: SqlType, context: CastContext): CastImpl | undefined {
  if (!canCoerce(source, target, context)) return undefined;
  return castImplFor(source, target);
}

/** Applies the target's typmod (explicit: truncate instead of raising 22001). */
export function applyTypmod(target: SqlType, v: Value, typmod: number, explicit: boolean): Value {
  if (v === null || typmod < 0 || target.applyTypmod === undefined) return v;
  return target.applyTypmod(v, typmod, explicit);
}

/** Casts a value (CAST / ::): conversion, then the typmod. Throws 42846 when no cast exists. */
export function castValue(v: Value, source: SqlType, target: SqlType, typmod: number, ctx: EvalContext, explicit = true): Value {
  if (v === null) return null;
  const impl = findCast(source, target, explicit ? 'e' : 'a');
  if (impl === undefined) throw cannotCast(source, target);
  // As PostgreSQL's coerce_type: the input function runs without the typmod, which is then
  // applied with the cast's own (explicit or assignment) semantics.
  const converted = source.oid === OID.unknown ? target.fromText(v as string, -1, ctx) : impl(v, ctx);
  return applyTypmod(target, converted, typmod, explicit);
}
