/**
 * WindowAgg: evaluates window function calls. Materializes its input, then for each call sorts the
 * rows by PARTITION BY then ORDER BY keys (stable), splits partitions, numbers peer groups (rows
 * equal under ORDER BY) and computes one value per row, appended after the input row's slots
 * (call i at slot input.width + i). Rows come out in the order of the last call's sort.
 *
 * - Ranking, lag/lead and ntile go through computeWindow; first_value/last_value/nth_value and
 *   aggregates read their frame (ROWS offsets, RANGE peers, UNBOUNDED) per row.
 * - An aggregate's FILTER (WHERE …) is evaluated once per row; rows where it is not true are
 *   left out of every frame that holds them.
 * - Aggregates over a frame are recomputed per row: O(rows × frame); fine for in-memory sizes.
 * - EXPLAIN shows the first call's sort as a Sort child (PostgreSQL plans an explicit Sort).
 * - At most `WINDOW_ROWS_MAX` input rows are held (53200 past it, like Sort).
 */
import type { SqlType, Value } from '../../catalog/types/sql-type.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { WindowCall, FrameBound } from '../bind/window-collector.js';
import { computeWindow } from '../functions/index.js';
import { compileExpr, type Evaluator, type Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import { ArrayCursor, type ExplainNode, type PhysicalPlan, type RowCursor } from './operator.js';
import { SortPlan } from './sort.js';

export const WINDOW_ROWS_MAX = 5_000_000;

interface CompiledCall {
  readonly call: WindowCall;
  readonly args: readonly Evaluator[];
  readonly filter: Evaluator | undefined;
  readonly keys: readonly Evaluator[];
  readonly keyTypes: readonly SqlType[];
  readonly directions: readonly number[];
  readonly nullsFirst: readonly boolean[];
  readonly partitionCount: number;
}

export class WindowAggPlan implements PhysicalPlan {
  readonly width: number;
  private readonly compiled: readonly CompiledCall[];

  constructor(
    readonly input: PhysicalPlan,
    readonly calls: readonly WindowCall[],
  ) {
    this.width = input.width + calls.length;
    this.compiled = calls.map((call) => {
      const keyExprs = [...call.partition, ...call.order.map((k) => k.expr)];
      return {
        call,
        args: call.args.map(compileExpr),
        filter: call.filter === undefined ? undefined : compileExpr(call.filter),
        keys: keyExprs.map(compileExpr),
        keyTypes: keyExprs.map((e) => e.type),
        directions: [...call.partition.map(() => 1), ...call.order.map((k) => (k.descending ? -1 : 1))],
        nullsFirst: [...call.partition.map(() => false), ...call.order.map((k) => k.nullsFirst)],
        partitionCount: call.partition.length,
      };
    });
  }

  /** As PostgreSQL prints it: the sort the (first) window needs appears as a Sort child. */
  explain(): ExplainNode {
    const c = this.calls[0];
    if (c === undefined || c.partition.length + c.order.length === 0) return { label: 'WindowAgg', details: [], children: [this.input] };
    const keys = [...c.partition.map((expr) => ({ expr, descending: false, nullsFirst: false })), ...c.order];
    return { label: 'WindowAgg', details: [], children: [new SortPlan(this.input, keys)] };
  }

  open(ctx: ExecContext): RowCursor {
    const input = this.input.open(ctx);
    const rows: Row[] = [];
    try {
      for (let row = input.next(); row !== undefined; row = input.next()) {
        ctx.checkCancel();
        if (rows.length >= WINDOW_ROWS_MAX) throw new SqlError(SQLSTATE.outOfMemory, `window input exceeds ${WINDOW_ROWS_MAX} rows`);
        const wide = row.slice();
        wide.length = this.width;
        rows.push(wide);
      }
    } finally {
      input.close();
    }
    let order: number[] = rows.map((_, i) => i);
    this.compiled.forEach((c, i) => {
      order = evaluateCall(c, rows, this.input.width + i, ctx);
    });
    return new ArrayCursor(order.map((i) => rows[i] as Row));
  }
}

/** Computes one call into slot `slot` of every row; returns the row order it sorted by. */
function evaluateCall(c: CompiledCall, rows: Row[], slot: number, ctx: ExecContext): number[] {
  const keys = rows.map((r) => c.keys.map((k) => k(r, ctx)));
  const order = rows.map((_, i) => i);
  order.sort((a, b) => compare(c, keys[a] as Value[], keys[b] as Value[], 0, c.keys.length) || a - b);
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    const first = keys[order[start] as number] as Value[];
    while (end < order.length && compare(c, first, keys[order[end] as number] as Value[], 0, c.partitionCount) === 0) end++;
    const members = order.slice(start, end);
    const peers = new Array<number>(members.length);
    let group = 0;
    for (let j = 0; j < members.length; j++) {
      if (j > 0 && compare(c, keys[members[j - 1] as number] as Value[], keys[members[j] as number] as Value[], c.partitionCount, c.keys.length) !== 0) group++;
      peers[j] = group;
    }
    const args = members.map((i) => c.args.map((a) => a(rows[i] as Row, ctx)));
    const filter = c.filter;
    const passes = filter === undefined ? undefined : members.map((i) => filter(rows[i] as Row, ctx) === true);
    const values = partitionValues(c.call, args, peers, passes);
    for (let j = 0; j < members.length; j++) (rows[members[j] as number] as Row)[slot] = values[j] as Value;
    start = end;
  }
  return order;
}

