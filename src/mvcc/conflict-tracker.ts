/**
 * ConflictTracker: which keys were committed at which commitTs, recently enough to matter to a
 * live transaction — the memory behind first-committer-wins and serializable validation.
 *
 * Invariants:
 * - For every key written by a commit with commitTs > floorTs() not yet released, `lastCommit`
 *   holds the largest such commitTs (commits in flight included: they are recorded before
 *   kv.commit is called).
 * - `commitTss` is in increasing commitTs order; `keysOf` holds, per commit, the keys it wrote
 *   (parallel arrays: no object per commit).
 * - Memory is bounded by `keysMax` recorded keys. release(ts) forgets commits at or below `ts`
 *   (the caller passes the oldest ts any live or future transaction can check against); past
 *   `keysMax`, the oldest commits are forgotten early and floorTs() rises above them: a
 *   transaction whose snapshot is older than floorTs() can no longer be checked and must abort.
 */
import type { Ts } from './versioned-kv.js';
import { assert } from '../util/index.js';

const NO_KEYS: readonly string[] = [];

export class ConflictTracker {
  private readonly lastCommit = new Map<string, Ts>();
  /** Commit i (i >= head): commitTss[i] and the keys it wrote, keysOf[i]; commits [0, head) are released. */
  private readonly commitTss: Ts[] = [];
  private readonly keysOf: Array<readonly string[]> = [];
  private head = 0;
  private keyCount = 0;
  private floor: Ts = 0;

  constructor(private readonly keysMax: number) {
    assert(Number.isSafeInteger(keysMax) && keysMax >= 1, 'conflictKeysMax must be a positive integer');
  }

  /** Commits at or below this ts are forgotten: snapshots older than it cannot be validated. */
  floorTs(): Ts {
    return this.floor;
  }

  /** Number of keys currently recorded (over all remembered commits). */
  size(): number {
    return this.keyCount;
  }

  /** True if a commit after `sinceTs` wrote `key` — or if that can no longer be known. */
  writtenSince(key: string, sinceTs: Ts): boolean {
    if (sinceTs < this.floor) return true;
    const last = this.lastCommit.get(key);
    return last !== undefined && last > sinceTs;
  }

  record(commitTs: Ts, keys: readonly string[]): void {
    const count = this.commitTss.length;
    if (count > 0 && (this.commitTss[count - 1] as Ts) >= commitTs) assert(false, 'commits recorded out of order');
    this.commitTss.push(commitTs);
    this.keysOf.push(keys);
    for (let i = 0; i < keys.length; i++) this.lastCommit.set(keys[i] as string, commitTs);
    this.keyCount += keys.length;
    while (this.keyCount > this.keysMax && this.head < this.commitTss.length - 1) {
      this.floor = this.commitTss[this.head] as Ts;
      this.forgetHead();
    }
  }

  /** Forgets every commit at or below `ts`: no transaction will check a snapshot older than it. */
  release(ts: Ts): void {
    while (this.head < this.commitTss.length && (this.commitTss[this.head] as Ts) <= ts) this.forgetHead();
    if (this.head > 1024 && this.head * 2 > this.commitTss.length) {
      this.commitTss.splice(0, this.head);
      this.keysOf.splice(0, this.head);
      this.head = 0;
    }
  }

  /**
   * Calls `visit` for each key committed after `sinceTs` (newest commits first) and returns true
   * as soon as it does — or at once if that history can no longer be known.
   */
  someKeyWrittenSince(sinceTs: Ts, visit: (key: string) => boolean): boolean {
    if (sinceTs < this.floor) return true;
    for (let i = this.commitTss.length - 1; i >= this.head; i--) {
      if ((this.commitTss[i] as Ts) <= sinceTs) return false;
      for (const key of this.keysOf[i] as readonly string[]) if (visit(key)) return true;
    }
    return false;
  }

  private forgetHead(): void {
    const commitTs = this.commitTss[this.head] as Ts;
    const keys = this.keysOf[this.head] as readonly string[];
    this.keysOf[this.head] = NO_KEYS;
    this.head++;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (this.lastCommit.get(key) === commitTs) this.lastCommit.delete(key);
    }
    this.keyCount -= keys.length;
  }
}
