/**
 * HashAggregate: groups input rows by the group-key expressions and folds each group's rows into
 * its aggregates (init / step / final). Output rows are group keys followed by aggregate results,
 * in first-seen group order. Without GROUP BY it returns exactly one row, even for empty input.
 *
 * - Strict aggregates skip rows where any argument is NULL; FILTER skips rows where it is not true.
 * - DISTINCT aggregates keep a per-group set of argument keys.
 * - At most `groupsMax` groups (53200 past it; no spill yet).
 */
import type { SqlType, Value } from '../../catalog/types/sql-type.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { BoundExpr } from '../bind/bound-expr.js';
import type { AggregateCall } from '../plan/logical-plan.js';
import { compileExpr, type Evaluator, type Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import { ArrayCursor, type ExplainNode, type PhysicalPlan, type RowCursor } from './operator.js';
import { rowKey } from './row-key.js';
import { formatExpr } from '../plan/format-expr.js';

export const AGGREGATE_GROUPS_MAX = 5_000_000;

interface CompiledAgg {
  readonly call: AggregateCall;
  readonly args: readonly Evaluator[];
  readonly argTypes: readonly SqlType[];
  readonly filter: Evaluator | undefined;
  /** ORDER BY inside the call: its key evaluators, types and directions. */
  readonly order: ReadonlyArray<{ evaluate: Evaluator; type: SqlType; direction: number; nullsFirst: boolean }>;
}

interface Group {
  readonly keys: Value[];
  readonly states: unknown[];
  readonly seen: Array<Set<string> | undefined>;
  /** Buffered (args, sort keys) of ordered aggregates, stepped in order at the end. */
  readonly buffered: Array<Array<{ args: Value[]; keys: Value[] }> | undefined>;
}

export class HashAggregatePlan implements PhysicalPlan {
  private readonly keyEvals: readonly Evaluator[];
  private readonly keyTypes: readonly SqlType[];
  private readonly aggs: readonly CompiledAgg[];
  readonly width: number;

  constructor(
    readonly input: PhysicalPlan,
    readonly groupKeys: readonly BoundExpr[],
    readonly aggregates: readonly AggregateCall[],
  ) {
    this.keyEvals = groupKeys.map(compileExpr);
    this.keyTypes = groupKeys.map((k) => k.type);
    this.aggs = aggregates.map((call) => ({
      call,
      args: call.args.map(compileExpr),
      argTypes: call.args.map((a) => a.type),
      filter: call.filter === undefined ? undefined : compileExpr(call.filter),
      order: call.orderBy.map((k) => ({ evaluate: compileExpr(k.expr), type: k.expr.type, direction: k.descending ? -1 : 1, nullsFirst: k.nullsFirst })),
    }));
    this.width = groupKeys.length + aggregates.length;
  }

  explain(): ExplainNode {
    const details = this.groupKeys.length === 0 ? [] : [`Group Key: ${this.groupKeys.map(formatExpr).join(', ')}`];
    return { label: this.groupKeys.length === 0 ? 'Aggregate' : 'HashAggregate', details, children: [this.input] };
  }

  open(ctx: ExecContext): RowCursor {
    const groups = new Map<string, Group>();
    const input = this.input.open(ctx);
    try {
      for (let row = input.next(); row !== undefined; row = input.next()) {
        ctx.checkCancel();
        this.accumulate(this.groupOf(groups, row, ctx), row, ctx);
      }
    } finally {
      input.close();
    }
    if (groups.size === 0 && this.groupKeys.length === 0) groups.set('', this.newGroup([]));
    const out: Row[] = [];
    for (const g of groups.values()) {
      const row: Row = [...g.keys];
      this.aggs.forEach((a, i) => {
        const buffered = g.buffered[i];
        if (buffered !== undefined) {
          buffered.sort((x, y) => compareOrder(a, x.keys, y.keys));
          for (const b of buffered) g.states[i] = a.call.impl.step(g.states[i], b.args);
        }
        row.push(a.call.impl.final(g.states[i]) as Value);
      });
      out.push(row);
    }
    return new ArrayCursor(out);
  }

  private newGroup(keys: Value[]): Group {
    return {
      keys,
      states: this.aggs.map((a) => a.call.impl.init()),
      seen: this.aggs.map((a) => (a.call.distinct ? new Set<string>() : undefined)),
      buffered: this.aggs.map((a) => (a.order.length > 0 ? [] : undefined)),
    };
  }

  private groupOf(groups: Map<string, Group>, row: Row, ctx: ExecContext): Group {
    const keys = this.keyEvals.map((e) => e(row, ctx));
    const key = keys.length === 0 ? '' : rowKey(this.keyTypes, keys);
    let g = groups.get(key);
    if (g === undefined) {
      if (groups.size >= AGGREGATE_GROUPS_MAX) throw new SqlError(SQLSTATE.outOfMemory, `aggregation exceeds ${AGGREGATE_GROUPS_MAX} groups`);
      g = this.newGroup(keys);
      groups.set(key, g);
    }
    return g;
  }

  private accumulate(g: Group, row: Row, ctx: ExecContext): void {
    for (let i = 0; i < this.aggs.length; i++) {
      const a = this.aggs[i] as CompiledAgg;
      if (a.filter !== undefined && a.filter(row, ctx) !== true) continue;
      const args = a.args.map((e) => e(row, ctx));
      if (a.call.strict && args.some((v) => v === null)) continue;
      const seen = g.seen[i];
      if (seen !== undefined) {
        const k = rowKey(a.argTypes, args);
        if (seen.has(k)) continue;
        seen.add(k);
      }
      const buffered = g.buffered[i];
      if (buffered !== undefined) buffered.push({ args, keys: a.order.map((k) => k.evaluate(row, ctx)) });
      else g.states[i] = a.call.impl.step(g.states[i], args);
    }
  }
}

function compareOrder(a: CompiledAgg, x: Value[], y: Value[]): number {
  for (let i = 0; i < a.order.length; i++) {
    const k = a.order[i] as CompiledAgg['order'][number];
    const u = x[i] ?? null;
    const v = y[i] ?? null;
    if (u === null || v === null) {
      if (u === v) continue;
      return (u === null) === k.nullsFirst ? -1 : 1;
    }
    const c = k.type.compare(u, v);
    if (c !== 0) return c * k.direction;
  }
  return 0;
}
