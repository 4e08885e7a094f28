/**
 * Insert: writes each row of its source (already projected to the table's columns, defaults
 * applied, values coerced) after constraint checks; ON CONFLICT DO NOTHING skips a conflicting
 * row, DO UPDATE updates the existing row with SET expressions over (existing row, EXCLUDED row).
 */
import type { BoundExpr } from '../bind/bound-expr.js';
import type { IndexDesc } from '../../catalog/descriptors.js';
import { compileExpr, type Evaluator, type Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { DmlPlan, DmlResult } from './dml-plan.js';
import type { PhysicalPlan } from './operator.js';
import type { TableWriter } from './table-writer.js';
import { materialize } from './nested-loop-join.js';
import { RiQueue } from './fk-actions.js';

export interface OnConflict {
  readonly action: 'nothing' | 'update';
  /** The arbiter index (ON CONFLICT (cols) / ON CONSTRAINT); undefined = any unique index. */
  readonly arbiter: IndexDesc | undefined;
  /** SET expressions per table column over [existing row + key slot, excluded row]. */
  readonly set: readonly BoundExpr[];
  readonly where: BoundExpr | undefined;
}

export class InsertPlan implements DmlPlan {
  readonly command = 'INSERT' as const;
  private readonly returningEvals: readonly Evaluator[] | undefined;
  private readonly setEvals: readonly Evaluator[];
  private readonly whereEval: Evaluator | undefined;

  constructor(
    readonly writer: TableWriter,
    readonly source: PhysicalPlan,
    readonly onConflict: OnConflict | undefined,
    returning: readonly BoundExpr[] | undefined,
  ) {
    this.returningEvals = returning?.map(compileExpr);
    this.setEvals = onConflict?.set.map(compileExpr) ?? [];
    this.whereEval = onConflict?.where === undefined ? undefined : compileExpr(onConflict.where);
  }

  get targetName(): string {
    return this.writer.table.name;
  }

  run(ctx: ExecContext): DmlResult {
    const rows: Row[] = [];
    let count = 0;
    // Foreign keys are checked once every row is written (a row may reference one after it), as PostgreSQL's RI triggers do.
    const w = this.writer;
    const riQueue = w.foreignKeys.length > 0 || (this.onConflict?.action === 'update' && w.referencing.length > 0) ? new RiQueue() : undefined;
    // Materialized first: INSERT … SELECT from the same table must not see its own new rows.
    for (const source of materialize(this.source, ctx)) {
      ctx.checkCancel();
      const written = this.insertOne(source, ctx, riQueue);
      if (written === undefined) continue;
      count++;
      if (this.returningEvals !== undefined) rows.push(this.returningEvals.map((e) => e(written, ctx)));
    }
    riQueue?.drain(ctx);
    return { count, rows };
  }

  /** Returns the row written (with its key slot), or undefined when skipped. */
  private insertOne(row: Row, ctx: ExecContext, riQueue: RiQueue | undefined): Row | undefined {
    const w = this.writer;
    w.validate(row, ctx);
    const key = w.newRowKey(row, ctx);
    const arbiter = this.onConflict?.arbiter;
    const conflict = w.findConflict(row, key, undefined, ctx, arbiter);
    if (conflict === undefined) {
      // Conflicts on indexes other than the arbiter are errors, as in PostgreSQL.
      const other = arbiter === undefined ? undefined : w.findConflict(row, key, undefined, ctx);
      if (other !== undefined) throw w.uniqueViolation(other.index, row, ctx);
      w.insert(row, key, ctx, riQueue);
      return [...row, key];
    }
    if (this.onConflict === undefined) throw w.uniqueViolation(conflict.index, row, ctx);
    if (this.onConflict.action === 'nothing') return undefined;
    const raw = ctx.txn.get(conflict.key);
    if (raw === undefined) return undefined;
    const existing = w.codec.decodeRow(conflict.key, raw);
    const combined = existing.concat(row);
    if (this.whereEval !== undefined && this.whereEval(combined, ctx) !== true) return undefined;
    const updated = this.setEvals.map((e) => e(combined, ctx));
    w.validate(updated, ctx);
    const newKey = w.table.hiddenRowId ? conflict.key : w.codec.rowKey(updated);
    const clash = w.findConflict(updated, newKey, conflict.key, ctx);
    if (clash !== undefined) throw w.uniqueViolation(clash.index, updated, ctx);
    w.update(existing, updated, newKey, ctx, riQueue);
    return [...updated, newKey];
  }
}
