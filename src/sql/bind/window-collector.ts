/**
 * WindowCollector: gathers the window function calls (`f(…) OVER (…)`) of a SELECT while its
 * select list and ORDER BY are bound, replacing each by a placeholder ColumnExpr with a negative
 * slot (-1 - index). Once the WindowAgg node's input width is known, `placeWindowRefs` moves the
 * placeholders onto the slots the WindowAgg appends after its input row.
 *
 * - Arguments, PARTITION BY and ORDER BY are bound in the calling env (aggregates allowed, as in
 *   `sum(count(*)) OVER ()`); window calls inside them are rejected (42P20).
 * - An aggregate over a window may have FILTER (WHERE …) (no aggregates, window calls or SRFs in
 *   it); PostgreSQL's own 0A000s stay: FILTER on a window function proper, DISTINCT, and ORDER BY
 *   inside the call. Set-returning calls may appear in PARTITION BY / ORDER BY (they run below
 *   the WindowAgg, bind-select.ts), not in the arguments.
 * - Frames: ROWS with UNBOUNDED / CURRENT ROW / constant offsets, RANGE with UNBOUNDED /
 *   CURRENT ROW (peers). RANGE offsets, GROUPS and EXCLUDE are rejected as not supported.
 * - Named windows (WINDOW w AS (…), OVER w, OVER (w ORDER BY …)) are resolved from the SELECT's
 *   WINDOW clause.
 * - Identical calls (same function, arguments and window) share one slot.
 */
import type { FuncCall, Node, SortBy, WindowDef } from '../parse.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { BoundExpr, ColumnExpr } from './bound-expr.js';
import { exprKey, mapChildren } from './bound-expr.js';
import type { AggregateFunction, SortKey } from '../plan/logical-plan.js';
import { withPosition } from './bind-errors.js';
import { bindExpr, type ExprEnv } from './bind-expr.js';
import { coerce, coerceToBool, resolveAggregate, INT8 } from './resolve.js';
import { isSrfPlaceholder } from './srf-collector.js';
import { sortKey } from './bind-select.js';
import { isAggregateName, isWindowFunctionName, resolveWindowFunction, type WindowKind } from '../functions/index.js';
import type { SqlType } from '../../catalog/types/index.js';

const WINDOWING_ERROR = '42P20';
const WRONG_OBJECT_TYPE = '42809';

/** One frame bound: offset is a row count for 'preceding'/'following' (ROWS only). */
export interface FrameBound {
  readonly kind: 'unbounded' | 'current' | 'preceding' | 'following';
  readonly offset: number;
}

export interface WindowFrame {
  readonly rows: boolean;
  readonly start: FrameBound;
  readonly end: FrameBound;
}

export interface WindowCall {
  readonly name: string;
  /** A window function proper, or undefined for an aggregate used over a window. */
  readonly kind: WindowKind | undefined;
  readonly aggregate: { readonly impl: AggregateFunction; readonly strict: boolean } | undefined;
  readonly args: readonly BoundExpr[];
  /** FILTER (WHERE …) of an aggregate over a window: rows where it is not true are skipped. */
  readonly filter: BoundExpr | undefined;
  readonly partition: readonly BoundExpr[];
  readonly order: readonly SortKey[];
  readonly frame: WindowFrame;
  readonly type: SqlType;
}

// PostgreSQL's FRAMEOPTION_* bits (nodes/parsenodes.h).
const F = {
  rows: 0x4, groups: 0x8,
  startUnboundedPreceding: 0x20, endUnboundedFollowing: 0x100,
  startCurrent: 0x200, endCurrent: 0x400,
  startPreceding: 0x800, endPreceding: 0x1000, startFollowing: 0x2000, endFollowing: 0x4000,
  exclude: 0x8000 | 0x10000 | 0x20000,
} as const;

export class WindowCollector {
  readonly calls: WindowCall[] = [];
  private readonly keys: string[] = [];
  private readonly named = new Map<string, WindowDef>();

