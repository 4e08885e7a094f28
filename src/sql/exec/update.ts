/**
 * Update: computes each target row's new version from SET expressions and writes it. The rows
 * to change are materialized before the first write (no Halloween problem: an updated row is
 * never visited again), and a row matched several times (UPDATE … FROM) is updated once.
 * - A new row whose primary-key columns are SET to themselves keeps the old row key (the key
 *   bytes encode the same values), so the key is not encoded again.
 * - An UPDATE that only sets columns to values read from no row, on a plain table, splices the
 *   stored rows instead (spliced-update.ts).
 */
import type { BoundExpr } from '../bind/bound-expr.js';
import { compileExpr, type Evaluator, type Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { DmlPlan, DmlResult } from './dml-plan.js';
import type { PhysicalPlan } from './operator.js';
import type { TableWriter } from './table-writer.js';
import { materialize } from './nested-loop-join.js';
import { RiQueue } from './fk-actions.js';
import type { TableDesc } from '../../catalog/descriptors.js';
import { SplicedUpdate } from './spliced-update.js';

export class UpdatePlan implements DmlPlan {
  readonly command = 'UPDATE' as const;
  private readonly setEvals: readonly Evaluator[];
  private readonly returningEvals: readonly Evaluator[] | undefined;
  /** No SET expression changes a primary-key column: the new row keeps its row key. */
  private readonly keyUnchanged: boolean;
  /** The same statement run by splicing stored rows, when it qualifies. */
  private readonly spliced: SplicedUpdate | undefined;

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
    this.keyUnchanged = primaryKeyKept(writer.table, set);
    this.spliced = SplicedUpdate.of(writer, source, set, returning !== undefined, this.keyUnchanged);
  }

  get targetName(): string {
    return this.writer.table.name;
  }

  run(ctx: ExecContext): DmlResult {
    if (this.spliced !== undefined) return this.spliced.run(ctx);
    const w = this.writer;
    const width = w.table.columns.length;
    const sources = materialize(this.source, ctx);
    // A row matched twice (UPDATE … FROM) is updated once; a single source row needs no set.
    const seen = sources.length > 1 ? new Set<string>() : undefined;
    const rows: Row[] = [];
    const riQueue = w.referencing.length > 0 || w.foreignKeys.length > 0 ? new RiQueue() : undefined;
    let count = 0;
    for (const source of sources) {
      ctx.checkCancel();
      const oldKey = source[width] as Uint8Array;
      if (seen !== undefined) {
        const id = Buffer.from(oldKey).toString('latin1');
        if (seen.has(id)) continue;
        seen.add(id);
      }
      const updated = this.newRow(source, ctx);
      w.validate(updated, ctx);
      // The stored key encodes the stored values: unchanged key columns give the same key bytes.
      const newKey = w.table.hiddenRowId || this.keyUnchanged ? oldKey : w.codec.rowKey(updated);
      const clash = w.findConflict(updated, newKey, oldKey, ctx);
      if (clash !== undefined) throw w.uniqueViolation(clash.index, updated, ctx);
      w.update(source.length === width + 1 ? source : source.slice(0, width + 1), updated, newKey, ctx, riQueue);
      count++;
      if (this.returningEvals !== undefined) {
        // RETURNING sees the new target row and the FROM items' columns after it.
        const written = [...updated, newKey, ...source.slice(width + 1)];
        rows.push(this.returningEvals.map((e) => e(written, ctx)));
      }
    }
    riQueue?.drain(ctx);
    return { count, rows };
  }

  private newRow(source: Row, ctx: ExecContext): Row {
    const evals = this.setEvals;
    const row: Row = new Array(evals.length);
    for (let i = 0; i < evals.length; i++) row[i] = (evals[i] as Evaluator)(source, ctx);
    return row;
  }
}

/** Whether every primary-key column is SET to itself (a plain reference to its own slot). */
function primaryKeyKept(table: TableDesc, set: readonly BoundExpr[]): boolean {
  if (table.hiddenRowId) return true;
  return table.primary.columns.every((k) => {
    const slot = table.columns.findIndex((c) => c.attnum === k.attnum);
    const e = set[slot];
    return e !== undefined && e.kind === 'column' && e.slot === slot;
  });
}
