/**
 * Recursive Union (WITH RECURSIVE): emits the non-recursive term's rows, then repeatedly runs the
 * recursive term over the working table (the rows the previous iteration produced) and emits its
 * rows, until an iteration produces none. UNION ALL keeps duplicates; UNION drops rows already
 * produced (NULLs equal), which is what lets a walk over a cyclic graph terminate.
 *
 * - Rows stream out an iteration at a time, so a LIMIT above an unbounded recursion stops it.
 * - The working table is per execution: WorkTableScanPlan keeps its rows keyed by ExecContext,
 *   so the immutable plan stays shareable between sessions.
 * - Safety limits (named, raising 54000 program_limit_exceeded instead of running forever):
 *   recursionIterationsMax iterations and recursionRowsMax rows produced in total.
 * - ctx.checkCancel() runs once per iteration and per emitted row (cancel, statement_timeout).
 */
import type { SqlType } from '../../catalog/types/sql-type.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import { ArrayCursor, type ExplainNode, type PhysicalPlan, type RowCursor } from './operator.js';
import { materialize } from './nested-loop-join.js';
import { rowKey } from './row-key.js';

export interface RecursionLimits {
  /** Iterations of the recursive term before the query fails. */
  readonly recursionIterationsMax: number;
  /** Rows produced by the whole recursive query (both terms) before it fails. */
  readonly recursionRowsMax: number;
}

export const DEFAULT_RECURSION_LIMITS: RecursionLimits = { recursionIterationsMax: 100_000, recursionRowsMax: 10_000_000 };

/** The recursive term's reference to the CTE: reads the current working table. */
export class WorkTableScanPlan implements PhysicalPlan {
  private readonly rowsByCtx = new WeakMap<ExecContext, readonly Row[]>();

  constructor(
    readonly name: string,
    readonly width: number,
  ) {}

  setRows(ctx: ExecContext, rows: readonly Row[]): void {
    this.rowsByCtx.set(ctx, rows);
  }

  explain(): ExplainNode {
    return { label: `WorkTable Scan on ${this.name}`, details: [], children: [] };
  }

  open(ctx: ExecContext): RowCursor {
    return new ArrayCursor(this.rowsByCtx.get(ctx) ?? []);
  }
}

export class RecursiveUnionPlan implements PhysicalPlan {
  readonly width: number;

  constructor(
    readonly name: string,
    readonly all: boolean,
    readonly nonRecursive: PhysicalPlan,
    readonly recursive: PhysicalPlan,
    readonly workTable: WorkTableScanPlan,
    readonly types: readonly SqlType[],
    readonly limits: RecursionLimits = DEFAULT_RECURSION_LIMITS,
  ) {
    this.width = nonRecursive.width;
  }

  explain(): ExplainNode {
    return { label: 'Recursive Union', details: [], children: [this.nonRecursive, this.recursive] };
  }

  open(ctx: ExecContext): RowCursor {
    return new RecursiveUnionCursor(this, ctx);
  }
}

class RecursiveUnionCursor implements RowCursor {
  private batch: Row[];
  private at = 0;
  private iterations = 0;
  private produced = 0;
  private readonly seen: Set<string> | undefined;
  private done = false;

  constructor(
    private readonly plan: RecursiveUnionPlan,
    private readonly ctx: ExecContext,
  ) {
    this.seen = plan.all ? undefined : new Set<string>();
    this.batch = this.accept(materialize(plan.nonRecursive, ctx));
  }

  next(): Row | undefined {
    this.ctx.checkCancel();
    while (!this.done) {
      if (this.at < this.batch.length) return this.batch[this.at++];
      if (this.batch.length === 0) break;
      this.iterate();
    }
    this.done = true;
    return undefined;
  }

  close(): void {
    this.done = true;
    this.batch = [];
    this.plan.workTable.setRows(this.ctx, []);
  }

  private iterate(): void {
    const { limits, name } = this.plan;
    this.iterations++;
    if (this.iterations > limits.recursionIterationsMax) {
      throw new SqlError(SQLSTATE.programLimitExceeded, `recursive query "${name}" exceeded recursionIterationsMax (${limits.recursionIterationsMax} iterations)`, {
        hint: 'Check that the recursive term stops producing rows, or use UNION instead of UNION ALL.',
      });
    }
    this.ctx.checkCancel();
    this.plan.workTable.setRows(this.ctx, this.batch);
    const rows = materialize(this.plan.recursive, this.ctx);
    this.batch = this.accept(rows);
    this.at = 0;
  }

  /** Drops rows already produced (UNION) and counts the rest against recursionRowsMax. */
  private accept(rows: Row[]): Row[] {
    const seen = this.seen;
    let kept = rows;
    if (seen !== undefined) {
      kept = [];
      for (const r of rows) {
        const k = rowKey(this.plan.types, r);
        if (seen.has(k)) continue;
        seen.add(k);
        kept.push(r);
      }
    }
    this.produced += kept.length;
    const max = this.plan.limits.recursionRowsMax;
    if (this.produced > max) {
      throw new SqlError(SQLSTATE.programLimitExceeded, `recursive query "${this.plan.name}" exceeded recursionRowsMax (${max} rows)`);
    }
    return kept;
  }
}
