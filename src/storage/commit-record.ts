/**
 * The commit record: one atomic commit as it is logged. Format: docs/format.md, "Commit record".
 *
 *   payload = commitTs u64le ‖ count varint ‖ count × entry
 *   entry   = kind u8 ‖ keyLength varint ‖ key ‖ (kind = VALUE:   valueLength varint ‖ value
 *                                                 | kind = POINTER: pointer (see value-pointer.ts)
 *                                                 | kind = TOMBSTONE: nothing)
 *   (the pointer is stored length-prefixed: pointerLength varint ‖ pointer bytes)
 *
 * Invariants:
 * - decodeCommitRecord validates every length against the payload; a malformed payload (whose CRC
 *   nevertheless matched) is a CorruptionError, never an out-of-bounds read.
 */
import { readVarint, varintLength, writeVarint } from '../util/varint.js';
import { CorruptionError } from './errors.js';
import { KIND_MAX, KIND_TOMBSTONE } from './internal-key.js';

export interface CommitEntry {
  readonly key: Uint8Array;
  readonly kind: number;
  /** Inline value (KIND_VALUE) or encoded pointer (KIND_POINTER); empty for a tombstone. */
  readonly value: Uint8Array;
}

export interface CommitRecord {
  readonly commitTs: number;
  readonly entries: readonly CommitEntry[];
}

const TWO_POW_32 = 0x1_0000_0000;

export function encodeCommitRecord(commitTs: number, entries: readonly CommitEntry[]): Uint8Array {
  const columns: CommitEntryColumns = { keys: entries.map((e) => e.key), kinds: entries.map((e) => e.kind), values: entries.map((e) => e.value) };
  const out = Buffer.allocUnsafe(commitRecordBytes(columns, 0, entries.length));
  writeCommitRecord(out, 0, commitTs, columns, 0, entries.length);
  return out;
}

/**
 * Commit entries as parallel arrays: entry i is (keys[i], kinds[i], values[i]), the fields of a
 * CommitEntry. The commit path keeps a group this way, without an object per entry
 * (commit-group.ts CommitGroupBuffer).
 */
export interface CommitEntryColumns {
  readonly keys: readonly Uint8Array[];
  readonly kinds: readonly number[];
  readonly values: readonly Uint8Array[];
}

/** Encoded bytes of the commit record of entries [start, end) of `columns`. */
export function commitRecordBytes(columns: CommitEntryColumns, start: number, end: number): number {
  const { keys, kinds, values } = columns;
  let bytes = 8 + varintLength(end - start);
  for (let i = start; i < end; i++) {
    const keyLength = (keys[i] as Uint8Array).length;
    bytes += 1 + varintLength(keyLength) + keyLength;
    if (kinds[i] !== KIND_TOMBSTONE) {
      const valueLength = (values[i] as Uint8Array).length;
      bytes += varintLength(valueLength) + valueLength;
    }
  }
  return bytes;
}

/** Writes the commit record of entries [start, end) of `columns` at `at` (room: commitRecordBytes); returns the offset after it. */
export function writeCommitRecord(out: Buffer, at: number, commitTs: number, columns: CommitEntryColumns, start: number, end: number): number {
  const { keys, kinds, values } = columns;
  out.writeUInt32LE(commitTs % TWO_POW_32, at);
  out.writeUInt32LE(Math.floor(commitTs / TWO_POW_32), at + 4);
  at = writeVarint(out, at + 8, end - start);
  for (let i = start; i < end; i++) {
    const key = keys[i] as Uint8Array;
    const kind = kinds[i] as number;
    out[at++] = kind;
    at = writeVarint(out, at, key.length);
    out.set(key, at);
    at += key.length;
    if (kind === KIND_TOMBSTONE) continue;
    const value = values[i] as Uint8Array;
    at = writeVarint(out, at, value.length);
    out.set(value, at);
    at += value.length;
  }
  return at;
}

/** Decodes a commit payload read from `path` at `offset` (for error messages). */
export function decodeCommitRecord(payload: Uint8Array, path: string, offset: number): CommitRecord {
  const fail = (detail: string): never => {
    throw new CorruptionError(path, offset, `commit record: ${detail}`);
  };
  if (payload.length < 9) fail('too short');
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const commitTs = buf.readUInt32LE(0) + buf.readUInt32LE(4) * TWO_POW_32;
  const out = [0];
  let at = readVarint(buf, 8, buf.length, out);
  const count = out[0] as number;
  if (at < 0 || count > buf.length) fail('bad entry count');
  const entries: CommitEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (at >= buf.length) fail('entry runs past the end');
    const kind = buf[at++] as number;
    if (kind > KIND_MAX) fail(`unknown kind ${kind}`);
    at = readVarint(buf, at, buf.length, out);
    if (at < 0 || at + (out[0] as number) > buf.length) fail('bad key length');
    const key = buf.subarray(at, at + (out[0] as number));
    at += key.length;
    let value: Uint8Array = buf.subarray(at, at);
    if (kind !== KIND_TOMBSTONE) {
      at = readVarint(buf, at, buf.length, out);
      if (at < 0 || at + (out[0] as number) > buf.length) fail('bad value length');
      value = buf.subarray(at, at + (out[0] as number));
      at += value.length;
    }
    entries.push({ key, kind, value });
  }
  if (at !== buf.length) fail('trailing bytes');
  return { commitTs, entries };
}
