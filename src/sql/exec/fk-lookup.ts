/**
 * Finds the rows of a table whose columns equal given values, as foreign-key checks and actions
 * need them: one point read when the columns are the primary key, else through the primary key
 * or a secondary index whose leading columns are exactly those columns when there is one, else
 * by scanning the table.
 *
 * - Values are never NULL (callers skip keys with a NULL column, as MATCH SIMPLE does); a stored
 *   NULL never equals anything.
 * - Rows are returned with their row key in the trailing slot and reflect the transaction's own
 *   writes so far.
 */
import type { TableDesc } from '../../catalog/descriptors.js';
import { TableCodec } from '../../catalog/table-codec.js';
import type { Value } from '../../catalog/types/sql-type.js';
import type { Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';

/** The position in a row of `table` of its column `attnum`. */
export function slotOf(table: TableDesc, attnum: number): number {
  return table.columns.findIndex((c) => c.attnum === attnum);
}

/** A row of `table` whose columns `attnums` equal `values`, or undefined. */
export function findRow(table: TableDesc, attnums: readonly number[], values: readonly Value[], ctx: ExecContext): Row | undefined {
  const primary = table.primary.columns;
  if (!table.hiddenRowId && primary.length === attnums.length && primary.every((c) => attnums.includes(c.attnum))) {
    // The whole primary key (the usual referenced key): one point read of the row.
    const codec = TableCodec.of(table);
    const key = codec.primaryKeyOf(primary.map((c) => values[attnums.indexOf(c.attnum)] ?? null));
    const raw = ctx.txn.get(key);
    return raw === undefined ? undefined : codec.decodeRow(key, raw);
  }
  return collect(table, attnums, values, ctx, 1)[0];
}

/** Every row of `table` whose columns `attnums` equal `values`. */
export function findRows(table: TableDesc, attnums: readonly number[], values: readonly Value[], ctx: ExecContext): Row[] {
  return collect(table, attnums, values, ctx, Number.POSITIVE_INFINITY);
}

function collect(table: TableDesc, attnums: readonly number[], values: readonly Value[], ctx: ExecContext, limit: number): Row[] {
  const codec = TableCodec.of(table);
  const out: Row[] = [];
  const candidates = table.hiddenRowId ? table.indexes : [table.primary, ...table.indexes];
  for (const index of candidates) {
    const lead = index.columns.slice(0, attnums.length).map((c) => c.attnum);
    if (lead.length !== attnums.length || !lead.every((a) => attnums.includes(a))) continue;
    const ordered = lead.map((a) => values[attnums.indexOf(a)] ?? null);
    const range = codec.indexValuesRange(index, ordered);
    for (const entry of ctx.txn.scan(limit === 1 ? { ...range, limit: 1 } : range)) {
      if (index.primary) {
        out.push(codec.decodeRow(entry.key, entry.value));
      } else {
        const key = codec.rowKeyOfIndexEntry(entry.key, entry.value);
        const raw = ctx.txn.get(key);
        if (raw !== undefined) out.push(codec.decodeRow(key, raw));
      }
      if (out.length >= limit) break;
    }
    return out;
  }
  const slots = attnums.map((a) => slotOf(table, a));
  for (const entry of ctx.txn.scan(codec.rowRange())) {
    const row = codec.decodeRow(entry.key, entry.value);
    if (slots.every((s, i) => row[s] !== null && codec.types[s]?.equals(row[s] as Value, values[i] as Value) === true)) out.push(row);
    if (out.length >= limit) break;
  }
  return out;
}
