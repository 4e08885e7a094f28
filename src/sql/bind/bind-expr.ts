/**
 * Binds an expression AST into a BoundExpr: resolves column references against a Scope, literals
 * and parameters to types, and operators, functions and casts through resolve.ts (which applies
 * PostgreSQL's resolution and coercion rules from src/sql/functions).
 *
 * - AST node kinds the binder does not implement are rejected with 0A000 naming them.
 * - Aggregates are only legal where an AggCollector is passed (select list, HAVING, ORDER BY of
 *   a grouped query); elsewhere they are 42803 as in PostgreSQL.
 */
import type { Node, A_Const, A_Expr, FuncCall, CaseExpr as AstCase, TypeCast, SQLValueFunction, SubLink } from '../parse.js';
import { bindSubLink } from './bind-sublink.js';
import { bindArrayCompare } from './bind-array-compare.js';
import { bindArrayExpr, bindIndirection } from './bind-array-expr.js';
import { nodeTag } from '../parse.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { BoundExpr, ConstExpr } from './bound-expr.js';
import type { BindContext } from './bind-context.js';
import type { Scope } from './scope.js';
import { notSupported, withPosition } from './bind-errors.js';
import { stringList } from './ast-util.js';
import {
  BOOL,
  UNKNOWN,
  bindOperator,
  bindCast,
  bindFunctionCall,
  coerceToBool,
  commonType,
  coerce,
  literalConst,
  numericLiteral,
  resolveTypeName,
} from './resolve.js';
import type { AggCollector } from './agg-collector.js';
import { windowNotAllowed, type WindowCollector } from './window-collector.js';
import { bindSpecialFunction } from './special-functions.js';
import { bindSqlValueFunction } from './sql-value-functions.js';
import { isAggregateName } from '../functions/index.js';
import { checkNoSrfIn, srfNotAllowed, type SrfCollector } from './srf-collector.js';

export interface ExprEnv {
  readonly ctx: BindContext;
  readonly scope: Scope;
  /** Where aggregates go; undefined where they are not allowed. */
  readonly aggs: AggCollector | undefined;
  /** Where window function calls go; absent where they are not allowed. */
  readonly windows?: WindowCollector | undefined;
  /** Where set-returning function calls go; absent where they are not allowed. */
  readonly srfs?: SrfCollector | undefined;
  /** For 42803 messages: "aggregate functions are not allowed in WHERE". */
  readonly clause: string;
}

export function bindExpr(node: Node, env: ExprEnv): BoundExpr {
  const tag = nodeTag(node);
  const body = (node as Record<string, unknown>)[tag];
  switch (tag) {
    case 'A_Const':
      return bindConst(body as A_Const);
    case 'ColumnRef':
      return bindColumnRef(body as { fields?: Node[]; location?: number }, env);
    case 'ParamRef':
      return bindParam(body as { number?: number; location?: number }, env);
    case 'A_Expr':
      return bindAExpr(body as A_Expr, env);
    case 'BoolExpr':
      return bindBoolExpr(body as { boolop?: string; args?: Node[] }, env);
    case 'NullTest': {
      const n = body as { arg?: Node; nulltesttype?: string };
      return { kind: 'isnull', arg: bindExpr(n.arg as Node, env), negate: n.nulltesttype === 'IS_NOT_NULL', type: BOOL() };
    }
    case 'BooleanTest':
      return bindBooleanTest(body as { arg?: Node; booltesttype?: string }, env);
    case 'TypeCast':
      return bindTypeCast(body as TypeCast, env);
    case 'FuncCall':
      return bindFuncCall(body as FuncCall, env);
    case 'CaseExpr':
      return bindCase(body as AstCase, env);
    case 'CoalesceExpr':
      return bindCoalesce((body as { args?: Node[] }).args ?? [], env);
    case 'MinMaxExpr':
      return bindMinMax(body as { op?: string; args?: Node[]; location?: number }, env);
    case 'SQLValueFunction':
      return bindSqlValueFunction(body as SQLValueFunction, env.ctx);
    case 'CollateClause':
      return bindCollate(body as { arg?: Node; collname?: Node[]; location?: number }, env);
    case 'SubLink':
      return bindSubLink(body as SubLink, env, bindExpr);
    case 'A_ArrayExpr':
      return bindArrayExpr(body as { elements?: Node[]; location?: number }, env, bindExpr);
    case 'A_Indirection':
      return bindIndirection(body as { arg?: Node; indirection?: Node[] }, env, bindExpr);
    default:
      throw notSupported(exprFeatureName(tag), locationOf(body));
  }
}

