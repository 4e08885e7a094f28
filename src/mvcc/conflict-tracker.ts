/**
 * ConflictTracker: which keys were committed at which commitTs, recently enough to matter to a
 * live transaction — the memory behind first-committer-wins and serializable validation.
 *
 * Invariants:
 * - For every key written by a commit with commitTs > floorTs() not yet released, `lastCommit`
 *   holds the largest such commitTs (commits in flight included: they are recorded before
 *   kv.commit is called).
 * - `commits` is in increasing commitTs order and holds, per commit, the keys it wrote.
 * - Memory is bounded by `keysMax` recorded keys. release(ts) forgets commits at or below `ts`
 *   (the caller passes the oldest ts any live or future transaction can check against); past
 *   `keysMax`, the oldest commits are forgotten early and floorTs() rises above them: a
 *   transaction whose snapshot is older than floorTs() can no longer be checked and must abort.
 */
import type { Ts } from './versioned-kv.js';
import { assert } from '../util/index.js';

interface CommitRecord {
  readonly commitTs: Ts;
  readonly keys: readonly string[];
}

export class ConflictTracker {
  private readonly lastCommit = new Map<string, Ts>();
  private readonly commits: CommitRecord[] = [];
  private head = 0; // commits[0, head) are released
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
    const newest = this.commits[this.commits.length - 1];
    assert(newest === undefined || newest.commitTs < commitTs, 'commits recorded out of order');
    this.commits.push({ commitTs, keys });
    for (const key of keys) this.lastCommit.set(key, commitTs);
    this.keyCount += keys.length;
    while (this.keyCount > this.keysMax && this.head < this.commits.length - 1) {
      this.floor = (this.commits[this.head] as CommitRecord).commitTs;
      this.forgetHead();
    }
  }

  /** Forgets every commit at or below `ts`: no transaction will check a snapshot older than it. */
  release(ts: Ts): void {
    while (this.head < this.commits.length && (this.commits[this.head] as CommitRecord).commitTs <= ts) {
      this.forgetHead();
    }
    if (this.head > 1024 && this.head * 2 > this.commits.length) {
      this.commits.splice(0, this.head);
      this.head = 0;
    }
  }

  /**
   * Calls `visit` for each key committed after `sinceTs` (newest commits first) and returns true
   * as soon as it does — or at once if that history can no longer be known.
   */
  someKeyWrittenSince(sinceTs: Ts, visit: (key: string) => boolean): boolean {
    if (sinceTs < this.floor) return true;
    for (let i = this.commits.length - 1; i >= this.head; i--) {
      const record = this.commits[i] as CommitRecord;
      if (record.commitTs <= sinceTs) return false;
      for (const key of record.keys) if (visit(key)) return true;
    }
    return false;
  }

  private forgetHead(): void {
    const record = this.commits[this.head] as CommitRecord;
    this.commits[this.head] = { commitTs: record.commitTs, keys: [] };
    this.head++;
    for (const key of record.keys) {
      if (this.lastCommit.get(key) === record.commitTs) this.lastCommit.delete(key);
    }
    this.keyCount -= record.keys.length;
  }
}
