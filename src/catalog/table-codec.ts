/**
 * TableCodec: the keys and values of one table's rows and index entries (DESIGN.md, Catalog).
 *
 *   row:             id(table) 0x01 ‖ key(pk columns | hidden row id int8)  → row value (row-encoding)
 *   secondary index: id(table) indexNo ‖ key(index columns) ‖ key(pk …)     → empty
 *   unique index,    id(table) indexNo ‖ key(index columns)                 → key(pk …)
 *   no NULL in key:
 *
 * - The row key suffix after the prefix is the same bytes in every form, so an index entry names
 *   its row: rowKey = rowPrefix ‖ (entry key after the index columns, or the value when empty).
 * - A unique index entry without NULLs is keyed by the index values alone, so two transactions
 *   inserting the same value write the same key and the later committer fails with 40001: no
 *   concurrent duplicates (NULLs are distinct, so their entries keep the row key suffix).
 * - Decoded rows have one slot per TableDesc column (dropped ones null) plus a trailing slot with
 *   the row key, which UPDATE and DELETE use to address the row.
 * - When every primary-key column decodes exactly from the key (KEY_EXACT_OIDS), row values leave
 *   those columns out (row format version 2): the key holds them once, not twice. Every change of
 *   the primary key rewrites the table, so a table's rows and its codec agree on which columns.
 * - Codecs are cached per descriptor object (descriptors are immutable).
 */
import type { IndexDesc, TableDesc } from './descriptors.js';
import { indexPrefix } from './catalog-keys.js';
import { decodeKey, encodeKey, type KeyColumn } from './encoding/key-encoding.js';
import { RowCodec } from './encoding/row-encoding.js';
import { KeyColumnTexts } from './encoding/key-text.js';
import type { ByteWriter } from './encoding/key-writer.js';
import type { SqlType, TypeContext, Value } from './types/sql-type.js';
import { typeByOid } from './types/type-registry.js';
import { INT8 } from './types/int-types.js';
import { OID } from './types/oids.js';
import type { KvRange } from '../mvcc/versioned-kv.js';
import { assert, prefixUpperBound } from '../util/index.js';

const HIDDEN_ROW_ID_COLUMN: KeyColumn = { type: INT8 };

/**
 * Types whose key encoding decodes to a value that prints exactly as the stored one (not numeric,
 * bpchar, interval, jsonb: keyDecodeIsExact; not float: -0 is keyed as 0; no arrays).
 */
const KEY_EXACT_OIDS: ReadonlySet<number> = new Set([
  OID.bool, OID.int2, OID.int4, OID.int8, OID.oid, OID.text, OID.varchar, OID.name, OID.uuid, OID.date, OID.timestamp, OID.timestamptz,
]);
const EMPTY_VALUE = new Uint8Array(0);

export interface KeyBound {
  readonly value: Value;
  readonly inclusive: boolean;
}

export function columnType(oid: number): SqlType {
  const type = typeByOid(oid);
  assert(type !== undefined, `unknown type oid ${oid}`);
  return type;
}

export class TableCodec {
  private static readonly cache = new WeakMap<TableDesc, TableCodec>();

  readonly rowPrefix: Uint8Array;
  readonly types: readonly SqlType[];
  private readonly rows: RowCodec;
  private readonly pkColumns: readonly KeyColumn[];
  private readonly pkSlots: readonly number[];
  private readonly indexColumns = new Map<number, { columns: KeyColumn[]; slots: number[]; prefix: Uint8Array }>();
  /** writeTextFields()' key reader (made at first use; reused row after row). */
  private keyTexts: KeyColumnTexts | undefined;

  static of(table: TableDesc): TableCodec {
    let codec = TableCodec.cache.get(table);
    if (codec === undefined) {
      codec = new TableCodec(table);
      TableCodec.cache.set(table, codec);
    }
    return codec;
  }

  private constructor(readonly table: TableDesc) {
    this.rowPrefix = indexPrefix(table.oid, 1);
    this.types = table.columns.map((c) => columnType(c.typeOid));
    if (table.hiddenRowId) {
      this.pkColumns = [HIDDEN_ROW_ID_COLUMN];
      this.pkSlots = [];
    } else {
      const d = this.describe(table.primary);
      this.pkColumns = d.columns;
      this.pkSlots = d.slots;
    }
    const keyExact = this.pkSlots.length > 0 && this.pkSlots.every((s) => this.types[s]?.element === undefined && KEY_EXACT_OIDS.has(this.types[s]?.oid ?? 0));
    this.rows = new RowCodec(this.types, keyExact ? this.pkSlots : []);
    for (const index of table.indexes) this.indexColumns.set(index.indexNo, this.describe(index));
  }

