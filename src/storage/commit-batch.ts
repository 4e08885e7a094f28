/**
 * Validation and encoding of one commit's writes (the work done per commit before and inside its
 * group), kept apart from the engine so the hot path stays small and testable.
 *
 * Invariants:
 * - validateWrites() rejects keys and values past their maxima, and a commit bigger than the
 *   largest commit group (commit-group.ts COMMIT_GROUP_BYTES_MAX), with LimitError before anything
 *   is queued, so a failed commit never consumes a ts.
 * - dedupeWrites() keeps the last write of each key: one version per (key, commitTs).
 * - addCommitEntries() sends values of at least valueThreshold bytes to the value log, in write
 *   order, and adds the entries the commit record and the memtable receive to the group.
 */
import { COMMIT_GROUP_BYTES_MAX, type CommitGroupBuffer } from './commit-group.js';
import { LimitError } from './errors.js';
import { KIND_TOMBSTONE, KIND_VALUE } from './internal-key.js';
import type { ResolvedOptions } from './options.js';
import type { ValueLog } from './value-log.js';
import { VLOG_HEADER_BYTES } from './vlog-record.js';

/** One write: `value === undefined` deletes the key. */
export interface Write {
  readonly key: Uint8Array;
  readonly value: Uint8Array | undefined;
}

/**
 * Per-write overhead counted toward group sizes (record framing, kinds, lengths), also counted
 * once per commit. It bounds the encoding beyond key and value bytes, so a commit's count is at
 * least its encoded commit record plus the record's length prefix in its group (commit-group.ts):
 * a write encodes kind (1) ‖ key length (≤ 3, keys ≤ 1 MiB) ‖ key ‖ value length (≤ 4, values
 * ≤ 256 MiB) ‖ value, or for a separated value pointer length (1) ‖ pointer (≤ 7 + 5 + 5 bytes:
 * segment, offset, length); a commit adds commitTs (8) ‖ count (≤ 4) ‖ length prefix (≤ 5).
 */
export const WRITE_OVERHEAD_BYTES = 24;

/** Checks limits; returns the approximate encoded bytes of the commit. */
export function validateWrites(writes: readonly Write[], options: ResolvedOptions): number {
  if (writes.length > options.batchOpsMax) {
    throw new LimitError(`batch of ${writes.length} writes exceeds batchOpsMax ${options.batchOpsMax}`);
  }
  let bytes = WRITE_OVERHEAD_BYTES;
  for (const write of writes) {
    if (!(write.key instanceof Uint8Array)) throw new LimitError('key must be a Uint8Array');
    if (write.key.length > options.keyBytesMax) {
      throw new LimitError(`key of ${write.key.length} bytes exceeds keyBytesMax ${options.keyBytesMax}`);
    }
    const value = write.value;
    if (value !== undefined) {
      if (!(value instanceof Uint8Array)) throw new LimitError('value must be a Uint8Array');
      if (value.length > options.valueBytesMax) {
        throw new LimitError(`value of ${value.length} bytes exceeds valueBytesMax ${options.valueBytesMax}`);
      }
      bytes += value.length;
    }
    bytes += write.key.length + WRITE_OVERHEAD_BYTES;
  }
  // A commit larger than groupCommitBytesMax forms a group alone: it must still fit a log record.
  if (bytes > COMMIT_GROUP_BYTES_MAX) throw new LimitError(`commit of ${bytes} bytes exceeds the commit group maximum of ${COMMIT_GROUP_BYTES_MAX} bytes`);
  return bytes;
}

/** FNV-1a of a key: a cheap first pass that proves most batches hold no duplicate key. */
function keyHash(key: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ (key[i] as number), 0x01000193);
  return hash >>> 0;
}

function mayHaveDuplicates(writes: readonly Write[]): boolean {
  const seen = new Set<number>();
  for (const write of writes) {
    const hash = keyHash(write.key);
    if (seen.has(hash)) return true;
    seen.add(hash);
  }
  return false;
}

/** The writes with only the last write of each key kept (order of last occurrence). */
export function dedupeWrites(writes: readonly Write[]): readonly Write[] {
  if (writes.length < 2 || !mayHaveDuplicates(writes)) return writes;
  const last = new Map<string, number>();
  for (let i = 0; i < writes.length; i++) last.set(Buffer.from((writes[i] as Write).key).toString('latin1'), i);
  if (last.size === writes.length) return writes;
  const kept = [...last.values()].sort((a, b) => a - b);
  return kept.map((i) => writes[i] as Write);
}

/**
 * Adds one commit's writes to its group's entries (ended by the caller's group.endCommit), appending
 * values of at least `valueThreshold` bytes to `vlog` (the entry then holds the encoded pointer).
 */
export function addCommitEntries(writes: readonly Write[], valueThreshold: number, vlog: ValueLog, group: CommitGroupBuffer): void {
  for (let i = 0; i < writes.length; i++) {
    const write = writes[i] as Write;
    const value = write.value;
    if (value === undefined) group.add(write.key, KIND_TOMBSTONE, EMPTY);
    else if (value.length < valueThreshold) group.add(write.key, KIND_VALUE, value);
    else {
      const offset = vlog.appendAt(write.key, value);
      group.addPointer(write.key, vlog.activeSegmentNumber as number, offset, VLOG_HEADER_BYTES + write.key.length + value.length);
    }
  }
}

const EMPTY = new Uint8Array(0);