function exprFeatureName(tag: string): string {
  const names: Record<string, string> = {
    SubLink: 'subquery in expression',
    A_ArrayExpr: 'ARRAY constructor',
    A_Indirection: 'subscript or field selection',
    RowExpr: 'row constructor',
    GroupingFunc: 'GROUPING()',
  };
  return names[tag] ?? `expression ${tag}`;
}

export function locationOf(body: unknown): number | undefined {
  if (body !== null && typeof body === 'object' && 'location' in body) {
    const l = (body as { location?: unknown }).location;
    return typeof l === 'number' ? l : undefined;
  }
  return undefined;
}

export function bindConst(c: A_Const): ConstExpr {
  if (c.isnull === true) return literalConst(null);
  if (c.ival !== undefined) return numericLiteral(String(c.ival.ival ?? 0));
  if (c.fval !== undefined) return numericLiteral(c.fval.fval ?? '0');
  if (c.sval !== undefined) return c.location === undefined ? literalConst(c.sval.sval ?? '') : { ...literalConst(c.sval.sval ?? ''), location: c.location };
  if (c.boolval !== undefined) return { kind: 'const', type: BOOL(), typmod: -1, value: c.boolval.boolval === true, literal: false };
  if (c.bsval !== undefined) throw notSupported('bit string literal', c.location);
  throw notSupported('constant', c.location);
}

function bindColumnRef(ref: { fields?: Node[]; location?: number }, env: ExprEnv): BoundExpr {
  const fields = ref.fields ?? [];
  const parts: string[] = [];
  for (const f of fields) {
    if ('A_Star' in f) throw withPosition('row expansion via "*" is not supported here', SQLSTATE.featureNotSupported, ref.location);
    if (!('String' in f)) throw notSupported('column reference form', ref.location);
    parts.push(f.String.sval ?? '');
  }
  if (parts.length > 3) throw notSupported('cross-database reference', ref.location);
  try {
    return env.scope.resolve(parts, ref.location);
  } catch (error) {
    const outer = resolveOuter(parts, env, ref.location);
    if (outer === undefined) throw error;
    return outer;
  }
}

/** A reference to an enclosing query's column (innermost enclosing scope first). */
function resolveOuter(parts: string[], env: ExprEnv, location: number | undefined): BoundExpr | undefined {
  const outer = env.ctx.outer ?? [];
  for (let i = outer.length - 1; i >= 0; i--) {
    const level = outer[i] as NonNullable<typeof env.ctx.outer>[number];
    let col;
    try {
      col = level.scope.resolve(parts, location);
    } catch (error) {
      if (error instanceof SqlError && error.code === SQLSTATE.ambiguousColumn) throw error;
      continue;
    }
    for (let k = i; k < outer.length; k++) (outer[k] as typeof level).correlated.value = true;
    level.reads.push(col);
    return { kind: 'outer', depth: outer.length - i, slot: col.slot, type: col.type, typmod: col.typmod, name: col.name };
  }
  return undefined;
}

function bindParam(p: { number?: number; location?: number }, env: ExprEnv): BoundExpr {
  const index = (p.number ?? 0) - 1;
  if (index < 0 || index >= 65535) throw withPosition(`there is no parameter $${index + 1}`, '42P02', p.location);
  while (env.ctx.paramTypes.length <= index) env.ctx.paramTypes.push(undefined);
  const type = env.ctx.paramTypes[index] ?? UNKNOWN();
  return { kind: 'param', index, type, typmod: -1 };
}

function opName(names: Node[] | undefined, location?: number): string {
  const parts = stringList(names);
  if (parts.length === 2 && parts[0] === 'pg_catalog') return parts[1] as string;
  if (parts.length !== 1) throw notSupported('schema-qualified operator', location);
  return parts[0] as string;
}

