/**
 * Bulk operations on a table's stored data for DDL, all through the DDL statement's
 * transaction: deleting every key (DROP, TRUNCATE), building an index over existing rows
 * (CREATE INDEX, ADD UNIQUE), and rewriting every row under a new descriptor (ADD COLUMN with a
 * default, ADD / DROP PRIMARY KEY).
 */
import type { IndexDesc, TableDesc } from '../../catalog/descriptors.js';
import { tablePrefix, indexPrefix } from '../../catalog/catalog-keys.js';
import { TableCodec } from '../../catalog/table-codec.js';
import type { KvTxn } from '../../catalog/kv-txn.js';
import type { Value } from '../../catalog/types/sql-type.js';
import { SqlError, SQLSTATE, prefixUpperBound, equalBytes } from '../../util/index.js';
import type { Row } from '../exec/compile-expr.js';

/** Deletes every key under `prefix`. */
export function deleteRange(txn: KvTxn, prefix: Uint8Array): number {
  const keys: Uint8Array[] = [];
  for (const e of txn.scan({ gte: prefix, lt: prefixUpperBound(prefix) as Uint8Array })) keys.push(e.key);
  for (const k of keys) txn.delete(k);
  return keys.length;
}

export function deleteTableData(txn: KvTxn, table: TableDesc): void {
  deleteRange(txn, tablePrefix(table.oid));
}

export function deleteIndexData(txn: KvTxn, table: TableDesc, index: IndexDesc): void {
  deleteRange(txn, indexPrefix(table.oid, index.indexNo));
}

/** Every row of the table (with its key in the trailing slot). */
export function readAllRows(txn: KvTxn, table: TableDesc): Row[] {
  const codec = TableCodec.of(table);
  const rows: Row[] = [];
  for (const e of txn.scan(codec.rowRange())) rows.push(codec.decodeRow(e.key, e.value));
  return rows;
}

/** Writes entries of `index` (part of `table`) for every row; unique indexes check duplicates. */
export function buildIndex(txn: KvTxn, table: TableDesc, index: IndexDesc, formatValue: (slot: number, v: Value) => string): void {
  const codec = TableCodec.of(table);
  const slots = codec.indexSlots(index);
  const seen = new Map<string, true>();
  for (const row of readAllRows(txn, table)) {
    const key = row[table.columns.length] as Uint8Array;
    const entry = codec.indexEntryKey(index, row, key);
    if (index.unique) {
      const values = slots.map((s) => row[s] ?? null);
      if (!values.some((v) => v === null)) {
        const head = Buffer.from(codec.indexValuesRange(index, values).gte as Uint8Array).toString('latin1');
        if (seen.has(head)) {
          const names = slots.map((s) => table.columns[s]?.name).join(', ');
          throw new SqlError(SQLSTATE.uniqueViolation, `could not create unique index "${index.name}"`, {
            detail: `Key (${names})=(${slots.map((s) => formatValue(s, row[s] ?? null)).join(', ')}) is duplicated.`,
          });
        }
        seen.set(head, true);
      }
    }
    txn.put(entry, codec.indexEntryValue(index, row, key));
  }
}

/**
 * Moves every row from `before` to `after` (same oid, new layout / keys): `transform` maps an
 * old row (columns only) to the new one. Unique keys of the new layout are checked.
 */
export function rewriteTable(
  txn: KvTxn,
  before: TableDesc,
  after: TableDesc,
  transform: (row: Value[]) => Value[],
  nextRowId: () => bigint,
  formatValue: (slot: number, v: Value) => string,
): void {
  const rows = readAllRows(txn, before);
  deleteTableData(txn, before);
  const codec = TableCodec.of(after);
  for (const old of rows) {
    const oldKey = old[before.columns.length] as Uint8Array;
    const row = transform(old.slice(0, before.columns.length));
    const key = after.hiddenRowId ? (before.hiddenRowId ? oldKey : codec.rowKey(row, nextRowId())) : codec.rowKey(row);
    if (!after.hiddenRowId && txn.get(key) !== undefined && !equalBytes(key, oldKey)) {
      const slots = codec.indexSlots(after.primary);
      throw new SqlError(SQLSTATE.uniqueViolation, `could not create unique index "${after.primary.name}"`, {
        detail: `Key (${slots.map((s) => after.columns[s]?.name).join(', ')})=(${slots.map((s) => formatValue(s, row[s] ?? null)).join(', ')}) is duplicated.`,
      });
    }
    txn.put(key, codec.encodeRow(row));
  }
  for (const index of after.indexes) buildIndex(txn, after, index, formatValue);
}