  private describe(index: IndexDesc): { columns: KeyColumn[]; slots: number[]; prefix: Uint8Array } {
    const columns: KeyColumn[] = [];
    const slots: number[] = [];
    for (const c of index.columns) {
      const slot = this.table.columns.findIndex((col) => col.attnum === c.attnum);
      assert(slot >= 0, `index ${index.name} names missing attnum ${c.attnum}`);
      slots.push(slot);
      columns.push({ type: this.types[slot] as SqlType, descending: c.descending, nullsFirst: c.nullsFirst });
    }
    return { columns, slots, prefix: indexPrefix(this.table.oid, index.indexNo) };
  }

  /** The key range of every row. */
  rowRange(): KvRange {
    return { gte: this.rowPrefix, lt: prefixUpperBound(this.rowPrefix) as Uint8Array };
  }

  /** The row key of a row (values in slot order); `rowId` for tables with a hidden row id. */
  rowKey(row: readonly Value[], rowId?: bigint): Uint8Array {
    if (this.table.hiddenRowId) {
      assert(rowId !== undefined, 'hidden row id required');
      return encodeKey(this.pkColumns, [rowId], this.rowPrefix);
    }
    return encodeKey(this.pkColumns, this.pkSlots.map((s) => row[s] ?? null), this.rowPrefix);
  }

  /** The row key for primary-key column values given in index column order. */
  primaryKeyOf(values: readonly Value[]): Uint8Array {
    assert(!this.table.hiddenRowId, 'no primary key');
    return encodeKey(this.pkColumns, values, this.rowPrefix);
  }

  encodeRow(row: readonly Value[]): Uint8Array {
    return this.rows.encode(row.length === this.types.length ? row : row.slice(0, this.types.length));
  }

  /**
   * The encoded row as a view of the codec's buffer, valid until the next encode of any row of
   * this table: for KvTxn.put, which copies it.
   */
  encodeRowView(row: readonly Value[]): Uint8Array {
    return this.rows.encodeView(row.length === this.types.length ? row : row.slice(0, this.types.length));
  }

  /**
   * The stored row `value` with the columns whose `changed[slot]` is k >= 0 set to `values[k]`
   * (RowCodec.spliceView), valid until the next encode of a row of this table; undefined when
   * it cannot be spliced (re-encode the decoded row instead).
   */
  spliceRowView(value: Uint8Array, changed: Int32Array, values: readonly Value[]): Uint8Array | undefined {
    return this.rows.spliceView(value, changed, values);
  }

  /** A fresh row: the column values, then the row key in the trailing slot. */
  decodeRow(key: Uint8Array, value: Uint8Array): Value[] {
    const row = this.rows.decode(value);
    if (this.rows.omitsKey(value)) {
      const keyValues = this.keyValues(key);
      const slots = this.pkSlots;
      for (let k = 0; k < slots.length; k++) row[slots[k] as number] = keyValues[k] as Value;
    }
    row.push(key);
    return row;
  }

  /**
   * Appends PostgreSQL's text output of columns `slots` of the row stored under `key` to `w`, as
   * text fields (encoding/text-fields.ts: the DataRow body); text columns are copied from the
   * stored bytes without being decoded (RowCodec.writeTextFields).
   */
  writeTextFields(w: ByteWriter, key: Uint8Array, value: Uint8Array, slots: readonly number[], ctx: TypeContext): void {
    let keyTexts: KeyColumnTexts | undefined;
    if (this.rows.omitsKey(value)) {
      keyTexts = this.keyTexts ??= new KeyColumnTexts(this.pkColumns);
      keyTexts.read(key, this.rowPrefix.length, ctx);
    }
    this.rows.writeTextFields(w, value, slots, ctx, keyTexts);
  }

  /** The primary-key values of a row key, in key column order. */
  private keyValues(key: Uint8Array): Value[] {
    return decodeKey(this.pkColumns, key, this.rowPrefix.length).values;
  }

