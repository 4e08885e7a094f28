/**
 * The point-read path (DESIGN.md, Read): memtable → frozen memtables → L0 tables newest first →
 * one table per deeper level (by key range) → value pointer → value log.
 *
 * Invariants:
 * - Each source holds only versions newer than every version of the sources after it (memtables
 *   are frozen, then flushed, in commit order), so the first source that has a version of the key
 *   visible at readTs holds the newest one.
 * - Tables whose minTs is above readTs cannot hold a visible version and are skipped; the Bloom
 *   filter is checked (inside TableReader.get) before any data block.
 * - resolveFound() and resolveStored() return a fresh copy (pooled-copy.ts), never a view of a
 *   cached block or memtable arena.
 */
import { compareUserKeyOf, FoundVersion, type KeyVersion, KIND_POINTER, KIND_TOMBSTONE } from './internal-key.js';
import { bloomHash } from './bloom.js';
import type { Memtable } from './memtable.js';
import { pooledCopy } from '../util/pooled-copy.js';
import type { ValueLog } from './value-log.js';
import type { TableHandle, Version } from './version.js';

function levelTableFor(level: readonly TableHandle[], key: Uint8Array): TableHandle | undefined {
  let lo = 0;
  let hi = level.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareUserKeyOf((level[mid] as TableHandle).meta.largest, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  const table = level[lo];
  return table !== undefined && compareUserKeyOf(table.meta.smallest, key) <= 0 ? table : undefined;
}

/**
 * The newest version of `key` visible at readTs (tombstones included), or undefined. The found
 * value is borrowed: a view of a memtable arena chunk (never reused) or of a block, whose buffer
 * the block cache recycles after the block's eviction (block-cache.ts), so it is valid only until
 * the next read of a table through the same cache; it must not be modified. resolveFound copies
 * it before it leaves the engine; other callers use it before their next read.
 */
export function findVersion(
  key: Uint8Array,
  readTs: number,
  memtables: readonly Memtable[],
  version: Version,
): KeyVersion | undefined {
  const found = new FoundVersion();
  return findVersionInto(key, readTs, memtables, version, found) ? found.toKeyVersion() : undefined;
}

/** findVersion() into `out` (true when found), allocating nothing; out.bytes is borrowed as findVersion's value is. */
export function findVersionInto(key: Uint8Array, readTs: number, memtables: readonly Memtable[], version: Version, out: FoundVersion): boolean {
  // Hash the key once for the memtables' hash indexes and every table's Bloom filter.
  const hash = bloomHash(key);
  for (let i = 0; i < memtables.length; i++) {
    if ((memtables[i] as Memtable).findInto(key, readTs, hash, out)) return true;
  }
  const levels = version.levels;
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as readonly TableHandle[];
    if (i === 0) {
      for (let t = 0; t < level.length; t++) {
        const table = level[t] as TableHandle;
        if (table.meta.minTs <= readTs && table.reader.findInto(key, readTs, hash, out)) return true;
      }
    } else {
      const table = levelTableFor(level, key);
      if (table !== undefined && table.reader.findInto(key, readTs, hash, out)) return true;
    }
  }
  return false;
}

/** The user-visible value of a found version: undefined for a tombstone, else a fresh copy (a pointer is read in place: no view, no pointer object). */
export function resolveFound(found: FoundVersion, key: Uint8Array, vlog: ValueLog): Uint8Array | undefined {
  const kind = found.kind;
  if (kind === KIND_TOMBSTONE) return undefined;
  if (kind !== KIND_POINTER) return pooledCopy(found.bytes.subarray(found.start, found.end));
  return vlog.readPointed(found.bytes, found.start, found.end, key);
}

/** The user-visible value of a stored (kind, value): undefined for a tombstone, else a fresh copy. */
export function resolveStored(kind: number, stored: Uint8Array, key: Uint8Array, vlog: ValueLog): Uint8Array | undefined {
  if (kind === KIND_TOMBSTONE) return undefined;
  if (kind !== KIND_POINTER) return pooledCopy(stored);
  return vlog.readPointed(stored, 0, stored.length, key);
}
