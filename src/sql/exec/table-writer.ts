/**
 * TableWriter: writes, updates and deletes rows of one table in the statement's transaction,
 * keeping its indexes in step and enforcing its constraints with PostgreSQL's SQLSTATEs and
 * messages: NOT NULL (23502), CHECK (23514), PRIMARY KEY / UNIQUE (23505), FOREIGN KEY (23503,
 * both as the referencing and as the referenced table).
 *
 * - Rows passed in have one slot per table column (TableDesc.columns order); rows read from a
 *   scan additionally carry their row key in the trailing slot.
 * - Uniqueness ignores rows with a NULL in the key (NULLs are distinct), as PostgreSQL does.
 * - ON DELETE CASCADE deletes referencing rows through their own writer; other referential
 *   actions are rejected at CREATE time.
 */
import type { Catalog } from '../../catalog/catalog.js';
import type { ConstraintDesc, IndexDesc, TableDesc } from '../../catalog/descriptors.js';
import { TableCodec } from '../../catalog/table-codec.js';
import type { Value } from '../../catalog/types/sql-type.js';
import { SqlError, SQLSTATE, equalBytes } from '../../util/index.js';
import type { Evaluator, Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';

export interface CompiledCheck {
  readonly name: string;
  readonly evaluate: Evaluator;
}

export class TableWriter {
  readonly codec: TableCodec;
  private readonly uniqueIndexes: readonly IndexDesc[];
  /** Foreign keys of other tables (or this one) that reference this table, found once. */
  private readonly referencing: ReadonlyArray<{ child: TableDesc; fk: ConstraintDesc }>;

  constructor(
    readonly table: TableDesc,
    private readonly catalog: Catalog,
    private readonly checks: readonly CompiledCheck[],
  ) {
    this.codec = TableCodec.of(table);
    this.uniqueIndexes = table.indexes.filter((i) => i.unique);
    const referencing: Array<{ child: TableDesc; fk: ConstraintDesc }> = [];
    for (const d of catalog.all()) {
      if (d.kind !== 'table') continue;
      for (const fk of d.constraints) if (fk.kind === 'f' && fk.references?.tableOid === table.oid) referencing.push({ child: d, fk });
    }
    this.referencing = referencing;
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
      });
    }
    for (const check of this.checks) {
      if (check.evaluate(row as Row, ctx) === false) {
        throw new SqlError(SQLSTATE.checkViolation, `new row for relation "${this.table.name}" violates check constraint "${check.name}"`, {
          detail: `Failing row contains ${this.formatRow(row, ctx)}.`,
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
    });
  }

  /** Inserts a validated row under `rowKey` (conflicts must have been checked). */
  insert(row: readonly Value[], rowKey: Uint8Array, ctx: ExecContext): void {
    this.checkReferences(row, ctx);
    ctx.txn.put(rowKey, this.codec.encodeRow(row));
    for (const index of this.table.indexes) {
      ctx.txn.put(this.codec.indexEntryKey(index, row, rowKey), this.codec.indexEntryValue(index, row, rowKey));
    }
  }

  /** Replaces `oldRow` (with its key in the trailing slot) by `newRow` stored under `newKey`. */
  update(oldRow: Row, newRow: readonly Value[], newKey: Uint8Array, ctx: ExecContext): void {
    const oldKey = oldRow[this.table.columns.length] as Uint8Array;
    ctx.claimRow?.(oldKey);
    this.checkReferences(newRow, ctx);
    if (this.referencing.length > 0) this.checkReferenced(oldRow, ctx, 'update', newRow);
    if (!equalBytes(oldKey, newKey)) ctx.txn.delete(oldKey);
    ctx.txn.put(newKey, this.codec.encodeRow(newRow));
    for (const index of this.table.indexes) {
      const before = this.codec.indexEntryKey(index, oldRow, oldKey);
      const after = this.codec.indexEntryKey(index, newRow, newKey);
      const same = equalBytes(before, after);
      if (same && equalBytes(oldKey, newKey)) continue;
      if (!same) ctx.txn.delete(before);
      ctx.txn.put(after, this.codec.indexEntryValue(index, newRow, newKey));
    }
  }

  delete(oldRow: Row, ctx: ExecContext): void {
    const oldKey = oldRow[this.table.columns.length] as Uint8Array;
    ctx.claimRow?.(oldKey);
    this.checkReferenced(oldRow, ctx, 'delete');
    ctx.txn.delete(oldKey);
    for (const index of this.table.indexes) ctx.txn.delete(this.codec.indexEntryKey(index, oldRow, oldKey));
  }

  /** Whether an UPDATE changed any column a foreign key references. */
  private referencedChanged(fk: ConstraintDesc, oldRow: Row, newRow: readonly Value[]): boolean {
    return (fk.references?.attnums ?? []).some((a) => {
      const slot = this.slotOf(this.table, a);
      const x = oldRow[slot] ?? null;
      const y = newRow[slot] ?? null;
      if (x === null || y === null) return x !== y;
      return !(this.codec.types[slot]?.equals(x, y) ?? false);
    });
  }

  /** As the referencing table: every foreign key of the new row must find its referenced row. */
  private checkReferences(row: readonly Value[], ctx: ExecContext): void {
    for (const fk of this.table.constraints) {
      if (fk.kind !== 'f' || fk.references === undefined) continue;
      const values = fk.attnums.map((a) => row[this.slotOf(this.table, a)] ?? null);
      if (values.some((v) => v === null)) continue;
      const parent = this.catalog.table(fk.references.tableOid);
      if (parent === undefined) continue;
      if (findRow(parent, fk.references.attnums, values, ctx) !== undefined) continue;
      const names = fk.attnums.map((a) => this.table.columns[this.slotOf(this.table, a)]?.name).join(', ');
      const shown = fk.attnums.map((a) => this.formatValue(this.slotOf(this.table, a), row[this.slotOf(this.table, a)] ?? null, ctx)).join(', ');
      throw new SqlError(SQLSTATE.foreignKeyViolation, `insert or update on table "${this.table.name}" violates foreign key constraint "${fk.name}"`, {
        detail: `Key (${names})=(${shown}) is not present in table "${parent.name}".`,
      });
    }
  }

  /** As the referenced table: no row may still reference the old row (or cascade the delete). */
  private checkReferenced(oldRow: Row, ctx: ExecContext, action: 'update' | 'delete', newRow?: readonly Value[]): void {
    for (const { child, fk } of this.referencing) {
      if (newRow !== undefined && !this.referencedChanged(fk, oldRow, newRow)) continue;
      const values = (fk.references?.attnums ?? []).map((a) => oldRow[this.slotOf(this.table, a)] ?? null);
      if (values.some((v) => v === null)) continue;
      this.enforce(child, fk, values, oldRow, ctx, action);
    }
  }

  private enforce(child: TableDesc, fk: ConstraintDesc, values: Value[], oldRow: Row, ctx: ExecContext, action: 'update' | 'delete'): void {
    const refs = fk.references;
    if (refs === undefined) return;
    const cascade = action === 'delete' && refs.onDelete === 'c';
    for (;;) {
      const found = findRow(child, fk.attnums, values, ctx);
      if (found === undefined) return;
      if (!cascade) {
        const names = refs.attnums.map((a) => this.table.columns[this.slotOf(this.table, a)]?.name).join(', ');
        const shown = refs.attnums.map((a) => this.formatValue(this.slotOf(this.table, a), oldRow[this.slotOf(this.table, a)] ?? null, ctx)).join(', ');
        throw new SqlError(SQLSTATE.foreignKeyViolation, `update or delete on table "${this.table.name}" violates foreign key constraint "${fk.name}" on table "${child.name}"`, {
          detail: `Key (${names})=(${shown}) is still referenced from table "${child.name}".`,
        });
      }
      new TableWriter(child, this.catalog, []).delete(found, ctx);
    }
  }

  private slotOf(table: TableDesc, attnum: number): number {
    return table.columns.findIndex((c) => c.attnum === attnum);
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


/** A row of `table` whose columns `attnums` equal `values` (via an index when one fits), or undefined. */
export function findRow(table: TableDesc, attnums: readonly number[], values: readonly Value[], ctx: ExecContext): Row | undefined {
  const codec = TableCodec.of(table);
  const slots = attnums.map((a) => table.columns.findIndex((c) => c.attnum === a));
  const candidates = table.hiddenRowId ? table.indexes : [table.primary, ...table.indexes];
  for (const index of candidates) {
    const lead = index.columns.slice(0, attnums.length).map((c) => c.attnum);
    if (lead.length !== attnums.length || !lead.every((a) => attnums.includes(a))) continue;
    const ordered = lead.map((a) => values[attnums.indexOf(a)] ?? null);
    for (const entry of ctx.txn.scan({ ...codec.indexValuesRange(index, ordered), limit: 1 })) {
      if (index.primary) return codec.decodeRow(entry.key, entry.value);
      const key = codec.rowKeyOfIndexEntry(entry.key, entry.value);
      const raw = ctx.txn.get(key);
      if (raw !== undefined) return codec.decodeRow(key, raw);
    }
    return undefined;
  }
  for (const entry of ctx.txn.scan(codec.rowRange())) {
    const row = codec.decodeRow(entry.key, entry.value);
    if (slots.every((s, i) => row[s] !== null && codec.types[s]?.equals(row[s] as Value, values[i] as Value) === true)) return row;
  }
  return undefined;
}
