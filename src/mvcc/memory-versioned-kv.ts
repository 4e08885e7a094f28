/**
 * MemoryVersionedKv: a simple, correct in-memory VersionedKv — the model the real engine is tested
 * against and the store SQL-layer tests run on before (or instead of) the LSM.
 *
 * Invariants:
 * - `versions` maps a key string to its versions, oldest first, with strictly increasing ts; a
 *   version with `value === undefined` is a tombstone.
 * - `sorted ∪ pending` are exactly the keys of `versions`; `sorted` is in memcmp order. Both are
 *   replaced, never mutated in place, once an iterator may hold them (copy-on-write), so an open
 *   iterator is never disturbed by a commit or a compaction.
 * - visibleTs() <= lastTs(); commits apply in commitTs order; a commit's promise resolves after
 *   it is applied (visibleTs() >= its commitTs).
 * - compact() drops only versions shadowed at or below the safe point, and a tombstone at or below
 *   it once nothing older remains (readers read at ts >= safe point, so they see the same data).
 */
import type { KvEntry, KvIterator, KvRange, KvWrite, Ts, VersionedKv } from './versioned-kv.js';
import { fromKeyString, toKeyString } from './key-string.js';
import { lowerIndex, toStringRange, upperIndex } from './key-range.js';
import { assert } from '../util/index.js';

interface Version {
  readonly ts: Ts;
  readonly value: Uint8Array | undefined;
}

interface PendingCommit {
  readonly writes: readonly KvWrite[];
  readonly commitTs: Ts;
  readonly resolve: () => void;
}

export interface MemoryVersionedKvOptions {
  /**
   * 'sync' (default) applies a commit before commit() returns; 'deferred' applies queued commits
   * on a later macrotask, in order, so commits stay in flight (not yet visible) for a while.
   */
  readonly applyMode?: 'sync' | 'deferred';
  /** compact() runs by itself when setSafePoint() finds at least this many keys with history. */
  readonly compactDirtyKeysMin?: number;
}

export class MemoryVersionedKv implements VersionedKv {
  private readonly versions = new Map<string, Version[]>();
  private sorted: string[] = [];
  private pending: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly queue: PendingCommit[] = [];
  private last: Ts = 0;
  private visible: Ts = 0;
  private safe: Ts = 0;
  private applyScheduled = false;
  private commitsSinceCompact = 0;
  private readonly applyMode: 'sync' | 'deferred';
  private readonly compactDirtyKeysMin: number;

  constructor(options: MemoryVersionedKvOptions = {}) {
    this.applyMode = options.applyMode ?? 'sync';
    this.compactDirtyKeysMin = options.compactDirtyKeysMin ?? 1024;
    assert(Number.isInteger(this.compactDirtyKeysMin) && this.compactDirtyKeysMin >= 1, 'compactDirtyKeysMin');
  }

  lastTs(): Ts {
    return this.last;
  }

  visibleTs(): Ts {
    return this.visible;
  }

  /** The safe point last passed to setSafePoint(). */
  safePoint(): Ts {
    return this.safe;
  }

  get(key: Uint8Array, readTs: Ts): Uint8Array | undefined {
    const list = this.versions.get(toKeyString(key));
    return list === undefined ? undefined : visibleValue(list, readTs);
  }

  scan(range: KvRange, readTs: Ts): KvIterator {
    this.mergePending();
    const bounds = toStringRange(range);
    return new MemoryScanIterator(
      this.sorted,
      this.versions,
      lowerIndex(this.sorted, bounds),
      upperIndex(this.sorted, bounds),
      range.reverse === true,
      range.limit ?? Infinity,
      readTs,
    );
  }

  commit(writes: readonly KvWrite[], commitTs: Ts): Promise<void> {
    assert(Number.isSafeInteger(commitTs) && commitTs > this.last, `commitTs ${commitTs} <= lastTs ${this.last}`);
    this.last = commitTs;
    this.commitsSinceCompact++;
    return new Promise<void>((resolve) => {
      this.queue.push({ writes, commitTs, resolve });
      if (this.applyMode === 'sync') this.applyQueued();
      else if (!this.applyScheduled) {
        this.applyScheduled = true;
        setImmediate(() => this.applyQueued());
      }
    });
  }

  setSafePoint(ts: Ts): void {
    assert(ts >= this.safe, `safe point moved back from ${this.safe} to ${ts}`);
    assert(ts <= this.visible, `safe point ${ts} above visibleTs ${this.visible}`);
    this.safe = ts;
    // Amortized: a compaction costs O(dirty keys), so run one per that many commits at most.
    if (this.dirty.size >= this.compactDirtyKeysMin && this.commitsSinceCompact >= this.dirty.size) this.compact();
  }

