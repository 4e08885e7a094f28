/**
 * SplicedUpdate: an UPDATE that sets a few columns to values computed without reading the row
 * (constants, parameters, functions of them), on rows a table scan finds by itself — the YCSB
 * `UPDATE t SET f = $1 WHERE pk = $2`. Each new row version is the stored one with the changed
 * columns' bodies replaced (TableCodec.spliceRowView): the other columns are neither decoded nor
 * encoded again.
 *
 * - Used only where the general path (update.ts) would do nothing more: no RETURNING, no CHECK
 *   or foreign-key constraint on or referencing the table, no secondary index, the row key
 *   unchanged. NOT NULL is checked on the changed columns (the others were valid already).
 * - The rows to change are all found before the first write (as materialize() does), so an
 *   updated row is never visited again.
 * - A row the codec cannot splice (written in an older layout) is decoded and re-encoded; a NOT
 *   NULL violation is raised by TableWriter.validate over the whole decoded row, with its DETAIL.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { Value } from '../../catalog/types/sql-type.js';
import type { BoundExpr } from '../bind/bound-expr.js';
import { compileExpr, type Evaluator, type Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { DmlResult } from './dml-plan.js';
import type { PhysicalPlan } from './operator.js';
import { isStoredRowsPlan, type StoredRowsPlan } from './stored-rows.js';
import type { TableWriter } from './table-writer.js';
import { JOIN_ROWS_MAX } from './nested-loop-join.js';

/** The row the SET expressions are evaluated over: they read no column. */
const NO_ROW: Row = [];

export class SplicedUpdate {
  private constructor(
    private readonly writer: TableWriter,
    private readonly source: StoredRowsPlan,
    /** Per table slot, the index of its new value in `evals`, or -1 when unchanged. */
    private readonly changed: Int32Array,
    /** The changed slots, in `evals` order. */
    private readonly slots: readonly number[],
    private readonly evals: readonly Evaluator[],
  ) {}

  /** The spliced form of an UPDATE, when it applies (see the module comment); else undefined. */
  static of(writer: TableWriter, source: PhysicalPlan, set: readonly BoundExpr[], hasReturning: boolean, keyUnchanged: boolean): SplicedUpdate | undefined {
    const table = writer.table;
    if (hasReturning || !keyUnchanged || !isStoredRowsPlan(source) || source.table.oid !== table.oid) return undefined;
    if (source.table.columns.length !== table.columns.length || set.length !== table.columns.length) return undefined;
    if (writer.hasChecks || writer.foreignKeys.length > 0 || writer.referencing.length > 0 || table.indexes.length > 0) return undefined;
    const changed = new Int32Array(set.length).fill(-1);
    const slots: number[] = [];
    const evals: Evaluator[] = [];
    for (let slot = 0; slot < set.length; slot++) {
      const e = set[slot] as BoundExpr;
      if (e.kind === 'column' && e.slot === slot) continue;
      if (!readsNoRow(e)) return undefined;
      changed[slot] = evals.length;
      slots.push(slot);
      evals.push(compileExpr(e));
    }
    return new SplicedUpdate(writer, source, changed, slots, evals);
  }

  run(ctx: ExecContext): DmlResult {
    const { keys, values } = this.targets(ctx);
    const codec = this.writer.codec;
    const next = new Array<Value>(this.evals.length);
    for (let r = 0; r < keys.length; r++) {
      ctx.checkCancel();
      const key = keys[r] as Uint8Array;
      const stored = values[r] as Uint8Array;
      for (let k = 0; k < this.evals.length; k++) next[k] = (this.evals[k] as Evaluator)(NO_ROW, ctx);
      if (this.violatesNotNull(next)) this.writer.validate(this.fullRow(key, stored, next), ctx);
      ctx.claimRow?.(key);
      const spliced = codec.spliceRowView(stored, this.changed, next) ?? codec.encodeRowView(this.fullRow(key, stored, next));
      ctx.txn.put(key, spliced);
    }
    return { count: keys.length, rows: [] };
  }

  /** Every row to change (key and stored value), found before the first write. */
  private targets(ctx: ExecContext): { keys: Uint8Array[]; values: Uint8Array[] } {
    const cursor = this.source.openStored(ctx);
    const keys: Uint8Array[] = [];
    const values: Uint8Array[] = [];
    try {
      for (let value = cursor.nextStored(); value !== undefined; value = cursor.nextStored()) {
        ctx.checkCancel();
        if (keys.length >= JOIN_ROWS_MAX) throw new SqlError(SQLSTATE.outOfMemory, `update input exceeds ${JOIN_ROWS_MAX} rows`);
        keys.push(cursor.storedKey());
        values.push(value);
      }
    } finally {
      cursor.close();
    }
    return { keys, values };
  }

  private violatesNotNull(next: readonly Value[]): boolean {
    const columns = this.writer.table.columns;
    for (let k = 0; k < next.length; k++) {
      const column = columns[this.slots[k] as number];
      if (next[k] === null && column?.notNull === true && !column.dropped) return true;
    }
    return false;
  }

  /** The new row version decoded in full (columns only): for re-encoding and error messages. */
  private fullRow(key: Uint8Array, stored: Uint8Array, next: readonly Value[]): Value[] {
    const row = this.writer.codec.decodeRow(key, stored);
    row.length = this.writer.table.columns.length;
    for (let k = 0; k < next.length; k++) row[this.slots[k] as number] = next[k] as Value;
    return row;
  }
}

/** Whether `e` is built from constants and parameters alone (reads no column of the row). */
function readsNoRow(e: BoundExpr): boolean {
  if (e.kind === 'const' || e.kind === 'param') return true;
  if (e.kind === 'call') return e.args.every(readsNoRow);
  return false;
}
