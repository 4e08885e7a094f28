/**
 * Order-preserving ("memcomparable") key encoding: for every indexable type, the unsigned byte
 * order of encoded keys equals SqlType.compare order, column by column, so range scans are byte
 * range scans. Layout of one column: a tag byte, then (for a value) its body.
 *
 *   tag 0x01 NULL (NULLS FIRST) | 0x02 value | 0x03 NULL (NULLS LAST)
 *   body (ascending; descending = every body byte inverted):
 *   bool        1 byte 0/1
 *   int2/4/8    2/4/8 bytes big-endian, sign bit flipped
 *   oid, reg*   4 bytes big-endian unsigned
 *   float4/8    8 bytes: IEEE float64 bits, positive → sign bit flipped, negative → all bits
 *               inverted; -0 written as 0, every NaN as the canonical NaN (greatest)
 *   numeric     class byte (0x10 -inf, 0x11 negative, 0x12 zero, 0x13 positive, 0x14 +inf,
 *               0x15 NaN); finite nonzero: int32 decimal exponent E (value = 0.ddd × 10^E,
 *               sign flipped) then digit pairs as (10·d1 + d2 + 1), then 0x00; negative values
 *               invert the exponent, pairs and terminator
 *   text types  UTF-8 with 0x00 escaped as 0x00 0xFF, terminated by 0x00 0x01 (bpchar without
 *               trailing spaces)
 *   bytea       same escaping as text
 *   uuid        16 bytes
 *   date        4 bytes int32 day (±infinity as int32 max/min), sign flipped
 *   time        8 bytes, timestamp(tz) 8 bytes int64, sign flipped
 *   interval    16 bytes: the total span in microseconds (months as 30 days) as int128
 *   jsonb       rank byte, then: string → text body, number → numeric body, bool → 1 byte,
 *               array → uint32 count + elements, object → uint32 count + (uint32 key length,
 *               key bytes, value)…
 *   arrays      per element 0x02 + body or 0x03 for NULL, then 0x01
 * Invariants:
 * - Every body is prefix-free, so concatenated columns stay ordered and inverting a body
 *   reverses its order exactly (descending columns).
 * - Equal values (compare = 0) encode to equal bytes. Decoding returns an equal value; for
 *   numeric (display scale), bpchar (padding), interval (field split) and jsonb (number scale)
 *   it may print differently: `keyDecodeIsExact` says which types round-trip exactly.
 * - Default NULL placement is PostgreSQL's: NULLS LAST for ASC, NULLS FIRST for DESC.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { OID } from '../types/oids.js';
import type { SqlType, Value } from '../types/sql-type.js';
import { ByteWriter } from './key-writer.js';
import { KIND, kindOf, readBody, skipBody, writeBody, type KeyReader } from './key-body.js';

export const TAG_NULL_FIRST = 0x01;
export const TAG_VALUE = 0x02;
export const TAG_NULL_LAST = 0x03;

export interface KeyColumn {
  readonly type: SqlType;
  readonly descending?: boolean;
  /** Defaults to PostgreSQL's: true for DESC, false for ASC. */
  readonly nullsFirst?: boolean;
}

/** Whether decodeKey returns values that print like the encoded ones. */
export function keyDecodeIsExact(type: SqlType): boolean {
  const oid = type.element?.oid ?? type.oid;
  return oid !== OID.numeric && oid !== OID.bpchar && oid !== OID.interval && oid !== OID.jsonb;
}

/** Whether the type has a key encoding. */
export function isKeyEncodable(type: SqlType): boolean {
  if (type.element !== undefined) return isKeyEncodable(type.element);
  return kindOf(type) !== KIND.none;
}

/** Appends one column's tag and body to `w`. */
export function writeKeyColumn(w: ByteWriter, column: KeyColumn, value: Value): void {
  const desc = column.descending === true;
  if (value === null) {
    w.byte((column.nullsFirst ?? desc) ? TAG_NULL_FIRST : TAG_NULL_LAST);
    return;
  }
  w.byte(TAG_VALUE);
  const start = w.pos;
  writeBody(w, column.type, value);
  if (desc) {
    const buf = w.buf;
    for (let i = start; i < w.pos; i++) buf[i] = ~(buf[i] as number) & 0xff;
  }
}

const sharedWriter = new ByteWriter(256);

/** Encodes a composite key, after an optional prefix (table and index id). */
export function encodeKey(columns: readonly KeyColumn[], values: readonly Value[], prefix?: Uint8Array): Uint8Array {
  if (columns.length !== values.length) {
    throw new SqlError(SQLSTATE.internalError, `key has ${values.length} values for ${columns.length} columns`);
  }
  const w = sharedWriter;
  w.reset();
  if (prefix !== undefined) w.bytes(prefix);
  for (let i = 0; i < columns.length; i++) writeKeyColumn(w, columns[i] as KeyColumn, values[i] as Value);
  return w.finish();
}

function corrupt(offset: number): SqlError {
  return new SqlError(SQLSTATE.dataCorrupted, `malformed key at offset ${offset}`);
}

/**
 * Decodes the columns of a key starting at `offset` (after any prefix). Returns the values and
 * the offset after the last decoded column. Malformed bytes raise XX001.
 */
export function decodeKey(columns: readonly KeyColumn[], bytes: Uint8Array, offset = 0): { values: Value[]; offset: number } {
  const reader: KeyReader = { bytes, pos: offset, mask: 0 };
  const values: Value[] = [];
  for (const column of columns) {
    const tag = bytes[reader.pos++];
    if (tag === TAG_NULL_FIRST || tag === TAG_NULL_LAST) {
      values.push(null);
      continue;
    }
    if (tag !== TAG_VALUE) throw corrupt(reader.pos - 1);
    reader.mask = column.descending === true ? 0xff : 0;
    values.push(readBody(reader, column.type));
  }
  return { values, offset: reader.pos };
}

/**
 * The offset after `columns` encoded at `offset`, without decoding values (cheaper than
 * decodeKey when only the position of what follows is needed). Malformed bytes raise XX001.
 */
export function skipKey(columns: readonly KeyColumn[], bytes: Uint8Array, offset = 0): number {
  const reader: KeyReader = { bytes, pos: offset, mask: 0 };
  for (const column of columns) {
    const tag = bytes[reader.pos++];
    if (tag === TAG_NULL_FIRST || tag === TAG_NULL_LAST) continue;
    if (tag !== TAG_VALUE) throw corrupt(reader.pos - 1);
    reader.mask = column.descending === true ? 0xff : 0;
    skipBody(reader, column.type);
  }
  return reader.pos;
}