function bindAExpr(e: A_Expr, env: ExprEnv): BoundExpr {
  const loc = e.location;
  switch (e.kind) {
    case 'AEXPR_OP': {
      const left = e.lexpr === undefined ? undefined : bindExpr(e.lexpr, env);
      const right = bindExpr(e.rexpr as Node, env);
      return bindOperator(env.ctx, opName(e.name, loc), left, right, loc);
    }
    case 'AEXPR_IN':
      return bindInList(e, env);
    case 'AEXPR_LIKE':
    case 'AEXPR_ILIKE': {
      const op = opName(e.name, loc);
      return bindOperator(env.ctx, op, bindExpr(e.lexpr as Node, env), bindExpr(e.rexpr as Node, env), loc);
    }
    case 'AEXPR_BETWEEN':
    case 'AEXPR_NOT_BETWEEN':
      return bindBetween(e, env);
    case 'AEXPR_NULLIF': {
      const left = bindExpr(e.lexpr as Node, env);
      const right = bindExpr(e.rexpr as Node, env);
      const eq = bindOperator(env.ctx, '=', left, right, loc);
      const cond: BoundExpr = { kind: 'booltest', arg: eq, test: 'true', negate: false, type: BOOL() };
      const nullOfType: BoundExpr = { kind: 'const', type: left.type, typmod: -1, value: null, literal: false };
      return { kind: 'case', whens: [{ cond, result: nullOfType }], otherwise: left, type: left.type, typmod: -1 };
    }
    case 'AEXPR_DISTINCT':
    case 'AEXPR_NOT_DISTINCT':
      return bindDistinctFrom(e, env);
    case 'AEXPR_OP_ANY':
    case 'AEXPR_OP_ALL':
      return bindArrayCompare(e, env, bindExpr);
    default:
      throw notSupported(`operator form ${String(e.kind)}`, loc);
  }
}

/** a IS [NOT] DISTINCT FROM b: null-safe equality. */
function bindDistinctFrom(e: A_Expr, env: ExprEnv): BoundExpr {
  const left = bindExpr(e.lexpr as Node, env);
  const right = bindExpr(e.rexpr as Node, env);
  const eq = bindOperator(env.ctx, '=', left, right, e.location);
  const bothNull: BoundExpr = {
    kind: 'and',
    args: [
      { kind: 'isnull', arg: left, negate: false, type: BOOL() },
      { kind: 'isnull', arg: right, negate: false, type: BOOL() },
    ],
    type: BOOL(),
  };
  const oneNull: BoundExpr = {
    kind: 'or',
    args: [
      { kind: 'isnull', arg: left, negate: false, type: BOOL() },
      { kind: 'isnull', arg: right, negate: false, type: BOOL() },
    ],
    type: BOOL(),
  };
  const notDistinct: BoundExpr = {
    kind: 'case',
    whens: [
      { cond: bothNull, result: boolConst(true) },
      { cond: oneNull, result: boolConst(false) },
    ],
    otherwise: eq,
    type: BOOL(),
    typmod: -1,
  };
  return e.kind === 'AEXPR_NOT_DISTINCT' ? notDistinct : { kind: 'not', args: [notDistinct], type: BOOL() };
}

export function boolConst(value: boolean | null): ConstExpr {
  return { kind: 'const', type: BOOL(), typmod: -1, value, literal: false };
}

function bindInList(e: A_Expr, env: ExprEnv): BoundExpr {
  const rexpr = e.rexpr as Node;
  if (!('List' in rexpr)) throw notSupported('IN (subquery)', e.location);
  const left = bindExpr(e.lexpr as Node, env);
  const items = (rexpr.List.items ?? []).map((n) => bindExpr(n, env));
  const negate = opName(e.name, e.location) === '<>';
  const comparisons = items.map((item) => bindOperator(env.ctx, '=', left, item, e.location));
  return { kind: 'in', comparisons, negate, type: BOOL() };
}

