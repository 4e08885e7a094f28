/**
 * SrfCollector: gathers the set-returning function calls (unnest, generate_series, …) of a
 * SELECT's select list, ORDER BY, DISTINCT ON, GROUP BY and window definitions (or of a single
 * INSERT … VALUES row) while they are bound, replacing each by a placeholder ColumnExpr (slot
 * SRF_SLOT_BASE - index). `placeSrfs` then stacks one ProjectSet
 * node per nesting level above the query's (grouped, windowed) row and moves the placeholders
 * onto the slots those nodes append — PostgreSQL 10+'s ProjectSet semantics.
 *
 * - A call's level is one more than the deepest SRF among its arguments
 *   (`generate_series(1, generate_series(1, 3))` is level 2 over level 1); the calls of one
 *   level run in lockstep in one ProjectSet node.
 * - Calls a GROUP BY key or a window's PARTITION BY / ORDER BY reads are placed first, below the
 *   Aggregate / WindowAgg (`placeSrfs(input, only)`), the rest above, as PostgreSQL plans them.
 * - Placeholders lie far below the window collector's (-1 - index), so the two never meet.
 * - Identical calls share one slot unless an argument is volatile (lockstep makes them equal).
 * - Where SRFs may not appear, `srfNotAllowed` gives PostgreSQL's SQLSTATE and message.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { BoundExpr, CallExpr, ColumnExpr } from './bound-expr.js';
import { childrenOf, exprKey, isVolatile, mapChildren } from './bound-expr.js';
import { notSupported } from './bind-errors.js';
import type { LogicalPlan } from '../plan/logical-plan.js';

/** Placeholder slots are SRF_SLOT_BASE - index; window placeholders are -1 - index (> this). */
export const SRF_SLOT_BASE = -(2 ** 30);

const LATERAL_HINT = 'You might be able to move the set-returning function into a LATERAL FROM item.';

interface SrfCall {
  call: CallExpr;
  /** Whether a ProjectSet computes it already (placeholders of it are gone). */
  placed: boolean;
}

export class SrfCollector {
  readonly calls: SrfCall[] = [];
  private readonly keys: string[] = [];
  /** Location of the last call added (PostgreSQL's p_last_srf), for the CASE / COALESCE errors. */
  lastLocation: number | undefined;
  /** Calls added so far, shared ones included (CASE / COALESCE compare it before and after). */
  addedCount = 0;

  add(call: CallExpr, location: number | undefined): ColumnExpr {
    const key = call.args.some(isVolatile) ? undefined : exprKey(call);
    let index = key === undefined ? -1 : this.keys.indexOf(key);
    if (index < 0) {
      index = this.calls.length;
      this.keys.push(key ?? '');
      this.calls.push({ call, placed: false });
    }
    this.lastLocation = location;
    this.addedCount++;
    return { kind: 'column', slot: SRF_SLOT_BASE - index, type: call.type, typmod: call.typmod, name: '', tableOid: 0, attnum: 0 };
  }

  /** Whether calls remain that no ProjectSet computes yet. */
  get pending(): boolean {
    return this.calls.some((c) => !c.placed);
  }

  /** Rewrites the arguments of every call not yet placed (onto a grouped row, onto window slots). */
  rewrite(f: (e: BoundExpr) => BoundExpr): void {
    for (const c of this.calls) if (!c.placed) c.call = { ...c.call, args: c.call.args.map(f) };
  }

  /** The calls `exprs` read, with the calls their arguments read (nested SRFs). */
  readBy(exprs: readonly BoundExpr[]): Set<number> {
    const out = new Set<number>();
    const visit = (e: BoundExpr): void => {
      const index = srfIndex(e);
      if (index === undefined) return childrenOf(e).forEach(visit);
      if (out.has(index)) return;
      out.add(index);
      (this.calls[index] as SrfCall).call.args.forEach(visit);
    };
    exprs.forEach(visit);
    return out;
  }

  /** Nesting level of call `index`: one more than the deepest call among its arguments. */
  private level(index: number, memo: Map<number, number>): number {
    const known = memo.get(index);
    if (known !== undefined) return known;
    const nested = [...this.readBy((this.calls[index] as SrfCall).call.args)];
    const level = 1 + nested.reduce((deepest, i) => Math.max(deepest, this.level(i, memo)), 0);
    memo.set(index, level);
    return level;
  }

