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
 * - Admission: offer() caches a value only when its key was asked for before in the doorkeeper's
 *   window (doorkeeper.ts; hits mark their key too), so values read or written once — uniform
 *   reads over a data set far larger than the cache, a bulk load — neither evict hot entries nor
 *   churn memory (each entry is an allocation the garbage collector tracks).
 */
import { assert } from '../util/assert.js';
import { Doorkeeper } from './doorkeeper.js';
import { pooledCopy } from '../util/pooled-copy.js';

/** Uint8Array#slice (a copy with its own ArrayBuffer, even of a Buffer, whose slice() is a view). */
const sliceBytes = Uint8Array.prototype.slice;
/** Bytes charged per entry on top of the value (the entry, its map slot, the Uint8Array object). */
const ENTRY_OVERHEAD_BYTES = 96;
/** The ring's consumed head is cut off once it is this long (and half the ring). */
const RING_COMPACT_MIN = 1024;
/** Doorkeeper bits per byte of capacity (one per 256 bytes), within these bounds. */
const DOORKEEPER_BYTES_PER_BIT = 256;
const DOORKEEPER_BITS_MIN = 1 << 12;
const DOORKEEPER_BITS_MAX = 1 << 22;

interface Entry {
  readonly segment: number;
  readonly offset: number;
  value: Uint8Array;
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
  private readonly doorkeeper: Doorkeeper;

  constructor(readonly capacityBytes: number) {
    assert(Number.isFinite(capacityBytes) && capacityBytes >= 0, 'capacityBytes must be a finite number >= 0');
    const bits = 2 ** Math.round(Math.log2(Math.max(1, capacityBytes / DOORKEEPER_BYTES_PER_BIT)));
    this.doorkeeper = new Doorkeeper(Math.min(DOORKEEPER_BITS_MAX, Math.max(DOORKEEPER_BITS_MIN, bits)));
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
  /** Values held. */
  get entryCount(): number {
    return this.ring.length - this.head;
  }

  /** A fresh copy of the cached value of `key` at (segment, offset), or undefined. */
  get(segment: number, offset: number, key: Uint8Array): Uint8Array | undefined {
    if (this.capacityBytes === 0) return undefined;
    const entry = this.segments.get(segment)?.get(offset);
    if (entry === undefined) {
      this.missCount++;
      return undefined;
    }
    this.hitCount++;
    entry.referenced = true;
    this.doorkeeper.remember(key);
    return pooledCopy(entry.value);
  }

  /**
   * Offers the value of `key` at (segment, offset), read after a miss or just written: cached when
   * the key was asked for before in the doorkeeper's window (the cache then keeps a copy in an
   * ArrayBuffer of its own, not a view pinning the caller's buffer).
   */
  offer(segment: number, offset: number, key: Uint8Array, value: Uint8Array): void {
    if (this.capacityBytes === 0 || !this.doorkeeper.remember(key)) return;
    this.set(segment, offset, sliceBytes.call(value));
  }

  /**
   * offer() of a key and value given as ranges of `bytes` (a group's staged records): no view is
   * made, and the value is copied only when admitted.
   */
  offerRange(segment: number, offset: number, bytes: Uint8Array, keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): void {
    if (this.capacityBytes === 0 || !this.doorkeeper.remember(bytes, keyStart, keyEnd)) return;
    this.set(segment, offset, sliceBytes.call(bytes, valueStart, valueEnd));
  }

  /** Caches `value` (a verified value; the cache keeps this buffer, callers must not change it). */
  set(segment: number, offset: number, value: Uint8Array): void {
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
