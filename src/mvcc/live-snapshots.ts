/**
 * LiveSnapshots: the multiset of timestamps pinned by live transactions and snapshots, and its
 * minimum — the basis of the safe point.
 * - count(ts) > 0 exactly for the ts pinned and not yet unpinned; oldest() is their minimum, or
 *   undefined when nothing is pinned.
 * - The minimum is cached; it is recomputed (O(distinct ts)) only when its last pin goes away.
 */
import type { Ts } from './versioned-kv.js';
import { assert } from '../util/index.js';

export class LiveSnapshots {
  private readonly counts = new Map<Ts, number>();
  private min: Ts | undefined = undefined;
  private total = 0;

  pin(ts: Ts): void {
    this.counts.set(ts, (this.counts.get(ts) ?? 0) + 1);
    this.total++;
    if (this.min === undefined || ts < this.min) this.min = ts;
  }

  unpin(ts: Ts): void {
    const count = this.counts.get(ts);
    // The message is built only on failure (a template literal argument costs on every call).
    if (count === undefined || count <= 0) assert(false, `unpin of unpinned ts ${ts}`);
    this.total--;
    if (count > 1) {
      this.counts.set(ts, count - 1);
      return;
    }
    this.counts.delete(ts);
    if (ts !== this.min) return;
    let min: Ts | undefined = undefined;
    for (const pinned of this.counts.keys()) if (min === undefined || pinned < min) min = pinned;
    this.min = min;
  }

  oldest(): Ts | undefined {
    return this.min;
  }

  /** Number of live pins. */
  size(): number {
    return this.total;
  }
}