  constructor(windowClause: readonly Node[] | undefined) {
    for (const n of windowClause ?? []) {
      const def = (n as { WindowDef: WindowDef }).WindowDef;
      if (def.name !== undefined) this.named.set(def.name, def);
    }
  }

  add(f: FuncCall, name: string, env: ExprEnv): ColumnExpr {
    const inner: ExprEnv = { ...env, windows: undefined, srfs: undefined, clause: 'window function calls' };
    let args = f.agg_star === true ? [] : (f.args ?? []).map((a: Node) => bindExpr(a, inner));
    const filterEnv: ExprEnv = { ...env, aggs: undefined, windows: undefined, srfs: undefined, clause: 'FILTER' };
    const filter = f.agg_filter === undefined ? undefined : coerceToBool(env.ctx, bindExpr(f.agg_filter, filterEnv), 'FILTER', f.agg_filter);
    if (f.agg_distinct === true) throw withPosition('DISTINCT is not implemented for window functions', SQLSTATE.featureNotSupported, f.location);
    if (f.agg_order !== undefined) throw withPosition('aggregate ORDER BY is not implemented for window functions', SQLSTATE.featureNotSupported, f.location);
    const def = this.resolveDef(f.over as WindowDef, f.location);
    let kind: WindowKind | undefined;
    let aggregate: WindowCall['aggregate'];
    let type: SqlType;
    if (isWindowFunctionName(name) && f.agg_star !== true) {
      if (filter !== undefined) throw withPosition('FILTER is not implemented for non-aggregate window functions', SQLSTATE.featureNotSupported, f.location);
      const resolved = resolveWindowFunction(name, args.map((a) => a.type));
      args = args.map((a, i) => coerce(env.ctx, a, resolved.argTypes[i] ?? a.type, -1, 'implicit', f.location));
      kind = resolved.kind;
      type = resolved.returnType;
    } else {
      if (!isAggregateName(name) && f.agg_star !== true) {
        throw withPosition(`OVER specified, but ${name} is not a window function nor an aggregate function`, WRONG_OBJECT_TYPE, f.location);
      }
      const spec = resolveAggregate(env.ctx, name, args, f.agg_star === true, f.location);
      args = spec.args;
      aggregate = { impl: spec.impl, strict: spec.strict };
      type = spec.type;
    }
    const defEnv: ExprEnv = { ...env, windows: undefined, clause: 'window definitions' };
    const partition = (def.partitionClause ?? []).map((n) => bindExpr(n, defEnv));
    const order = (def.orderClause ?? []).map((n) => {
      const by = (n as { SortBy: SortBy }).SortBy;
      return sortKey(by, bindExpr(by.node as Node, defEnv));
    });
    const frame = frameOf(def, env, f.location);
    const key = [name, args.map(exprKey).join(','), filter === undefined ? '' : exprKey(filter), partition.map(exprKey).join(','),
      order.map((k) => `${exprKey(k.expr)}:${k.descending}:${k.nullsFirst}`).join(','), JSON.stringify(frame)].join('|');
    let index = this.keys.indexOf(key);
    if (index < 0) {
      index = this.calls.length;
      this.keys.push(key);
      this.calls.push({ name, kind, aggregate, args, filter, partition, order, frame, type });
    }
    return { kind: 'column', slot: -1 - index, type, typmod: -1, name: '', tableOid: 0, attnum: 0 };
  }

  /** Rewrites every expression of every call (e.g. onto a grouped row). */
  rewrite(f: (e: BoundExpr) => BoundExpr): void {
    for (let i = 0; i < this.calls.length; i++) {
      const c = this.calls[i] as WindowCall;
      this.calls[i] = { ...c, args: c.args.map(f), filter: c.filter === undefined ? undefined : f(c.filter), partition: c.partition.map(f), order: c.order.map((k) => ({ ...k, expr: f(k.expr) })) };
    }
  }

