/**
 * Delete: removes each target row (and its index entries) after materializing the rows to
 * delete; a row matched several times (DELETE … USING) is deleted once.
 * - Referential actions (ON DELETE CASCADE, …) run once every target row is deleted, as
 *   PostgreSQL's RI triggers do (fk-actions.ts).
 */
import type { BoundExpr } from '../bind/bound-expr.js';
import { compileExpr, type Evaluator, type Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { DmlPlan, DmlResult } from './dml-plan.js';
import type { PhysicalPlan } from './operator.js';
import type { TableWriter } from './table-writer.js';
import { materialize } from './nested-loop-join.js';
import { RiQueue } from './fk-actions.js';

export class DeletePlan implements DmlPlan {
  readonly command = 'DELETE' as const;
  private readonly returningEvals: readonly Evaluator[] | undefined;

  constructor(
    readonly writer: TableWriter,
    readonly source: PhysicalPlan,
    returning: readonly BoundExpr[] | undefined,
  ) {
    this.returningEvals = returning?.map(compileExpr);
  }

  get targetName(): string {
    return this.writer.table.name;
  }

  run(ctx: ExecContext): DmlResult {
    const width = this.writer.table.columns.length;
    const seen = new Set<string>();
    const rows: Row[] = [];
    const riQueue = this.writer.referencing.length > 0 ? new RiQueue() : undefined;
    let count = 0;
    for (const source of materialize(this.source, ctx)) {
      ctx.checkCancel();
      const key = source[width] as Uint8Array;
      const id = Buffer.from(key).toString('latin1');
      if (seen.has(id)) continue;
      seen.add(id);
      const target = source.slice(0, width + 1);
      this.writer.delete(target, ctx, riQueue);
      count++;
      if (this.returningEvals !== undefined) rows.push(this.returningEvals.map((e) => e(source, ctx)));
    }
    riQueue?.drain(ctx);
    return { count, rows };
  }
}