  /** Drops every version no read at ts >= safePoint() can see. Returns how many were dropped. */
  compact(): number {
    this.commitsSinceCompact = 0;
    let dropped = 0;
    let removedKey = false;
    for (const keyString of this.dirty) {
      const list = this.versions.get(keyString) as Version[];
      let keep = 0; // index of the newest version at or below the safe point
      while (keep + 1 < list.length && (list[keep + 1] as Version).ts <= this.safe) keep++;
      const head = list[keep] as Version;
      if (head.ts <= this.safe && head.value === undefined) keep++;
      if (keep === 0) continue;
      dropped += keep;
      const rest = list.slice(keep);
      if (rest.length === 0) {
        this.versions.delete(keyString);
        this.dirty.delete(keyString);
        removedKey = true;
      } else {
        this.versions.set(keyString, rest);
        if (rest.length === 1 && (rest[0] as Version).value !== undefined) this.dirty.delete(keyString);
      }
    }
    if (removedKey) {
      this.mergePending();
      this.sorted = this.sorted.filter((k) => this.versions.has(k));
    }
    return dropped;
  }

  /** Number of stored versions (values and tombstones) over all keys. */
  versionCount(): number {
    let count = 0;
    for (const list of this.versions.values()) count += list.length;
    return count;
  }

  /** Every stored version of `key`, oldest first (for tests of reclamation). */
  versionsOf(key: Uint8Array): ReadonlyArray<{ ts: Ts; value: Uint8Array | undefined }> {
    return this.versions.get(toKeyString(key)) ?? [];
  }

  private applyQueued(): void {
    this.applyScheduled = false;
    const batch = this.queue.splice(0);
    for (const pending of batch) {
      for (const write of pending.writes) this.applyWrite(write, pending.commitTs);
      this.visible = pending.commitTs;
    }
    for (const pending of batch) pending.resolve();
  }

  private applyWrite(write: KvWrite, ts: Ts): void {
    const keyString = toKeyString(write.key);
    const value = write.value === undefined ? undefined : Uint8Array.from(write.value);
    const list = this.versions.get(keyString);
    if (list === undefined) {
      this.versions.set(keyString, [{ ts, value }]);
      this.pending.push(keyString);
      if (value === undefined) this.dirty.add(keyString);
      return;
    }
    const newest = list[list.length - 1] as Version;
    if (newest.ts === ts) list[list.length - 1] = { ts, value }; // the same key twice in one commit
    else {
      list.push({ ts, value });
      this.dirty.add(keyString);
    }
  }

  private mergePending(): void {
    if (this.pending.length === 0) return;
    const added = this.pending.sort();
    this.pending = [];
    const merged: string[] = new Array<string>(this.sorted.length + added.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < this.sorted.length || j < added.length) {
      const a = this.sorted[i];
      const b = added[j];
      if (b === undefined || (a !== undefined && a < b)) merged[k++] = this.sorted[i++] as string;
      else merged[k++] = added[j++] as string;
    }
    this.sorted = merged;
  }
}

function visibleValue(list: readonly Version[], readTs: Ts): Uint8Array | undefined {
  for (let i = list.length - 1; i >= 0; i--) {
    const version = list[i] as Version;
    if (version.ts <= readTs) return version.value;
  }
  return undefined;
}

/** Walks a frozen `sorted` array between two indexes; entries are fresh objects. */
class MemoryScanIterator implements KvIterator {
  private next_: number;
  private remaining: number;

  constructor(
    private readonly keys: readonly string[],
    private readonly versions: ReadonlyMap<string, Version[]>,
    private readonly start: number,
    private readonly end: number,
    private readonly reverse: boolean,
    limit: number,
    private readonly readTs: Ts,
  ) {
    this.next_ = reverse ? end - 1 : start;
    this.remaining = limit;
  }

  next(): IteratorResult<KvEntry> {
    while (this.remaining > 0 && this.next_ >= this.start && this.next_ < this.end) {
      const keyString = this.keys[this.next_] as string;
      this.next_ += this.reverse ? -1 : 1;
      const list = this.versions.get(keyString);
      const value = list === undefined ? undefined : visibleValue(list, this.readTs);
      if (value === undefined) continue;
      this.remaining--;
      return { done: false, value: { key: fromKeyString(keyString), value } };
    }
    this.remaining = 0;
    return { done: true, value: undefined };
  }

  return(): IteratorResult<KvEntry> {
    this.remaining = 0;
    return { done: true, value: undefined };
  }

  [Symbol.iterator](): this {
    return this;
  }
}