  private resolveDef(over: WindowDef, location: number | undefined): WindowDef {
    if (over.name !== undefined) return this.lookup(over.name, location);
    if (over.refname === undefined) return over;
    const base = this.lookup(over.refname, location);
    if (over.partitionClause !== undefined) throw withPosition(`cannot override PARTITION BY clause of window "${over.refname}"`, WINDOWING_ERROR, location);
    if (over.orderClause !== undefined && base.orderClause !== undefined) {
      throw withPosition(`cannot override ORDER BY clause of window "${over.refname}"`, WINDOWING_ERROR, location);
    }
    return { ...over, partitionClause: base.partitionClause, orderClause: over.orderClause ?? base.orderClause };
  }

  private lookup(name: string, location: number | undefined): WindowDef {
    const def = this.named.get(name);
    if (def === undefined) throw withPosition(`window "${name}" does not exist`, SQLSTATE.undefinedObject, location);
    if (def.refname !== undefined) throw withPosition('window references to other windows are not supported', SQLSTATE.featureNotSupported, location);
    return def;
  }
}

function frameOf(def: WindowDef, env: ExprEnv, location: number | undefined): WindowFrame {
  const o = def.frameOptions ?? 0x2 | F.startUnboundedPreceding | F.endCurrent;
  if ((o & F.groups) !== 0 || (o & F.exclude) !== 0) throw withPosition('GROUPS frames and EXCLUDE are not supported', SQLSTATE.featureNotSupported, location);
  const rows = (o & F.rows) !== 0;
  const offsetOf = (n: Node | undefined): number => {
    if (!rows) throw withPosition('RANGE with offset PRECEDING/FOLLOWING is not supported', SQLSTATE.featureNotSupported, location);
    const e = coerce(env.ctx, bindExpr(n as Node, { ...env, aggs: undefined, windows: undefined, srfs: undefined, clause: 'window frame' }), INT8(), -1, 'implicit', location);
    if (e.kind !== 'const' || e.value === null) throw withPosition('frame offset must be a non-null constant', SQLSTATE.featureNotSupported, location);
    const v = Number(e.value);
    if (v < 0) throw new SqlError('22013', 'frame starting offset must not be negative');
    return v;
  };
  const start: FrameBound = (o & F.startCurrent) !== 0 ? { kind: 'current', offset: 0 }
    : (o & F.startPreceding) !== 0 ? { kind: 'preceding', offset: offsetOf(def.startOffset) }
      : (o & F.startFollowing) !== 0 ? { kind: 'following', offset: offsetOf(def.startOffset) }
        : { kind: 'unbounded', offset: 0 };
  const end: FrameBound = (o & F.endUnboundedFollowing) !== 0 ? { kind: 'unbounded', offset: 0 }
    : (o & F.endPreceding) !== 0 ? { kind: 'preceding', offset: offsetOf(def.endOffset) }
      : (o & F.endFollowing) !== 0 ? { kind: 'following', offset: offsetOf(def.endOffset) }
        : { kind: 'current', offset: 0 };
  return { rows, start, end };
}

/** Moves window placeholders (negative slots) onto the WindowAgg's output slots after `base`. */
export function placeWindowRefs(e: BoundExpr, base: number): BoundExpr {
  if (e.kind === 'column') return e.slot < 0 && !isSrfPlaceholder(e) ? { ...e, slot: base - 1 - e.slot } : e;
  return mapChildren(e, (c) => placeWindowRefs(c, base));
}

/** A window call where none may appear, with PostgreSQL's SQLSTATE and message. */
export function windowNotAllowed(clause: string, location: number | undefined): SqlError {
  if (clause === 'aggregate function calls') {
    return withPosition('aggregate function calls cannot contain window function calls', SQLSTATE.groupingError, location);
  }
  if (clause === 'window function calls') return withPosition('window function calls cannot be nested', '42P20', location);
  return withPosition(`window functions are not allowed in ${clause}`, '42P20', location);
}
