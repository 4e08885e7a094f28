/**
 * The bound expression tree: what the binder produces from the parser's AST and what the
 * expression compiler (exec/compile-expr.ts) turns into closures. No parser types appear here.
 *
 * - Every node carries its result type (and typmod where it has one).
 * - `column` reads slot `slot` of the row the expression is evaluated against; the binder and the
 *   planner agree on the layout (a join's row is its left row followed by its right row).
 * - `call` functions are pure in their arguments unless `volatile` is set (nextval, random, now…);
 *   strict ones return NULL on any NULL argument without being called.
 */
import type { SqlType, Value } from '../../catalog/types/sql-type.js';
import type { ExecContext } from '../exec/exec-context.js';
import type { PhysicalPlan } from '../exec/operator.js';

export type ScalarFn = (args: Value[], ctx: ExecContext) => Value;

export interface ConstExpr {
  readonly kind: 'const';
  readonly type: SqlType;
  readonly typmod: number;
  readonly value: Value;
  /** True for an untyped literal ('abc', NULL) whose type is still 'unknown'. */
  readonly literal: boolean;
  /** Where a literal stands in the statement (0-based): its input errors point there. */
  readonly location?: number;
}

export interface ParamExpr {
  readonly kind: 'param';
  /** 0-based. */
  readonly index: number;
  readonly type: SqlType;
  readonly typmod: number;
}

export interface ColumnExpr {
  readonly kind: 'column';
  readonly slot: number;
  readonly type: SqlType;
  readonly typmod: number;
  readonly name: string;
  /** Source table oid and attnum (0 when computed), for RowDescription. */
  readonly tableOid: number;
  readonly attnum: number;
  /** Where the reference was written (0-based), for error positions; not part of exprKey. */
  readonly location?: number;
}

export interface CallExpr {
  readonly kind: 'call';
  /** Display name ('int4pl', '+', 'lower', '::int8'). */
  readonly name: string;
  readonly fn: ScalarFn;
  readonly args: readonly BoundExpr[];
  readonly type: SqlType;
  readonly typmod: number;
  readonly strict: boolean;
  readonly volatile: boolean;
}

export interface BoolExpr {
  readonly kind: 'and' | 'or' | 'not';
  readonly args: readonly BoundExpr[];
  readonly type: SqlType;
}

export interface NullTestExpr {
  readonly kind: 'isnull';
  readonly arg: BoundExpr;
  readonly negate: boolean;
  readonly type: SqlType;
}

/** IS [NOT] TRUE / FALSE / UNKNOWN. */
export interface BoolTestExpr {
  readonly kind: 'booltest';
  readonly arg: BoundExpr;
  readonly test: 'true' | 'false' | 'unknown';
  readonly negate: boolean;
  readonly type: SqlType;
}

export interface CaseExpr {
  readonly kind: 'case';
  readonly whens: ReadonlyArray<{ readonly cond: BoundExpr; readonly result: BoundExpr }>;
  readonly otherwise: BoundExpr;
  readonly type: SqlType;
  readonly typmod: number;
}

export interface CoalesceExpr {
  readonly kind: 'coalesce';
  readonly args: readonly BoundExpr[];
  readonly type: SqlType;
  readonly typmod: number;
}

/** x IN (a, b, …): each element already compared through `eq` (a bound boolean expr). */
export interface InListExpr {
  readonly kind: 'in';
  readonly comparisons: readonly BoundExpr[];
  readonly negate: boolean;
  readonly type: SqlType;
}

/** A column of an enclosing query's current row (correlated subquery); depth 1 = the parent. */
export interface OuterColumnExpr {
  readonly kind: 'outer';
  readonly depth: number;
  readonly slot: number;
  readonly type: SqlType;
  readonly typmod: number;
  readonly name: string;
}

/**
 * A subquery in an expression: scalar (first column of at most one row), EXISTS, or
 * ANY / ALL (IN is = ANY) comparing `test` with each row's first column through `compare`,
 * a boolean expression over the two-slot row [test value, subquery value].
 */
export interface SubqueryExpr {
  readonly kind: 'subquery';
  readonly mode: 'scalar' | 'exists' | 'any' | 'all' | 'array';
  readonly plan: PhysicalPlan;
  readonly test: BoundExpr | undefined;
  readonly compare: BoundExpr | undefined;
  /** Reads columns of enclosing rows: evaluated per row instead of once per statement. */
  readonly correlated: boolean;
  /** The columns of the row it is evaluated against that it reads (at any nesting depth). */
  readonly outerReads?: readonly ColumnExpr[];
  readonly type: SqlType;
  readonly typmod: number;
  readonly id: number;
}

