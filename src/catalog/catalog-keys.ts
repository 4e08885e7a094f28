/**
 * Key layout of the catalog and of table data (docs/format.md, "SQL keys").
 *
 *   0x00 0x00                         → catalog meta: JSON {version, nextOid}
 *   0x00 0x01 varint(oid)             → descriptor JSON (descriptors.ts)
 *   0x00 0x02 varint(oid) nonce       → sequence state (non-transactional, sequence-store.ts)
 *   id(tableOid) byte(indexNo) …      → table data: indexNo 1 = rows by primary key,
 *                                       ≥ 2 = secondary index entries
 *
 * - varint is LEB128 (prefix-free). id(n) is a length byte (1..4) then n big-endian in that many
 *   bytes: prefix-free, order-preserving, and its first byte is never 0x00 (the catalog) nor 0xFF
 *   (mvcc's reserved TTL prefix).
 * - indexNo fits in one byte (< 0x100 indexes per table, validated at CREATE INDEX).
 */
import { writeVarint, varintLength } from '../util/index.js';

export const CATALOG_META_KEY: Uint8Array = Uint8Array.of(0x00, 0x00);
export const DESCRIPTOR_PREFIX: Uint8Array = Uint8Array.of(0x00, 0x01);
export const SEQUENCE_PREFIX: Uint8Array = Uint8Array.of(0x00, 0x02);
export const INDEX_NO_MAX = 255;

export function descriptorKey(oid: number): Uint8Array {
  const key = new Uint8Array(2 + varintLength(oid));
  key.set(DESCRIPTOR_PREFIX, 0);
  writeVarint(key, 2, oid);
  return key;
}

export function sequenceKey(oid: number, nonce: string): Uint8Array {
  const nonceBytes = Buffer.from(nonce, 'utf8');
  const key = new Uint8Array(2 + varintLength(oid) + nonceBytes.length);
  key.set(SEQUENCE_PREFIX, 0);
  const at = writeVarint(key, 2, oid);
  key.set(nonceBytes, at);
  return key;
}

function idLength(id: number): number {
  return id < 0x100 ? 1 : id < 0x10000 ? 2 : id < 0x1000000 ? 3 : 4;
}

function writeId(key: Uint8Array, id: number): number {
  const n = idLength(id);
  key[0] = n;
  for (let i = n; i >= 1; i--) {
    key[i] = id & 0xff;
    id = Math.floor(id / 256);
  }
  return n + 1;
}

/** id(tableOid) ‖ indexNo: the prefix of every key of one index of one table. */
export function indexPrefix(tableOid: number, indexNo: number): Uint8Array {
  const key = new Uint8Array(idLength(tableOid) + 2);
  const at = writeId(key, tableOid);
  key[at] = indexNo;
  return key;
}

/** The prefix of every data key of a table (all its indexes). */
export function tablePrefix(tableOid: number): Uint8Array {
  const key = new Uint8Array(idLength(tableOid) + 1);
  writeId(key, tableOid);
  return key;
}
