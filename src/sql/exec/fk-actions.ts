/**
 * Foreign-key enforcement as PostgreSQL 15's RI triggers do it: the referencing side checks
 * that a new or changed key exists in the referenced table; the referenced side applies the
 * constraint's ON DELETE / ON UPDATE action (NO ACTION, RESTRICT, CASCADE, SET NULL,
 * SET DEFAULT, with PostgreSQL 15's column list) when a referenced key is deleted or changed.
 *
 * - Events are queued while a statement writes its rows and fired when it has written them all
 *   (RiQueue, drained first in first out), as PostgreSQL's AFTER ROW triggers are: a cascade
 *   sees every row of the statement already changed, and writes done by an action queue their
 *   own events at the end of the same queue (PostgreSQL runs its RI queries with
 *   fire_triggers = false, so theirs are queued to the outer statement too).
 * - For one row, the actions of the constraints referencing the table run first (in constraint
 *   creation order), then the checks of its own foreign keys ("RI_ConstraintTrigger_a_" sorts
 *   before "_c_").
 * - MATCH SIMPLE: a key with a NULL column is neither checked nor referenced. MATCH FULL: a key
 *   mixing NULL and non-NULL columns is an error.
 * - DEFERRABLE constraints: a check of a deferred one waits for COMMIT (fk-deferred.ts).
 * - NO ACTION is checked at the end of the statement and passes when a row with the old key
 *   exists again by then; RESTRICT does not look for one. SET DEFAULT re-checks the old key
 *   after setting the defaults (the default may be the deleted key itself).
 * - Errors raised while an action writes a row carry PostgreSQL's CONTEXT line: the SQL
 *   statement its RI trigger would have run (fk-context-text.ts).
 */
import { constraintFields } from './violation-fields.js';
import type { ConstraintDesc, ForeignKeyRef, TableDesc } from '../../catalog/descriptors.js';
import type { SqlType, Value } from '../../catalog/types/sql-type.js';
import { TableCodec } from '../../catalog/table-codec.js';
import { castValue } from '../functions/casts.js';
import { lookupKey } from './fk-key-types.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { TableWriter } from './table-writer.js';
import { findRow, findRows, slotOf } from './fk-lookup.js';
import { deleteText, updateText, withContext } from './fk-context-text.js';
import { deferCheck, isDeferred, takeDeferredChecks, type DeferredCheck } from './fk-deferred.js';

export type RiEvent =
  | { readonly kind: 'referenced'; readonly writer: TableWriter; readonly oldRow: Row; readonly newRow: readonly Value[] | undefined }
  | { readonly kind: 'check'; readonly writer: TableWriter; readonly row: readonly Value[]; readonly key: Uint8Array; readonly oldRow: Row | undefined };

/** The referential events of one statement, fired by drain() once its rows are written. */
export class RiQueue {
  readonly events: RiEvent[] = [];

  drain(ctx: ExecContext): void {
    const events = this.events;
    for (let i = 0; i < events.length; i++) {
      ctx.checkCancel();
      const e = events[i] as RiEvent;
      if (e.kind === 'check') fireCheck(e.writer, e.row, e.key, ctx, e.oldRow);
      else fireReferenced(e.writer, e.oldRow, e.newRow, ctx, this);
    }
    events.length = 0;
  }
}

/** The values of `attnums` in a row of `table`. */
export function keyValues(table: TableDesc, attnums: readonly number[], row: readonly Value[]): Value[] {
  return attnums.map((a) => row[slotOf(table, a)] ?? null);
}

/** The types of columns `attnums` of `table`. */
function columnTypes(table: TableDesc, attnums: readonly number[]): Array<SqlType | undefined> {
  const types = TableCodec.of(table).types;
  return attnums.map((a) => types[slotOf(table, a)]);
}

/** A referenced key's values as the referencing columns' types (undefined: no referencing row can hold it). */
function childKey(w: TableWriter, child: TableDesc, fk: ConstraintDesc, parentKey: readonly Value[]): Value[] | undefined {
  return lookupKey(parentKey, columnTypes(w.table, (fk.references as ForeignKeyRef).attnums), columnTypes(child, fk.attnums));
}

/**
 * As the referencing table, for the new row stored under `key`: each foreign key's referenced row
 * must exist (23503), now or, for a deferred constraint, at COMMIT. `oldRow` (an UPDATE) skips
 * the keys it did not change, as RI_FKey_fk_upd_check_required does.
 */
export function checkReferences(w: TableWriter, row: readonly Value[], key: Uint8Array, ctx: ExecContext, oldRow?: Row): void {
  for (const fk of w.foreignKeys) {
    if (oldRow !== undefined && keysEqual(w, fk.attnums, oldRow, row)) continue;
    if (isDeferred(fk, ctx.txn)) deferCheck(ctx.txn, { kind: 'check', writer: w, fk, row, key, ctx });
    else checkReference(w, fk, row, ctx);
  }
}