function bindBetween(e: A_Expr, env: ExprEnv): BoundExpr {
  const arg = bindExpr(e.lexpr as Node, env);
  const bounds = e.rexpr !== undefined && 'List' in e.rexpr ? (e.rexpr.List.items ?? []) : [];
  if (bounds.length !== 2) throw notSupported('BETWEEN form', e.location);
  const low = bindExpr(bounds[0] as Node, env);
  const high = bindExpr(bounds[1] as Node, env);
  if (e.kind === 'AEXPR_BETWEEN') {
    const args = [bindOperator(env.ctx, '>=', arg, low, e.location), bindOperator(env.ctx, '<=', arg, high, e.location)];
    return { kind: 'and', args, type: BOOL() };
  }
  const args = [bindOperator(env.ctx, '<', arg, low, e.location), bindOperator(env.ctx, '>', arg, high, e.location)];
  return { kind: 'or', args, type: BOOL() };
}

function bindBoolExpr(b: { boolop?: string; args?: Node[]; location?: number }, env: ExprEnv): BoundExpr {
  const args = (b.args ?? []).map((a) => coerceToBool(env.ctx, bindExpr(a, env), boolOpName(b.boolop), a));
  if (b.boolop === 'AND_EXPR') return { kind: 'and', args, type: BOOL() };
  if (b.boolop === 'OR_EXPR') return { kind: 'or', args, type: BOOL() };
  return { kind: 'not', args, type: BOOL() };
}

function boolOpName(op: string | undefined): string {
  return op === 'AND_EXPR' ? 'AND' : op === 'OR_EXPR' ? 'OR' : 'NOT';
}

function bindBooleanTest(b: { arg?: Node; booltesttype?: string }, env: ExprEnv): BoundExpr {
  const t = b.booltesttype ?? 'IS_TRUE';
  const arg = coerceToBool(env.ctx, bindExpr(b.arg as Node, env), t.replaceAll('_', ' '), b.arg);
  const negate = t.startsWith('IS_NOT_');
  const test = t.endsWith('TRUE') ? 'true' : t.endsWith('FALSE') ? 'false' : 'unknown';
  return { kind: 'booltest', arg, test, negate, type: BOOL() };
}

function bindTypeCast(c: TypeCast, env: ExprEnv): BoundExpr {
  const arg = bindExpr(c.arg as Node, env);
  const { type, typmod } = resolveTypeName(env.ctx, c.typeName ?? {});
  return bindCast(env.ctx, arg, type, typmod, c.location);
}

function bindFuncCall(f: FuncCall, env: ExprEnv): BoundExpr {
  const names = stringList(f.funcname);
  const name = names[names.length - 1] as string;
  if (names.length > 2 || (names.length === 2 && names[0] !== 'pg_catalog')) {
    throw withPosition(`function ${names.join('.')} does not exist`, SQLSTATE.undefinedFunction, f.location);
  }
  if (f.over !== undefined) {
    if (env.windows === undefined) throw windowNotAllowed(env.clause, f.location);
    return env.windows.add(f, name, env);
  }
  if (f.agg_within_group === true) throw notSupported('WITHIN GROUP', f.location);
  if (f.func_variadic === true) throw notSupported('VARIADIC', f.location);
  const aggregate = env.ctx !== undefined && isAggregateCall(name, f);
  if (aggregate) {
    if (env.aggs === undefined) {
      throw withPosition(`aggregate functions are not allowed in ${env.clause}`, SQLSTATE.groupingError, f.location);
    }
    return env.aggs.add(f, name, env);
  }
  if (f.agg_star === true || f.agg_distinct === true || f.agg_order !== undefined || f.agg_filter !== undefined) {
    throw withPosition(`${name}(*) specified, but ${name} is not an aggregate function`, SQLSTATE.syntaxError, f.location);
  }
  const args = (f.args ?? []).map((a) => bindExpr(a, env));
  const special = bindSpecialFunction(env.ctx, name, args, f.location);
  if (special !== undefined) return special;
  return bindFunctionCall(env.ctx, name, args, f.location, (call) => {
    if (env.srfs === undefined) throw srfNotAllowed(env.clause, f.location);
    return env.srfs.add(call, f.location);
  });
}

function isAggregateCall(name: string, f: FuncCall): boolean {
  return isAggregateName(name) || f.agg_star === true;
}

export const AGGREGATE_NAMES: ReadonlySet<string> = new Set([
  'count', 'sum', 'avg', 'min', 'max', 'bool_and', 'bool_or', 'every', 'string_agg', 'array_agg',
  'stddev', 'stddev_samp', 'stddev_pop', 'variance', 'var_samp', 'var_pop', 'bit_and', 'bit_or',
]);