  /** Whether `index`'s entry for `row` is keyed by the index values alone (unique, no NULL). */
  private valueKeyed(index: IndexDesc, row: readonly Value[]): boolean {
    if (!index.unique) return false;
    const d = this.indexColumns.get(index.indexNo);
    return d !== undefined && d.slots.every((s) => (row[s] ?? null) !== null);
  }

  /** The value of `index`'s entry: the row key suffix for value-keyed unique entries, else empty. */
  indexEntryValue(index: IndexDesc, row: readonly Value[], rowKey: Uint8Array): Uint8Array {
    return this.valueKeyed(index, row) ? rowKey.slice(this.rowPrefix.length) : EMPTY_VALUE;
  }

  /** The key of `index`'s entry for a row with row key `rowKey`. */
  indexEntryKey(index: IndexDesc, row: readonly Value[], rowKey: Uint8Array): Uint8Array {
    const d = this.indexColumns.get(index.indexNo);
    if (d === undefined) assert(false, `index ${index.name} not in codec`);
    const head = encodeKey(d.columns, d.slots.map((s) => row[s] ?? null), d.prefix);
    if (this.valueKeyed(index, row)) return head;
    const suffix = rowKey.subarray(this.rowPrefix.length);
    const out = new Uint8Array(head.length + suffix.length);
    out.set(head, 0);
    out.set(suffix, head.length);
    return out;
  }

  /** The range of `index`'s entries whose columns equal `values` (a prefix of its columns). */
  indexValuesRange(index: IndexDesc, values: readonly Value[]): KvRange {
    return this.indexRange(index, values, undefined, undefined);
  }

  /**
   * The key range of entries of `index` (primary or secondary) whose leading columns equal
   * `equal`, and whose next column lies between `lower` and `upper` (either may be absent).
   */
  indexRange(index: IndexDesc, equal: readonly Value[], lower: KeyBound | undefined, upper: KeyBound | undefined): KvRange {
    const d = index.primary ? { columns: this.pkColumns, prefix: this.rowPrefix } : this.indexColumns.get(index.indexNo);
    if (d === undefined) assert(false, `index ${index.name} not in codec`);
    const head = encodeKey(d.columns.slice(0, equal.length), equal, d.prefix);
    const next = d.columns[equal.length];
    if (next === undefined || (lower === undefined && upper === undefined)) {
      return { gte: head, lt: prefixUpperBound(head) as Uint8Array };
    }
    // A descending column stores inverted bytes: a lower value bound is an upper key bound.
    const lo = next.descending === true ? upper : lower;
    const hi = next.descending === true ? lower : upper;
    const range: { gte?: Uint8Array; gt?: Uint8Array; lt?: Uint8Array; lte?: Uint8Array } = {};
    if (lo === undefined) range.gte = head;
    else {
      const k = encodeKey([next], [lo.value], head);
      // Exclusive: skip every key that starts with k (the bound value, then any suffix).
      range.gte = lo.inclusive ? k : (prefixUpperBound(k) as Uint8Array);
    }
    if (hi === undefined) range.lt = prefixUpperBound(head) as Uint8Array;
    else {
      const k = encodeKey([next], [hi.value], head);
      range.lt = hi.inclusive ? (prefixUpperBound(k) as Uint8Array) : k;
    }
    return range;
  }

  /** The row key named by a secondary index entry. */
  rowKeyOfIndexEntry(key: Uint8Array, value: Uint8Array): Uint8Array {
    const indexNo = key[this.rowPrefix.length - 1] as number;
    const d = this.indexColumns.get(indexNo);
    if (d === undefined) assert(false, `index entry of unknown index ${indexNo}`);
    const { offset } = decodeKey(d.columns, key, d.prefix.length);
    const suffix = offset === key.length ? value : key.subarray(offset);
    const out = new Uint8Array(this.rowPrefix.length + suffix.length);
    out.set(this.rowPrefix, 0);
    out.set(suffix, this.rowPrefix.length);
    return out;
  }

  /** Slots of an index's columns in the row. */
  indexSlots(index: IndexDesc): readonly number[] {
    if (index.primary) return this.pkSlots;
    return this.indexColumns.get(index.indexNo)?.slots ?? [];
  }
}