/** One foreign key of a new row of the writer's table: MATCH FULL's NULL rule, then the referenced row. */
function checkReference(w: TableWriter, fk: ConstraintDesc, row: readonly Value[], ctx: ExecContext): void {
  const ref = fk.references as ForeignKeyRef;
  const values = keyValues(w.table, fk.attnums, row);
  const nulls = values.filter((v) => v === null).length;
  if (nulls === values.length) return;
  if (nulls > 0) {
    if (ref.match !== 'f') return;
    throw new SqlError(SQLSTATE.foreignKeyViolation, `insert or update on table "${w.table.name}" violates foreign key constraint "${fk.name}"`, {
      detail: 'MATCH FULL does not allow mixing of null and nonnull key values.',
      ...constraintFields(w.catalog, w.table, fk.name),
    });
  }
  const parent = w.catalog.table(ref.tableOid);
  if (parent === undefined) return;
  const key = lookupKey(values, columnTypes(w.table, fk.attnums), columnTypes(parent, ref.attnums));
  if (key !== undefined && findRow(parent, ref.attnums, key, ctx) !== undefined) return;
  const names = fk.attnums.map((a) => w.table.columns[slotOf(w.table, a)]?.name).join(', ');
  const shown = fk.attnums.map((a) => w.formatValue(slotOf(w.table, a), row[slotOf(w.table, a)] ?? null, ctx)).join(', ');
  throw new SqlError(SQLSTATE.foreignKeyViolation, `insert or update on table "${w.table.name}" violates foreign key constraint "${fk.name}"`, {
    detail: `Key (${names})=(${shown}) is not present in table "${parent.name}".`,
    ...constraintFields(w.catalog, w.table, fk.name),
  });
}

/** Runs a check that waited for COMMIT or SET CONSTRAINTS … IMMEDIATE (fk-deferred.ts). */
export function runDeferredCheck(c: DeferredCheck): void {
  const w = c.writer;
  if (c.kind === 'noAction') {
    const ref = c.fk.references as ForeignKeyRef;
    restrict(w, c.child, c.fk, keyValues(w.table, ref.attnums, c.oldRow), c.oldRow, c.ctx, true);
    return;
  }
  const current = currentRow(w, c.key, c.ctx);
  if (current !== undefined && keysEqual(w, c.fk.attnums, current, c.row)) checkReference(w, c.fk, c.row, c.ctx);
}

/** The row stored under `key` now, or undefined when it is gone. */
function currentRow(w: TableWriter, key: Uint8Array, ctx: ExecContext): Row | undefined {
  const raw = ctx.txn.get(key);
  return raw === undefined ? undefined : w.codec.decodeRow(key, raw);
}

/** Whether two rows of the writer's table hold equal values in `attnums` (NULL equals NULL here). */
export function keysEqual(w: TableWriter, attnums: readonly number[], a: readonly Value[], b: readonly Value[]): boolean {
  for (const attnum of attnums) {
    const slot = slotOf(w.table, attnum);
    const x = a[slot] ?? null;
    const y = b[slot] ?? null;
    if (x === null || y === null) {
      if (x !== y) return false;
    } else if (!(w.codec.types[slot]?.equals(x, y) ?? false)) return false;
  }
  return true;
}

/** A queued referencing-side check: skipped when the row changed or went away since (its new version has its own). */
function fireCheck(w: TableWriter, row: readonly Value[], key: Uint8Array, ctx: ExecContext, oldRow: Row | undefined): void {
  const current = currentRow(w, key, ctx);
  if (current === undefined) return;
  for (const fk of w.foreignKeys) if (!keysEqual(w, fk.attnums, current, row)) return;
  checkReferences(w, row, key, ctx, oldRow);
}

