/**
 * keyColumnTexts: PostgreSQL's text output of the columns of an encoded key (key-encoding.ts),
 * for printing a row's primary-key columns straight from its row key.
 *
 * - An ascending text-kind column (text, varchar, name, "char") without an escaped zero byte is
 *   handed out as a view of its UTF-8 body inside `key` (that body is its text output exactly);
 *   any other column as toText() of its decoded value; NULL as null. Views live as long as `key`.
 * - Malformed bytes raise XX001, as decodeKey does.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { TypeContext } from '../types/sql-type.js';
import { KIND, kindOf, readBody, type KeyReader } from './key-body.js';
import { TAG_NULL_FIRST, TAG_NULL_LAST, TAG_VALUE, type KeyColumn } from './key-encoding.js';

function corrupt(offset: number): SqlError {
  return new SqlError(SQLSTATE.dataCorrupted, `malformed key at offset ${offset}`);
}

/** The text output of each of `columns` encoded in `key` from `offset` on. */
export function keyColumnTexts(columns: readonly KeyColumn[], key: Uint8Array, offset: number, ctx: TypeContext): Array<string | Uint8Array | null> {
  const reader: KeyReader = { bytes: key, pos: offset, mask: 0 };
  const out = new Array<string | Uint8Array | null>(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i] as KeyColumn;
    const tag = key[reader.pos++];
    if (tag === TAG_NULL_FIRST || tag === TAG_NULL_LAST) {
      out[i] = null;
      continue;
    }
    if (tag !== TAG_VALUE) throw corrupt(reader.pos - 1);
    const descending = column.descending === true;
    const view = descending || kindOf(column.type) !== KIND.text ? undefined : textBodyView(reader);
    if (view !== undefined) {
      out[i] = view;
      continue;
    }
    reader.mask = descending ? 0xff : 0;
    out[i] = column.type.toText(readBody(reader, column.type), ctx);
  }
  return out;
}

/**
 * The body of an ascending text column at `reader.pos` as a view, advancing past its 0x00 0x01
 * terminator; undefined (position unchanged) when the body has an escaped zero (0x00 0xFF).
 */
function textBodyView(reader: KeyReader): Uint8Array | undefined {
  const bytes = reader.bytes;
  const start = reader.pos;
  // A loop, not indexOf: keys are short, and Buffer's indexOf is a costly call for them.
  let zero = start;
  while (zero < bytes.length && bytes[zero] !== 0) zero++;
  if (zero + 1 >= bytes.length) throw corrupt(start);
  if (bytes[zero + 1] !== 1) return undefined;
  reader.pos = zero + 2;
  return bytes.subarray(start, zero);
}
