/**
 * Update: computes each target row's new version from SET expressions and writes it. The rows
 * to change are materialized before the first write (no Halloween problem: an updated row is
 * never visited again), and a row matched several times (UPDATE … FROM) is updated once.
 */
import type { BoundExpr } from '../bind/bound-expr.js';
import { compileExpr, type Evaluator, type Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { DmlPlan, DmlResult } from './dml-plan.js';
import type { PhysicalPlan } from './operator.js';
import type { TableWriter } from './table-writer.js';
import { materialize } from './nested-loop-join.js';

export class UpdatePlan implements DmlPlan {
  readonly command = 'UPDATE' as const;
  private readonly setEvals: readonly Evaluator[];
  private readonly returningEvals: readonly Evaluator[] | undefined;

  constructor(
    readonly writer: TableWriter,
    /** Rows whose first table-width + 1 slots are the target row and its key. */
    readonly source: PhysicalPlan,
    /** One expression per table column, over the source row. */
    set: readonly BoundExpr[],
    returning: readonly BoundExpr[] | undefined,
  ) {
    this.setEvals = set.map(compileExpr);
    this.returningEvals = returning?.map(compileExpr);
  }

  get targetName(): string {
    return this.writer.table.name;
  }

  run(ctx: ExecContext): DmlResult {
    const w = this.writer;
    const width = w.table.columns.length;
    const seen = new Set<string>();
    const rows: Row[] = [];
    let count = 0;
    for (const source of materialize(this.source, ctx)) {
      ctx.checkCancel();
      const oldKey = source[width] as Uint8Array;
      const id = Buffer.from(oldKey).toString('latin1');
      if (seen.has(id)) continue;
      seen.add(id);
      const updated = this.setEvals.map((e) => e(source, ctx));
      w.validate(updated, ctx);
      const newKey = w.table.hiddenRowId ? oldKey : w.codec.rowKey(updated);
      const clash = w.findConflict(updated, newKey, oldKey, ctx);
      if (clash !== undefined) throw w.uniqueViolation(clash.index, updated, ctx);
      w.update(source.slice(0, width + 1), updated, newKey, ctx);
      count++;
      if (this.returningEvals !== undefined) {
        // RETURNING sees the new target row and the FROM items' columns after it.
        const written = [...updated, newKey, ...source.slice(width + 1)];
        rows.push(this.returningEvals.map((e) => e(written, ctx)));
      }
    }
    return { count, rows };
  }
}