  /**
   * Stacks ProjectSet nodes over `input` for the pending calls (those in `only`, which must hold
   * the calls their arguments read, when given): one node per nesting level, the calls of a level
   * in lockstep. `place` moves placeholders of these calls onto the slots of the topmost node.
   */
  placeSrfs(input: LogicalPlan, only?: ReadonlySet<number>): { plan: LogicalPlan; place: (e: BoundExpr) => BoundExpr } {
    const memo = new Map<number, number>();
    const chosen = this.calls.map((_, i) => i).filter((i) => !(this.calls[i] as SrfCall).placed && (only === undefined || only.has(i)));
    const order = chosen.sort((a, b) => this.level(a, memo) - this.level(b, memo) || a - b);
    const slots = new Map<number, number>();
    order.forEach((index, at) => slots.set(index, input.width + at));
    const place = (e: BoundExpr): BoundExpr => placeSrfRefs(e, slots);
    let plan = input;
    for (let at = 0; at < order.length; ) {
      const level = this.level(order[at] as number, memo);
      const calls: BoundExpr[] = [];
      for (; at < order.length && this.level(order[at] as number, memo) === level; at++) {
        const c = this.calls[order[at] as number] as SrfCall;
        calls.push({ ...c.call, args: c.call.args.map(place) });
        c.placed = true;
      }
      plan = { kind: 'project-set', input: plan, calls, width: plan.width + calls.length };
    }
    return { plan, place };
  }
}

/** The collector index of an SRF placeholder, else undefined. */
function srfIndex(e: BoundExpr): number | undefined {
  return e.kind === 'column' && e.slot <= SRF_SLOT_BASE ? SRF_SLOT_BASE - e.slot : undefined;
}

function placeSrfRefs(e: BoundExpr, slots: ReadonlyMap<number, number>): BoundExpr {
  const index = srfIndex(e);
  const slot = index === undefined ? undefined : slots.get(index);
  if (slot !== undefined) return { ...(e as ColumnExpr), slot };
  return mapChildren(e, (c) => placeSrfRefs(c, slots));
}

/** Whether the expression holds an SRF placeholder (it returns a set). */
export function returnsSet(e: BoundExpr): boolean {
  return srfIndex(e) !== undefined || childrenOf(e).some(returnsSet);
}

/** Whether `e` is an SRF placeholder (window placement leaves these alone). */
export function isSrfPlaceholder(e: BoundExpr): boolean {
  return srfIndex(e) !== undefined;
}

/** An SRF where none may appear (`clause` as ExprEnv.clause names it), as PostgreSQL words it. */
export function srfNotAllowed(clause: string, location: number | undefined): SqlError {
  const position = location === undefined || location < 0 ? undefined : location + 1;
  const error = (message: string): SqlError => new SqlError(SQLSTATE.featureNotSupported, message, { position, hint: LATERAL_HINT });
  if (clause === 'aggregate function calls') return error('aggregate function calls cannot contain set-returning function calls');
  if (clause === 'window function calls') return error('window function calls cannot contain set-returning function calls');
  if (clause === 'functions in FROM') return new SqlError(SQLSTATE.featureNotSupported, 'set-returning functions must appear at top level of FROM', { position });
  if (clause === 'window frame') return new SqlError(SQLSTATE.featureNotSupported, 'set-returning functions are not allowed in window definitions', { position });
  if (SUPPORTED_ELSEWHERE.has(clause)) return notSupported(`set-returning function in ${clause}`, location);
  return new SqlError(SQLSTATE.featureNotSupported, `set-returning functions are not allowed in ${clause}`, { position });
}

/** Clauses where PostgreSQL accepts an SRF and stratadb does not (yet). */
const SUPPORTED_ELSEWHERE = new Set(['RETURNING']);

/** CASE and COALESCE may not hold an SRF (0A000 at the last SRF bound, as PostgreSQL reports it). */
export function checkNoSrfIn(construct: 'CASE' | 'COALESCE', srfs: SrfCollector | undefined, countBefore: number): void {
  if (srfs === undefined || srfs.addedCount === countBefore) return;
  const location = srfs.lastLocation;
  const position = location === undefined || location < 0 ? undefined : location + 1;
  throw new SqlError(SQLSTATE.featureNotSupported, `set-returning functions are not allowed in ${construct}`, { position, hint: LATERAL_HINT });
}
