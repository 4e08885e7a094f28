/**
 * ConflictTracker: which keys were committed at which commitTs, recently enough to matter to a
 * live transaction — the memory behind first-committer-wins and serializable validation.
 *
 * Invariants:
 * - For every key written by a commit with commitTs > floorTs() not yet released, its KeyTable
 *   entry's commitTs is the largest such commitTs (commits in flight included: they are recorded
 *   before kv.commit is called). The table may be shared with KeyLocks (key-table.ts).
 * - `commitTss` is in increasing commitTs order; `keysOf` holds, per commit, the keys it wrote
 *   (parallel arrays: no object per commit; a one-key commit's entry is the key string itself).
 *   They are a ring (capacity a power of two, doubled when full, never shrunk): recording and
 *   forgetting a commit allocate nothing in the steady state.
 * - Memory is bounded by `keysMax` recorded keys. release(ts) forgets commits at or below `ts`
 *   (the caller passes the oldest ts any live or future transaction can check against); past
 *   `keysMax`, the oldest commits are forgotten early and floorTs() rises above them: a
 *   transaction whose snapshot is older than floorTs() can no longer be checked and must abort.
 * - Forgetting a commit does not delete its keys' entries at once (a Map that loses its last
 *   entries reallocates its table: ~150 B per update): an entry at or below the table's
 *   forgottenTs is stale and harmless, since every check passes a sinceTs >= forgottenTs (or
 *   below floorTs(), answered before the entry). A stale entry is overwritten when its key is
 *   written again (hot keys cost nothing); once more than min(keysMax, staleKeysMax) pile up
 *   they are swept in one pass (KeyTable.sweepIfDue).
 */
import type { Ts } from './versioned-kv.js';
import { assert } from '../util/index.js';
import { KeyTable, STALE_KEYS_MAX, type KeyEntry } from './key-table.js';

const NO_KEYS: readonly string[] = [];

/** The keys of one commit: a lone key as the string itself (no array for the usual one-row commit). */
export type KeyStrings = string | readonly string[];

/** Initial capacity of the ring of remembered commits (a power of two). */
const RING_CAPACITY_INITIAL = 1024;

export class ConflictTracker {
  /** The j-th oldest remembered commit (j < count) sits at ring index (head + j) & mask: its ts and the keys it wrote. */
  private commitTss = new Float64Array(RING_CAPACITY_INITIAL);
  private keysOf: KeyStrings[] = new Array<KeyStrings>(RING_CAPACITY_INITIAL).fill(NO_KEYS);
  private mask = RING_CAPACITY_INITIAL - 1;
  private head = 0;
  private count = 0;
  private floor: Ts = 0;
  /** The entries of the keys (commitTs, and committedKeys: the keys over the remembered commits). */
  readonly table: KeyTable;

  /** `table`: one shared with KeyLocks; by default a table of its own, sweeping past min(keysMax, staleKeysMax) stale entries. */
  constructor(
    private readonly keysMax: number,
    staleKeysMax = STALE_KEYS_MAX,
    table?: KeyTable,
  ) {
    assert(Number.isSafeInteger(keysMax) && keysMax >= 1, 'conflictKeysMax must be a positive integer');
    this.table = table ?? new KeyTable(Math.min(keysMax, staleKeysMax));
  }

  /** Commits at or below this ts are forgotten: snapshots older than it cannot be validated. */
  floorTs(): Ts {
    return this.floor;
  }

  /** Number of keys currently recorded (over all remembered commits). */
  size(): number {
    return this.table.committedKeys;
  }

  /** True if a commit after `sinceTs` wrote `key` — or if that can no longer be known. */
  writtenSince(key: string, sinceTs: Ts): boolean {
    return this.writtenSinceAt(this.table.get(key), sinceTs);
  }

  /** writtenSince() of the key whose table entry (or its absence) is `entry`: no lookup. */
  writtenSinceAt(entry: KeyEntry | undefined, sinceTs: Ts): boolean {
    if (sinceTs < this.floor) return true;
    return entry !== undefined && entry.commitTs > sinceTs;
  }

  record(commitTs: Ts, keys: KeyStrings): void {
    if (this.count > 0 && this.tsAt(this.count - 1) >= commitTs) assert(false, 'commits recorded out of order');
    if (this.count === this.commitTss.length) this.grow();
    const at = (this.head + this.count) & this.mask;
    this.commitTss[at] = commitTs;
    this.keysOf[at] = keys;
    this.count++;
    const table = this.table;
    if (typeof keys === 'string') {
      table.getOrAdd(keys).commitTs = commitTs;
      table.committedKeys++;
    } else {
      for (let i = 0; i < keys.length; i++) table.getOrAdd(keys[i] as string).commitTs = commitTs;
      table.committedKeys += keys.length;
    }
    while (table.committedKeys > this.keysMax && this.count > 1) {
      this.floor = this.tsAt(0);
      this.forgetHead();
    }
  }

  /** Forgets every commit at or below `ts`: no transaction will check a snapshot older than it. */
  release(ts: Ts): void {
    while (this.count > 0 && this.tsAt(0) <= ts) this.forgetHead();
  }

  /**
   * Calls `visit` for each key committed after `sinceTs` (newest commits first) and returns true
   * as soon as it does — or at once if that history can no longer be known.
   */
  someKeyWrittenSince(sinceTs: Ts, visit: (key: string) => boolean): boolean {
    if (sinceTs < this.floor) return true;
    for (let j = this.count - 1; j >= 0; j--) {
      if (this.tsAt(j) <= sinceTs) return false;
      const keys = this.keysOf[(this.head + j) & this.mask] as KeyStrings;
      if (typeof keys === 'string') {
        if (visit(keys)) return true;
      } else {
        for (const key of keys) if (visit(key)) return true;
      }
    }
    return false;
  }

  /** Entries in the key table, stale ones included (for tests of the sweep). */
  mapSize(): number {
    return this.table.size();
  }

  /** The ts of the j-th oldest remembered commit (j < count). */
  private tsAt(j: number): Ts {
    return this.commitTss[(this.head + j) & this.mask] as Ts;
  }

  /** Doubles the ring, oldest commit first at index 0. */
  private grow(): void {
    const capacity = this.commitTss.length * 2;
    const commitTss = new Float64Array(capacity);
    const keysOf = new Array<KeyStrings>(capacity).fill(NO_KEYS);
    for (let j = 0; j < this.count; j++) {
      const from = (this.head + j) & this.mask;
      commitTss[j] = this.commitTss[from] as Ts;
      keysOf[j] = this.keysOf[from] as KeyStrings;
    }
    this.commitTss = commitTss;
    this.keysOf = keysOf;
    this.mask = capacity - 1;
    this.head = 0;
  }

  private forgetHead(): void {
    const commitTs = this.tsAt(0);
    const keys = this.keysOf[this.head] as KeyStrings;
    this.keysOf[this.head] = NO_KEYS;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    this.table.forgottenTs = commitTs;
    this.table.committedKeys -= typeof keys === 'string' ? 1 : keys.length;
    this.table.sweepIfDue();
  }
}