/** The result of aggregate number `index` (valid only above a HashAggregate). */
export interface AggRefExpr {
  readonly kind: 'aggref';
  readonly index: number;
  readonly type: SqlType;
  readonly typmod: number;
}

export type BoundExpr =
  | ConstExpr
  | ParamExpr
  | ColumnExpr
  | CallExpr
  | BoolExpr
  | NullTestExpr
  | BoolTestExpr
  | CaseExpr
  | CoalesceExpr
  | InListExpr
  | AggRefExpr
  | OuterColumnExpr
  | SubqueryExpr;

export function typmodOf(e: BoundExpr): number {
  return 'typmod' in e ? e.typmod : -1;
}

/** Children of a node, for generic walks. */
export function childrenOf(e: BoundExpr): readonly BoundExpr[] {
  switch (e.kind) {
    case 'call':
    case 'and':
    case 'or':
    case 'not':
    case 'coalesce':
      return e.args;
    case 'isnull':
    case 'booltest':
      return [e.arg];
    case 'case':
      return [...e.whens.flatMap((w) => [w.cond, w.result]), e.otherwise];
    case 'in':
      return e.comparisons;
    case 'subquery':
      return e.test === undefined ? [] : [e.test];
    default:
      return [];
  }
}

/** A structural key: equal keys ⇒ same computation (used to match GROUP BY expressions). */
export function exprKey(e: BoundExpr): string {
  switch (e.kind) {
    case 'const':
      return `c:${e.type.oid}:${e.value === null ? 'null' : typeof e.value === 'string' ? JSON.stringify(e.value) : String(e.type.hashKey(e.value))}`;
    case 'param':
      return `p:${e.index}`;
    case 'column':
      return `col:${e.slot}`;
    case 'aggref':
      return `agg:${e.index}`;
    case 'outer':
      return `outer:${e.depth}:${e.slot}`;
    case 'subquery':
      return `subquery:${e.id}`;
    case 'call':
      return `${e.name}(${e.args.map(exprKey).join(',')})`;
    default:
      return `${e.kind}(${childrenOf(e).map(exprKey).join(',')})`;
  }
}

export function isVolatile(e: BoundExpr): boolean {
  if (e.kind === 'call' && e.volatile) return true;
  if (e.kind === 'subquery') return true;
  return childrenOf(e).some(isVolatile);
}

/** Whether the expression reads any column or aggregate (else it is constant per execution). */
export function readsRow(e: BoundExpr): boolean {
  if (e.kind === 'column' || e.kind === 'aggref') return true;
  return childrenOf(e).some(readsRow);
}

/** Rebuilds `e` with each child replaced by f(child) (leaves are returned as is). */
export function mapChildren(e: BoundExpr, f: (child: BoundExpr) => BoundExpr): BoundExpr {
  switch (e.kind) {
    case 'call':
      return { ...e, args: e.args.map(f) };
    case 'and':
    case 'or':
    case 'not':
      return { ...e, args: e.args.map(f) };
    case 'coalesce':
      return { ...e, args: e.args.map(f) };
    case 'isnull':
    case 'booltest':
      return { ...e, arg: f(e.arg) };
    case 'case':
      return { ...e, whens: e.whens.map((w) => ({ cond: f(w.cond), result: f(w.result) })), otherwise: f(e.otherwise) };
    case 'in':
      return { ...e, comparisons: e.comparisons.map(f) };
    case 'subquery':
      return e.test === undefined ? e : { ...e, test: f(e.test) };
    default:
      return e;
  }
}

/** Shifts every column slot by `offset` (an expression moved onto a wider row). */
export function shiftSlots(e: BoundExpr, offset: number): BoundExpr {
  if (offset === 0) return e;
  if (e.kind === 'column') return { ...e, slot: e.slot + offset };
  return mapChildren(e, (c) => shiftSlots(c, offset));
}

/** Every column slot the expression reads. */
export function slotsRead(e: BoundExpr, out: Set<number> = new Set()): Set<number> {
  if (e.kind === 'column') out.add(e.slot);
  for (const c of childrenOf(e)) slotsRead(c, out);
  return out;
}