function compare(c: CompiledCall, a: Value[], b: Value[], from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === null || y === null) {
      if (x === y) continue;
      return (x === null) === c.nullsFirst[i] ? -1 : 1;
    }
    const r = (c.keyTypes[i] as SqlType).compare(x, y);
    if (r !== 0) return r * (c.directions[i] as number);
  }
  return 0;
}

/** `passes[i]` false: row i is left out of aggregates (FILTER); undefined when there is no FILTER. */
function partitionValues(call: WindowCall, args: Value[][], peers: number[], passes: readonly boolean[] | undefined): Value[] {
  const kind = call.kind;
  if (kind !== undefined && kind !== 'first_value' && kind !== 'last_value' && kind !== 'nth_value') {
    return computeWindow(kind, { args, peers });
  }
  const n = args.length;
  const out = new Array<Value>(n);
  for (let row = 0; row < n; row++) {
    const lo = Math.max(0, bound(call.frame.start, call.frame.rows, row, peers, true));
    const hi = Math.min(n - 1, bound(call.frame.end, call.frame.rows, row, peers, false));
    out[row] = kind === undefined ? aggregateFrame(call, args, lo, hi, passes) : frameValue(kind, args, row, lo, hi);
  }
  return out;
}

function frameValue(kind: 'first_value' | 'last_value' | 'nth_value', args: Value[][], row: number, lo: number, hi: number): Value {
  if (kind === 'first_value') return lo <= hi ? ((args[lo] as Value[])[0] as Value) : null;
  if (kind === 'last_value') return lo <= hi ? ((args[hi] as Value[])[0] as Value) : null;
  const nth = (args[row] as Value[])[1] as number | null;
  if (nth === null) return null;
  if (nth <= 0) throw new SqlError('22016', 'argument of nth_value must be greater than zero');
  const at = lo + nth - 1;
  return at <= hi ? ((args[at] as Value[])[0] as Value) : null;
}

/** First (start) or last (end) row index of the frame of `row`. */
function bound(b: FrameBound, rows: boolean, row: number, peers: number[], start: boolean): number {
  switch (b.kind) {
    case 'unbounded': return start ? 0 : peers.length - 1;
    case 'preceding': return row - b.offset;
    case 'following': return row + b.offset;
    case 'current': {
      if (rows) return row;
      let at = row;
      if (start) while (at > 0 && peers[at - 1] === peers[row]) at--;
      else while (at + 1 < peers.length && peers[at + 1] === peers[row]) at++;
      return at;
    }
  }
}

function aggregateFrame(call: WindowCall, args: Value[][], lo: number, hi: number, passes: readonly boolean[] | undefined): Value {
  const agg = call.aggregate;
  if (agg === undefined) throw new Error(`window call ${call.name} has no implementation`);
  let state = agg.impl.init();
  for (let i = lo; i <= hi; i++) {
    const a = args[i] as Value[];
    if (passes !== undefined && passes[i] !== true) continue;
    if (agg.strict && a.some((v) => v === null)) continue;
    state = agg.impl.step(state, a);
  }
  return agg.impl.final(state) as Value;
}