function bindCase(c: AstCase, env: ExprEnv): BoundExpr {
  const srfsBefore = env.srfs?.addedCount ?? 0;
  const bound = bindCaseBody(c, env);
  checkNoSrfIn('CASE', env.srfs, srfsBefore);
  return bound;
}

function bindCaseBody(c: AstCase, env: ExprEnv): BoundExpr {
  const operand = c.arg === undefined ? undefined : bindExpr(c.arg, env);
  const whens: Array<{ cond: BoundExpr; result: BoundExpr }> = [];
  for (const w of c.args ?? []) {
    if (!('CaseWhen' in w)) throw notSupported('CASE form', c.location);
    const raw = bindExpr(w.CaseWhen.expr as Node, env);
    const cond =
      operand === undefined ? coerceToBool(env.ctx, raw, 'CASE/WHEN', w.CaseWhen.expr) : bindOperator(env.ctx, '=', operand, raw, w.CaseWhen.location);
    whens.push({ cond, result: bindExpr(w.CaseWhen.result as Node, env) });
  }
  const otherwise = c.defresult === undefined ? undefined : bindExpr(c.defresult, env);
  // PostgreSQL resolves the type with the ELSE result first (transformCaseExpr).
  const results = (otherwise === undefined ? [] : [otherwise]).concat(whens.map((w) => w.result));
  const { type, typmod } = commonType(env.ctx, results, 'CASE', c.location);
  const unified = whens.map((w) => ({ cond: w.cond, result: coerce(env.ctx, w.result, type, typmod, 'implicit', c.location) }));
  const other = otherwise === undefined ? nullConst(type) : coerce(env.ctx, otherwise, type, typmod, 'implicit', c.location);
  return { kind: 'case', whens: unified, otherwise: other, type, typmod };
}

export function nullConst(type: BoundExpr['type']): ConstExpr {
  return { kind: 'const', type, typmod: -1, value: null, literal: false };
}

function bindCoalesce(argNodes: Node[], env: ExprEnv): BoundExpr {
  const srfsBefore = env.srfs?.addedCount ?? 0;
  const args = argNodes.map((a) => bindExpr(a, env));
  checkNoSrfIn('COALESCE', env.srfs, srfsBefore);
  const { type, typmod } = commonType(env.ctx, args, 'COALESCE');
  return { kind: 'coalesce', args: args.map((a) => coerce(env.ctx, a, type, typmod, 'implicit')), type, typmod };
}

function bindMinMax(m: { op?: string; args?: Node[]; location?: number }, env: ExprEnv): BoundExpr {
  const args = (m.args ?? []).map((a) => bindExpr(a, env));
  const label = m.op === 'IS_GREATEST' ? 'GREATEST' : 'LEAST';
  const { type, typmod } = commonType(env.ctx, args, label, m.location);
  const coerced = args.map((a) => coerce(env.ctx, a, type, typmod, 'implicit', m.location));
  const greatest = m.op === 'IS_GREATEST';
  return {
    kind: 'call',
    name: label.toLowerCase(),
    fn: (values) => {
      let best: unknown = null;
      for (const v of values) {
        if (v === null) continue;
        if (best === null || (greatest ? type.compare(v, best as object) > 0 : type.compare(v, best as object) < 0)) best = v;
      }
      return best as BoundExpr extends never ? never : ReturnType<typeof type.fromText>;
    },
    args: coerced,
    type,
    typmod,
    strict: false,
    volatile: false,
  };
}

function bindCollate(c: { arg?: Node; collname?: Node[]; location?: number }, env: ExprEnv): BoundExpr {
  const name = stringList(c.collname).join('.');
  if (!['C', 'default', 'pg_catalog.default', 'POSIX', 'pg_catalog.C', 'pg_catalog.POSIX'].includes(name)) {
    throw new SqlError(SQLSTATE.undefinedObject, `collation "${name}" for encoding "UTF8" does not exist`, {
      position: c.location === undefined ? undefined : c.location + 1,
    });
  }
  // Every text comparison already uses the "C" collation; these collations change nothing.
  return bindExpr(c.arg as Node, env);
}