/** The referenced row `oldRow` was deleted (newRow undefined) or updated: apply each referencing constraint's action. */
function fireReferenced(w: TableWriter, oldRow: Row, newRow: readonly Value[] | undefined, ctx: ExecContext, queue: RiQueue): void {
  for (const { child, fk } of w.referencing) {
    const ref = fk.references as ForeignKeyRef;
    const oldKey = keyValues(w.table, ref.attnums, oldRow);
    if (oldKey.some((v) => v === null)) continue;
    if (newRow !== undefined && keysEqual(w, ref.attnums, oldRow, newRow)) continue;
    const action = newRow === undefined ? ref.onDelete : ref.onUpdate;
    const lookup = childKey(w, child, fk, oldKey);
    if (lookup === undefined) continue;
    if (action === 'a' && isDeferred(fk, ctx.txn)) {
      deferCheck(ctx.txn, { kind: 'noAction', writer: w, child, fk, oldRow, ctx });
      continue;
    }
    if (action === 'a' || action === 'r') {
      restrict(w, child, fk, oldKey, oldRow, ctx, action === 'a');
      continue;
    }
    const target = w.childWriter(child);
    const rows = findRows(child, fk.attnums, lookup, ctx);
    if (action === 'c' && newRow === undefined) {
      for (const row of rows) withContext(() => target.delete(row, ctx, queue), () => deleteText(w.table, child, fk, ctx));
      continue;
    }
    const setAttnums = newRow === undefined ? (ref.deleteSetAttnums ?? fk.attnums) : fk.attnums;
    const setValue = (i: number, childRow: Row): Value => {
      if (action === 'c') return cascadedValue(w, target, ref.attnums[i] as number, setAttnums[i] as number, newRow as readonly Value[], ctx);
      if (action === 'n') return null;
      return target.defaultValue(setAttnums[i] as number, childRow, ctx);
    };
    for (const row of rows) {
      withContext(() => setColumns(target, row, setAttnums, setValue, ctx, queue), () => updateText(w.table, child, fk, setAttnums, action, ctx));
    }
    if (action === 'd') restrict(w, child, fk, oldKey, oldRow, ctx, true);
  }
}

/** UPDATE of one referencing row: `attnums` set to `value(i, row)`; checks as an UPDATE statement does. */
function setColumns(
  target: TableWriter,
  row: Row,
  attnums: readonly number[],
  value: (i: number, row: Row) => Value,
  ctx: ExecContext,
  queue: RiQueue,
): void {
  const width = target.table.columns.length;
  const updated = row.slice(0, width);
  for (let i = 0; i < attnums.length; i++) updated[slotOf(target.table, attnums[i] as number)] = value(i, row);
  target.validate(updated, ctx);
  const oldKey = row[width] as Uint8Array;
  const newKey = target.table.hiddenRowId ? oldKey : target.codec.rowKey(updated);
  const clash = target.findConflict(updated, newKey, oldKey, ctx);
  if (clash !== undefined) throw target.uniqueViolation(clash.index, updated, ctx);
  target.update(row, updated, newKey, ctx, queue);
}

/** ON UPDATE CASCADE: the referenced column's new value assigned to the referencing column (its type, its typmod). */
function cascadedValue(w: TableWriter, target: TableWriter, parentAttnum: number, childAttnum: number, newRow: readonly Value[], ctx: ExecContext): Value {
  const from = slotOf(w.table, parentAttnum);
  const to = slotOf(target.table, childAttnum);
  const value = newRow[from] ?? null;
  const source = w.codec.types[from];
  const dest = target.codec.types[to];
  const typmod = target.table.columns[to]?.typmod ?? -1;
  if (source === undefined || dest === undefined || (source.oid === dest.oid && typmod < 0)) return value;
  return castValue(value, source, dest, typmod, ctx.typeContext, false);
}

/** NO ACTION / RESTRICT: no referencing row may hold the old key (NO ACTION: unless the key exists again). */
function restrict(w: TableWriter, child: TableDesc, fk: ConstraintDesc, oldKey: Value[], oldRow: Row, ctx: ExecContext, noAction: boolean): void {
  const ref = fk.references as ForeignKeyRef;
  if (noAction && findRow(w.table, ref.attnums, oldKey, ctx) !== undefined) return;
  const lookup = childKey(w, child, fk, oldKey);
  if (lookup === undefined || findRow(child, fk.attnums, lookup, ctx) === undefined) return;
  const names = ref.attnums.map((a) => w.table.columns[slotOf(w.table, a)]?.name).join(', ');
  const shown = ref.attnums.map((a) => w.formatValue(slotOf(w.table, a), oldRow[slotOf(w.table, a)] ?? null, ctx)).join(', ');
  throw new SqlError(SQLSTATE.foreignKeyViolation, `update or delete on table "${w.table.name}" violates foreign key constraint "${fk.name}" on table "${child.name}"`, {
    detail: `Key (${names})=(${shown}) is still referenced from table "${child.name}".`,
    ...constraintFields(w.catalog, child, fk.name),
  });
}

/** COMMIT: runs the checks still deferred in `txn` (fk-deferred.ts); the first that fails throws. */
export function runDeferredConstraintChecks(txn: object): void {
  // Indexed, not for-of: runs at every commit, mostly over none (no iterator object).
  const checks = takeDeferredChecks(txn);
  for (let i = 0; i < checks.length; i++) runDeferredCheck(checks[i] as DeferredCheck);
}
