/**
 * A cache of value-log values read by point reads, keyed by (segment, offset) and bounded by bytes
 * (RocksDB's blob cache). Without it every read of a separated value is a pread; with a skewed
 * workload the hot values stay here and a read costs a map lookup and a copy.
 *
 * Invariants:
 * - usedBytes = sum of the cached values' charge <= capacityBytes after every set(); a value larger
 *   than the capacity is not cached.
 * - Only values whose record passed the CRC, length and key checks are inserted, so a hit needs no
 *   re-check. A cached value is never handed out: get() returns a fresh copy, so no reader can
 *   change what the next one sees.
 * - Segments are immutable and file numbers are never reused (manifest.nextFileNumber only grows),
 *   so an entry can never be stale; entries of a segment GC deleted are never asked for again and
 *   age out.
 * - Eviction is CLOCK (second chance) over a ring of entries in insertion order: a hit only marks
 *   its entry referenced; the oldest entry is evicted unless referenced, in which case it is
 *   unmarked and moved to the young end. A hit touches no map and no list.
 * - Entries are found through one Map per segment keyed by offset: small-integer keys, the cheap
 *   case of a JS Map (a single map keyed by segment × 2^32 + offset hashes heap numbers).
 */
import { assert } from '../util/assert.js';
import { pooledCopy } from './pooled-copy.js';

/** Bytes charged per entry on top of the value (the entry, its map slot, the Buffer object). */
const ENTRY_OVERHEAD_BYTES = 96;
/** The ring's consumed head is cut off once it is this long (and half the ring). */
const RING_COMPACT_MIN = 1024;

interface Entry {
  readonly segment: number;
  readonly offset: number;
  value: Buffer;
  referenced: boolean;
}

export class ValueCache {
  private readonly segments = new Map<number, Map<number, Entry>>();
  /** Entries oldest first from `head` (set() of a cached position replaces the value in place). */
  private ring: Entry[] = [];
  private head = 0;
  private used = 0;
  private hitCount = 0;
  private missCount = 0;

  constructor(readonly capacityBytes: number) {
    assert(Number.isFinite(capacityBytes) && capacityBytes >= 0, 'capacityBytes must be a finite number >= 0');
  }

  get usedBytes(): number {
    return this.used;
  }
  get hits(): number {
    return this.hitCount;
  }
  get misses(): number {
    return this.missCount;
  }

  /** A fresh copy of the cached value at (segment, offset), or undefined. */
  get(segment: number, offset: number): Uint8Array | undefined {
    if (this.capacityBytes === 0) return undefined;
    const entry = this.segments.get(segment)?.get(offset);
    if (entry === undefined) {
      this.missCount++;
      return undefined;
    }
    this.hitCount++;
    entry.referenced = true;
    return pooledCopy(entry.value);
  }

  /** Caches `value` (a verified value; the cache keeps this buffer, callers must not change it). */
  set(segment: number, offset: number, value: Buffer): void {
    const charge = value.length + ENTRY_OVERHEAD_BYTES;
    if (charge > this.capacityBytes) return;
    let offsets = this.segments.get(segment);
    const old = offsets?.get(offset);
    if (old !== undefined) {
      this.used += value.length - old.value.length;
      old.value = value;
      while (this.used > this.capacityBytes) this.evictOne();
      return;
    }
    // Room first, so the new entry (unreferenced) is not the one a sweep finds to evict.
    while (this.used + charge > this.capacityBytes) this.evictOne();
    if (offsets === undefined) {
      offsets = new Map();
      this.segments.set(segment, offsets);
    }
    const entry: Entry = { segment, offset, value, referenced: false };
    offsets.set(offset, entry);
    this.ring.push(entry);
    this.used += charge;
  }

  /** Advances the hand: evicts the oldest unreferenced entry, sparing referenced ones once. */
  private evictOne(): void {
    // Terminates: each entry passed over is unmarked, so within one lap the hand evicts.
    for (;;) {
      assert(this.head < this.ring.length, 'usedBytes > 0 with an empty ring');
      const entry = this.ring[this.head] as Entry;
      this.head++;
      if (entry.referenced) {
        entry.referenced = false;
        this.ring.push(entry);
        continue;
      }
      const offsets = this.segments.get(entry.segment) as Map<number, Entry>;
      offsets.delete(entry.offset);
      if (offsets.size === 0) this.segments.delete(entry.segment);
      this.used -= entry.value.length + ENTRY_OVERHEAD_BYTES;
      if (this.head >= RING_COMPACT_MIN && this.head * 2 >= this.ring.length) {
        this.ring = this.ring.slice(this.head);
        this.head = 0;
      }
      return;
    }
  }
}
