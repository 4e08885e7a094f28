/**
 * The commit record: one atomic commit as it is logged. Format: docs/format.md, "Commit record".
 *
 *   payload = commitTs u64le ‖ count varint ‖ count × entry
 *   entry   = kind u8 ‖ keyLength varint ‖ key ‖ (kind = VALUE:   valueLength varint ‖ value
 *                                                 | kind = POINTER: pointer (see value-pointer.ts)
 *                                                 | kind = POINTER_COPY: pointer ‖ valueLength varint ‖ value
 *                                                 | kind = TOMBSTONE: nothing)
 *   (the pointer is stored length-prefixed: pointerLength varint ‖ pointer bytes)
 *
 * Invariants:
 * - decodeCommitRecord validates every length against the payload; a malformed payload (whose CRC
 *   nevertheless matched) is a CorruptionError, never an out-of-bounds read.
 * - LOG_KIND_POINTER_COPY exists only in the commit log: a value pointer whose value-log record
 *   may not be durable yet, with a copy of the value (commit-group-processor.ts). It decodes as a
 *   KIND_POINTER entry carrying `copy`; memtables and tables never hold it.
 */
import { readVarint, varintLength, writeVarint } from '../util/varint.js';
import { CorruptionError } from './errors.js';
import { KIND_MAX, KIND_POINTER, KIND_TOMBSTONE } from './internal-key.js';

/** Commit-log entry kind (never an internal-key kind): a value pointer and a copy of its value. */
export const LOG_KIND_POINTER_COPY = KIND_MAX + 1;

export interface CommitEntry {
  readonly key: Uint8Array;
  /** An internal-key kind (a LOG_KIND_POINTER_COPY entry decodes as KIND_POINTER with `copy`). */
  readonly kind: number;
  /** Inline value (KIND_VALUE) or encoded pointer (KIND_POINTER); empty for a tombstone. */
  readonly value: Uint8Array;
  /** The value the pointer names, when the log holds a copy of it (else undefined). */
  readonly copy?: Uint8Array | undefined;
}

export interface CommitRecord {
  readonly commitTs: number;
  readonly entries: readonly CommitEntry[];
}

const TWO_POW_32 = 0x1_0000_0000;

/** Encodes a commit record (tests and tools; the commit path writes CommitGroupBuffer's columns). */
export function encodeCommitRecord(commitTs: number, entries: readonly CommitEntry[]): Uint8Array {
  const columns: CommitEntryColumns = {
    keys: entries.map((e) => e.key),
    kinds: entries.map((e) => (e.copy === undefined ? e.kind : LOG_KIND_POINTER_COPY)),
    values: entries.map((e) => e.value),
    copies: entries.map((e) => e.copy ?? EMPTY),
  };
  const out = Buffer.allocUnsafe(commitRecordBytes(columns, 0, entries.length));
  writeCommitRecord(out, 0, commitTs, columns, 0, entries.length);
  return out;
}

const EMPTY = new Uint8Array(0);

/**
 * Commit entries as parallel arrays: entry i is (keys[i], kinds[i], values[i]), the fields of a
 * CommitEntry, with kinds[i] = LOG_KIND_POINTER_COPY for a pointer whose value is copies[i] (any
 * other kind ignores copies[i]). The commit path keeps a group this way, without an object per
 * entry (commit-group.ts CommitGroupBuffer).
 */
export interface CommitEntryColumns {
  readonly keys: readonly Uint8Array[];
  readonly kinds: readonly number[];
  readonly values: readonly Uint8Array[];
  readonly copies: readonly Uint8Array[];
}

/** Encoded bytes of the commit record of entries [start, end) of `columns`. */
export function commitRecordBytes(columns: CommitEntryColumns, start: number, end: number): number {
  const { keys, kinds, values, copies } = columns;
  let bytes = 8 + varintLength(end - start);
  for (let i = start; i < end; i++) {
    const keyLength = (keys[i] as Uint8Array).length;
    bytes += 1 + varintLength(keyLength) + keyLength;
    const kind = kinds[i];
    if (kind !== KIND_TOMBSTONE) {
      const valueLength = (values[i] as Uint8Array).length;
      bytes += varintLength(valueLength) + valueLength;
    }
    if (kind === LOG_KIND_POINTER_COPY) {
      const copyLength = (copies[i] as Uint8Array).length;
      bytes += varintLength(copyLength) + copyLength;
    }
  }
  return bytes;
}

/** Writes the commit record of entries [start, end) of `columns` at `at` (room: commitRecordBytes); returns the offset after it. */
export function writeCommitRecord(out: Buffer, at: number, commitTs: number, columns: CommitEntryColumns, start: number, end: number): number {
  const { keys, kinds, values, copies } = columns;
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
    at = writeBytes(out, at, values[i] as Uint8Array);
    if (kind === LOG_KIND_POINTER_COPY) at = writeBytes(out, at, copies[i] as Uint8Array);
  }
  return at;
}

/** Writes valueLength varint ‖ value at `at`; returns the offset after it. */
function writeBytes(out: Buffer, at: number, value: Uint8Array): number {
  at = writeVarint(out, at, value.length);
  out.set(value, at);
  return at + value.length;
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
    let kind = buf[at++] as number;
    if (kind > LOG_KIND_POINTER_COPY) fail(`unknown kind ${kind}`);
    at = readVarint(buf, at, buf.length, out);
    if (at < 0 || at + (out[0] as number) > buf.length) fail('bad key length');
    const key = buf.subarray(at, at + (out[0] as number));
    at += key.length;
    let value: Uint8Array = buf.subarray(at, at);
    let copy: Uint8Array | undefined;
    if (kind !== KIND_TOMBSTONE) {
      at = readVarint(buf, at, buf.length, out);
      if (at < 0 || at + (out[0] as number) > buf.length) fail('bad value length');
      value = buf.subarray(at, at + (out[0] as number));
      at += value.length;
    }
    if (kind === LOG_KIND_POINTER_COPY) {
      at = readVarint(buf, at, buf.length, out);
      if (at < 0 || at + (out[0] as number) > buf.length) fail('bad copy length');
      copy = buf.subarray(at, at + (out[0] as number));
      at += copy.length;
      kind = KIND_POINTER;
    }
    entries.push({ key, kind, value, copy });
  }
  if (at !== buf.length) fail('trailing bytes');
  return { commitTs, entries };
}
