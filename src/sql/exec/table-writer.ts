/**
 * TableWriter: writes, updates and deletes rows of one table in the statement's transaction,
 * keeping its indexes in step and enforcing its constraints with PostgreSQL's SQLSTATEs and
 * messages: NOT NULL (23502), CHECK (23514), PRIMARY KEY / UNIQUE (23505), FOREIGN KEY (23503,
 * both as the referencing and as the referenced table).
 *
 * - Rows passed in have one slot per table column (TableDesc.columns order); rows read from a
 *   scan additionally carry their row key in the trailing slot.
 * - Uniqueness ignores rows with a NULL in the key (NULLs are distinct), as PostgreSQL does.
 * - Foreign keys are enforced by fk-actions.ts: update() and delete() queue their referential
 *   events on the statement's RiQueue when given one (fired when the statement has written all
 *   its rows), else fire them at once.
 */
import type { Catalog } from '../../catalog/catalog.js';
import type { ConstraintDesc, IndexDesc, TableDesc } from '../../catalog/descriptors.js';
import { TableCodec } from '../../catalog/table-codec.js';
import { columnFields, constraintFields } from './violation-fields.js';
import type { Value } from '../../catalog/types/sql-type.js';
import { SqlError, SQLSTATE, equalBytes } from '../../util/index.js';
import type { Evaluator, Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import { RiQueue, checkReferences, keysEqual } from './fk-actions.js';

/** Writers of the tables referential actions write (CASCADE, SET NULL, SET DEFAULT), by table oid, with column defaults. */
export interface RelatedWriters {
  writer(table: TableDesc): TableWriter | undefined;
  /** The default of column `attnum` of `table` (SET DEFAULT), evaluated over the row. */
  defaultValue(table: TableDesc, attnum: number, row: Row, ctx: ExecContext): Value;
}

export interface CompiledCheck {
  readonly name: string;
  readonly evaluate: Evaluator;
}

export class TableWriter {
  readonly codec: TableCodec;
  private readonly uniqueIndexes: readonly IndexDesc[];
  /** Foreign keys of other tables (or this one) that reference this table, in creation order, found once. */
  readonly referencing: ReadonlyArray<{ child: TableDesc; fk: ConstraintDesc }>;
  /** This table's own foreign keys. */
  readonly foreignKeys: readonly ConstraintDesc[];
  /** The distinct column lists of this table that foreign keys reference. */
  private readonly referencedKeys: ReadonlyArray<readonly number[]>;

  constructor(
    readonly table: TableDesc,
    readonly catalog: Catalog,
    private readonly checks: readonly CompiledCheck[],
    private readonly related?: RelatedWriters,
  ) {
    this.codec = TableCodec.of(table);
    this.uniqueIndexes = table.indexes.filter((i) => i.unique);
    const referencing: Array<{ child: TableDesc; fk: ConstraintDesc }> = [];
    for (const d of catalog.all()) {
      if (d.kind !== 'table') continue;
      for (const fk of d.constraints) if (fk.kind === 'f' && fk.references?.tableOid === table.oid) referencing.push({ child: d, fk });
    }
    this.referencing = referencing.sort((a, b) => a.fk.oid - b.fk.oid);
    this.foreignKeys = table.constraints.filter((c) => c.kind === 'f' && c.references !== undefined);
    this.referencedKeys = [...new Set(referencing.map(({ fk }) => (fk.references?.attnums ?? []).join(',')))].map((k) => k.split(',').map(Number));
  }

  /** The writer a referential action uses for `child`. */
  childWriter(child: TableDesc): TableWriter {
    return this.related?.writer(child) ?? new TableWriter(child, this.catalog, [], this.related);
  }

  /** The default of column `attnum` for a row of this table (ON … SET DEFAULT); NULL without one. */
  defaultValue(attnum: number, row: Row, ctx: ExecContext): Value {
    return this.related?.defaultValue(this.table, attnum, row, ctx) ?? null;
  }

  /** Whether the table has CHECK constraints (validate() evaluates them over the whole row). */
  get hasChecks(): boolean {
    return this.checks.length > 0;
  }

  /** The row key a new row would get (a fresh hidden row id for tables without a primary key). */
  newRowKey(row: readonly Value[], ctx: ExecContext): Uint8Array {
    return this.table.hiddenRowId ? this.codec.rowKey(row, ctx.nextRowId()) : this.codec.rowKey(row);
  }

  /** Checks NOT NULL and CHECK constraints of a new row version. */
  validate(row: readonly Value[], ctx: ExecContext): void {
    const cols = this.table.columns;
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i];
      if (c === undefined || c.dropped || !c.notNull || row[i] !== null) continue;
      throw new SqlError(SQLSTATE.notNullViolation, `null value in column "${c.name}" of relation "${this.table.name}" violates not-null constraint`, {
        detail: `Failing row contains ${this.formatRow(row, ctx)}.`,
        ...columnFields(this.catalog, this.table, c.name),
      });
    }
    for (const check of this.checks) {
      if (check.evaluate(row as Row, ctx) === false) {
        throw new SqlError(SQLSTATE.checkViolation, `new row for relation "${this.table.name}" violates check constraint "${check.name}"`, {
          detail: `Failing row contains ${this.formatRow(row, ctx)}.`,
          ...constraintFields(this.catalog, this.table, check.name),
        });
      }
    }
  }

  /**
   * The row key of an existing row that conflicts with `row` on the primary key or a unique
   * index (other than `selfKey`; only on `only` when given), with the violated index; undefined
   * when none.
   */
  findConflict(
    row: readonly Value[],
    rowKey: Uint8Array,
    selfKey: Uint8Array | undefined,
    ctx: ExecContext,
    only?: IndexDesc,
  ): { index: IndexDesc; key: Uint8Array } | undefined {
    const checkPrimary = only === undefined || only.primary;
    if (checkPrimary && !this.table.hiddenRowId && (selfKey === undefined || !equalBytes(selfKey, rowKey))) {
      if (ctx.txn.get(rowKey) !== undefined) return { index: this.table.primary, key: rowKey };
    }
    for (const index of this.uniqueIndexes) {
      if (only !== undefined && index !== only) continue;
      const values = this.codec.indexSlots(index).map((s) => row[s] ?? null);
      if (values.some((v) => v === null)) continue;
      for (const entry of ctx.txn.scan({ ...this.codec.indexValuesRange(index, values), limit: 2 })) {
        const other = this.codec.rowKeyOfIndexEntry(entry.key, entry.value);
        if (selfKey !== undefined && equalBytes(other, selfKey)) continue;
        return { index, key: other };
      }
    }
    return undefined;
  }

  uniqueViolation(index: IndexDesc, row: readonly Value[], ctx: ExecContext): SqlError {
    const slots = this.codec.indexSlots(index);
    const names = slots.map((s) => this.table.columns[s]?.name ?? '?').join(', ');
    const values = slots.map((s) => this.formatValue(s, row[s] ?? null, ctx)).join(', ');
    return new SqlError(SQLSTATE.uniqueViolation, `duplicate key value violates unique constraint "${index.name}"`, {
      detail: `Key (${names})=(${values}) already exists.`,
      ...constraintFields(this.catalog, this.table, index.name),
    });
  }

  /** Inserts a validated row under `rowKey` (conflicts must have been checked); its foreign keys are checked at once or queued on `queue`. */
  insert(row: readonly Value[], rowKey: Uint8Array, ctx: ExecContext, queue?: RiQueue): void {
    if (this.foreignKeys.length > 0) {
      if (queue !== undefined) queue.events.push({ kind: 'check', writer: this, row, key: rowKey, oldRow: undefined });
      else checkReferences(this, row, rowKey, ctx);
    }
    ctx.txn.put(rowKey, this.codec.encodeRowView(row));
    for (const index of this.table.indexes) {
      ctx.txn.put(this.codec.indexEntryKey(index, row, rowKey), this.codec.indexEntryValue(index, row, rowKey));
    }
  }

  /**
   * Replaces `oldRow` (with its key in the trailing slot) by `newRow` stored under `newKey`;
   * referential events go to `queue` (fired by the caller) or are fired before returning.
   */
  update(oldRow: Row, newRow: readonly Value[], newKey: Uint8Array, ctx: ExecContext, queue?: RiQueue): void {
    const oldKey = oldRow[this.table.columns.length] as Uint8Array;
    ctx.claimRow?.(oldKey);
    const events = this.referencing.length > 0 || this.foreignKeys.length > 0 ? this.queueUpdate(oldRow, newRow, newKey, queue) : undefined;
    if (!equalBytes(oldKey, newKey)) ctx.txn.delete(oldKey);
    ctx.txn.put(newKey, this.codec.encodeRowView(newRow));
    for (const index of this.table.indexes) {
      const before = this.codec.indexEntryKey(index, oldRow, oldKey);
      const after = this.codec.indexEntryKey(index, newRow, newKey);
      const same = equalBytes(before, after);
      if (same && equalBytes(oldKey, newKey)) continue;
      if (!same) ctx.txn.delete(before);
      ctx.txn.put(after, this.codec.indexEntryValue(index, newRow, newKey));
    }
    if (queue === undefined && events !== undefined && events.events.length > 0) events.drain(ctx);
  }

  delete(oldRow: Row, ctx: ExecContext, queue?: RiQueue): void {
    const oldKey = oldRow[this.table.columns.length] as Uint8Array;
    ctx.claimRow?.(oldKey);
    ctx.txn.delete(oldKey);
    for (const index of this.table.indexes) ctx.txn.delete(this.codec.indexEntryKey(index, oldRow, oldKey));
    if (this.referencing.length === 0) return;
    const events = queue ?? new RiQueue();
    events.events.push({ kind: 'referenced', writer: this, oldRow, newRow: undefined });
    if (queue === undefined) events.drain(ctx);
  }

  /** Queues an UPDATE's events (its referenced key changed, its own foreign keys changed) on `queue` or a new queue. */
  private queueUpdate(oldRow: Row, newRow: readonly Value[], newKey: Uint8Array, queue: RiQueue | undefined): RiQueue {
    const events = queue ?? new RiQueue();
    if (this.referencedKeys.some((attnums) => !keysEqual(this, attnums, oldRow, newRow))) events.events.push({ kind: 'referenced', writer: this, oldRow, newRow });
    if (this.foreignKeys.some((fk) => !keysEqual(this, fk.attnums, oldRow, newRow))) events.events.push({ kind: 'check', writer: this, row: newRow, key: newKey, oldRow });
    return events;
  }

  formatValue(slot: number, v: Value, ctx: ExecContext): string {
    if (v === null) return 'null';
    const type = this.codec.types[slot];
    return type === undefined ? String(v) : type.toText(v, ctx.typeContext);
  }

  /** PostgreSQL's "Failing row contains (…)" text. */
  formatRow(row: readonly Value[], ctx: ExecContext): string {
    const parts: string[] = [];
    this.table.columns.forEach((c, i) => {
      if (!c.dropped) parts.push(this.formatValue(i, row[i] ?? null, ctx));
    });
    return `(${parts.join(', ')})`;
  }
}


