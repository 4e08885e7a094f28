/**
 * LiveSnapshots: the multiset of timestamps pinned by live transactions and snapshots, and its
 * minimum — the basis of the safe point.
 *
 * Kept as parallel arrays of distinct pinned ts (ascending) and their counts, live from `head`:
 * snapshots are taken at the newest visible ts, so a pin lands at the end (or on the last entry)
 * and the oldest is the head — no Map, whose deletes reallocate its table, and nothing allocated
 * per pin in the steady state.
 *
 * Invariants:
 * - count(ts) > 0 exactly for the ts pinned and not yet unpinned; oldest() is their minimum, or
 *   undefined when nothing is pinned.
 * - tss[head..end) is strictly ascending (Float64Array: every ts is an integer < 2^53); entries whose count fell to 0 may stay between live ones
 *   (`zeros` of them), never at either end; they are squeezed out once they outnumber the live
 *   entries by ZEROS_SLACK, so memory stays O(live distinct ts).
 */
import type { Ts } from './versioned-kv.js';
import { assert } from '../util/index.js';

/** Dead entries allowed beyond the live ones before a compaction pass. */
const ZEROS_SLACK = 64;

/** Initial slots of the arrays (they grow by doubling, never shrink). */
const INITIAL_SLOTS = 64;

export class LiveSnapshots {
  private tss = new Float64Array(INITIAL_SLOTS);
  private counts = new Float64Array(INITIAL_SLOTS);
  /** Entries [head, end) are in use. */
  private head = 0;
  private end = 0;
  /** Entries in tss[head..] whose count is 0. */
  private zeros = 0;
  private total = 0;

  pin(ts: Ts): void {
    this.total++;
    const last = this.end - 1;
    if (last >= this.head && this.tss[last] === ts) {
      (this.counts[last] as number)++;
      return;
    }
    if (last < this.head || (this.tss[last] as number) < ts) {
      this.insertAt(this.end, ts);
      return;
    }
    const at = this.lowerBound(ts);
    if (this.tss[at] === ts) {
      if (this.counts[at] === 0) this.zeros--;
      (this.counts[at] as number)++;
      return;
    }
    this.insertAt(at, ts);
  }

  unpin(ts: Ts): void {
    const at = this.indexOf(ts);
    // The message is built only on failure (a template literal argument costs on every call).
    if (at < 0) assert(false, `unpin of unpinned ts ${ts}`);
    this.total--;
    const count = (this.counts[at] as number) - 1;
    this.counts[at] = count;
    if (count > 0) return;
    this.zeros++;
    this.trimEnds();
    if (this.zeros > this.end - this.head - this.zeros + ZEROS_SLACK) this.squeeze();
  }

  oldest(): Ts | undefined {
    return this.head < this.end ? this.tss[this.head] : undefined;
  }

  /** Number of live pins. */
  size(): number {
    return this.total;
  }

  /** Index of a live entry for `ts` (count > 0), or -1. */
  private indexOf(ts: Ts): number {
    const last = this.end - 1;
    // Most unpins are of the newest snapshot.
    const at = last >= this.head && this.tss[last] === ts ? last : this.lowerBound(ts);
    return at < this.end && this.tss[at] === ts && (this.counts[at] as number) > 0 ? at : -1;
  }

  /** First index in [head, end) whose ts is >= `ts` (end if none). */
  private lowerBound(ts: Ts): number {
    const tss = this.tss;
    let lo = this.head;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((tss[mid] as number) < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Inserts a new entry (count 1) for `ts` before index `at` (head <= at <= end, order kept). */
  private insertAt(at: number, ts: Ts): void {
    if (at === this.head && this.head > 0) {
      // Older than every entry: the slot before the head is free.
      this.head--;
      this.tss[this.head] = ts;
      this.counts[this.head] = 1;
      return;
    }
    let place = at;
    if (this.end === this.tss.length) {
      this.makeRoom();
      place = this.lowerBound(ts); // the entries may have moved to the start
    }
    this.tss.copyWithin(place + 1, place, this.end);
    this.counts.copyWithin(place + 1, place, this.end);
    this.tss[place] = ts;
    this.counts[place] = 1;
    this.end++;
  }

  /** Room for one more entry at the end: entries moved to the start, or the arrays doubled. */
  private makeRoom(): void {
    const used = this.end - this.head;
    if (used * 2 <= this.tss.length) {
      this.tss.copyWithin(0, this.head, this.end);
      this.counts.copyWithin(0, this.head, this.end);
    } else {
      const tss = new Float64Array(this.tss.length * 2);
      const counts = new Float64Array(this.tss.length * 2);
      tss.set(this.tss.subarray(this.head, this.end));
      counts.set(this.counts.subarray(this.head, this.end));
      this.tss = tss;
      this.counts = counts;
    }
    this.head = 0;
    this.end = used;
  }

  /** Drops dead entries from both ends (so the head, if any, is the live minimum). */
  private trimEnds(): void {
    while (this.end > this.head && this.counts[this.end - 1] === 0) {
      this.end--;
      this.zeros--;
    }
    while (this.head < this.end && this.counts[this.head] === 0) {
      this.head++;
      this.zeros--;
    }
    if (this.head === this.end) this.head = this.end = 0;
  }

  /** Removes every dead entry (they are only between live ones: see trimEnds). */
  private squeeze(): void {
    const { tss, counts } = this;
    let out = 0;
    for (let i = this.head; i < this.end; i++) {
      if (counts[i] === 0) continue;
      tss[out] = tss[i] as number;
      counts[out] = counts[i] as number;
      out++;
    }
    this.head = 0;
    this.end = out;
    this.zeros = 0;
  }
}
