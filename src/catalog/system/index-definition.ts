/**
 * The CREATE INDEX text PostgreSQL's pg_get_indexdef prints for an index: shared by pg_indexes
 * (catalog) and the pg_get_indexdef function (SQL layer), which chooses how the table is named.
 */
import type { IndexDesc, TableDesc } from '../descriptors.js';
import { quoteIdentifier } from './quote-identifier.js';

/** Each key column as written in the definition: name, then DESC / NULLS FIRST / NULLS LAST when not the default. */
export function indexKeyTexts(table: TableDesc, index: IndexDesc): string[] {
  return index.columns.map((c) => {
    let s = quoteIdentifier(table.columns[c.attnum - 1]?.name ?? `?${c.attnum}`);
    if (c.descending) s += c.nullsFirst ? ' DESC' : ' DESC NULLS LAST';
    else if (c.nullsFirst) s += ' NULLS FIRST';
    return s;
  });
}

/** `CREATE [UNIQUE ]INDEX name ON <tableText> USING btree (keys)`. */
export function createIndexText(table: TableDesc, index: IndexDesc, tableText: string): string {
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdentifier(index.name)} ON ${tableText} USING btree (${indexKeyTexts(table, index).join(', ')})`;
}
