/**
 * Test helper: the values of a result row whatever form it came in — an EncodedRow (text fields,
 * the body of a DataRow: int16 count, then per field an int32 length, -1 for NULL, and the bytes)
 * is decoded into its fields' bytes, checking that its layout is exact.
 */
import type { ResultRow, WireRow } from '../../src/sql/session-api.js';

/** The fields of an EncodedRow as byte views (null for NULL); throws when the layout is off. */
export function decodeEncodedRow(bytes: Uint8Array): WireRow {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getInt16(0);
  const out: WireRow = [];
  let at = 2;
  for (let i = 0; i < count; i++) {
    const length = view.getInt32(at);
    at += 4;
    if (length === -1) out.push(null);
    else {
      if (length < 0 || at + length > bytes.length) throw new Error(`field ${i} runs past the row`);
      out.push(bytes.subarray(at, at + length));
      at += length;
    }
  }
  if (at !== bytes.length) throw new Error(`${bytes.length - at} bytes after the last field`);
  return out;
}

/** A row's values: a WireRow as it is, an EncodedRow decoded (decodeEncodedRow). */
export function rowValues(row: ResultRow): WireRow {
  return Array.isArray(row) ? row : decodeEncodedRow(row);
}

/** A row's values as strings (bytes as UTF-8), NULL as null. */
export function rowTexts(row: ResultRow): Array<string | null> {
  return rowValues(row).map((v) => (v === null || typeof v === 'string' ? v : Buffer.from(v).toString('utf8')));
}
