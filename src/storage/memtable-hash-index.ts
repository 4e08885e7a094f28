/**
 * A hash index from user key to the memtable node of its newest version, so a point read finds
 * its key (or learns it is absent, the common case: most keys live in tables) with one hash and
 * about one probe instead of a skiplist search of ~log₄(n) levels of scattered hops.
 *
 *   slots = (hash, node) pairs in one Int32Array (open addressing, linear probing); node −1 = empty
 *
 * Invariants:
 * - Each distinct user key of the memtable has exactly one slot; its node is the first entry of the
 *   key in skiplist order (its newest version). The memtable keeps this true on every add.
 * - Occupancy stays at most half the slots (grow doubles), so a probe sequence always reaches an
 *   empty slot and a miss costs ~1.5 probes.
 * - The stored hash is bloomHash(user key); growing reinserts by stored hash (keys are not re-read).
 * - Nothing is ever removed (memtables only grow, then are dropped whole).
 */
import { assert } from '../util/assert.js';

const EMPTY = -1;
const INITIAL_SLOTS = 4096;

export class MemtableHashIndex {
  private slots = new Int32Array(INITIAL_SLOTS * 2).fill(EMPTY);
  private mask = INITIAL_SLOTS - 1;
  private used = 0;

  /** Distinct keys indexed. */
  get size(): number {
    return this.used;
  }

  /** Bytes of the slot array. */
  get allocatedBytes(): number {
    return this.slots.byteLength;
  }

  /** The first slot of `hash`'s probe sequence. */
  firstSlot(hash: number): number {
    return hash & this.mask;
  }

  /** The slot after `slot` in a probe sequence. */
  nextSlot(slot: number): number {
    return (slot + 1) & this.mask;
  }

  /** Node of `slot`, or −1 when the slot is empty (the end of a probe sequence). */
  nodeAt(slot: number): number {
    return this.slots[slot * 2 + 1] as number;
  }

  /** Stored hash of an occupied `slot` (as a signed int32: compare with `hash | 0`). */
  hashAt(slot: number): number {
    return this.slots[slot * 2] as number;
  }

  /** Points an occupied `slot` (found by a probe for the same key) at `node`. */
  replace(slot: number, node: number): void {
    assert(this.nodeAt(slot) !== EMPTY, 'replace of an empty slot');
    this.slots[slot * 2 + 1] = node;
  }

  /** Puts a new key into the empty `slot` its probe ended at; may grow (slots found earlier become stale). */
  insert(slot: number, hash: number, node: number): void {
    assert(this.nodeAt(slot) === EMPTY, 'insert into an occupied slot');
    this.slots[slot * 2] = hash;
    this.slots[slot * 2 + 1] = node;
    this.used++;
    if (this.used * 2 > this.mask + 1) this.grow();
  }

  private grow(): void {
    const old = this.slots;
    const count = (this.mask + 1) * 2;
    this.slots = new Int32Array(count * 2).fill(EMPTY);
    this.mask = count - 1;
    const slots = this.slots;
    for (let i = 0; i < old.length; i += 2) {
      const node = old[i + 1] as number;
      if (node === EMPTY) continue;
      const hash = old[i] as number;
      let slot = hash & this.mask;
      while ((slots[slot * 2 + 1] as number) !== EMPTY) slot = (slot + 1) & this.mask;
      slots[slot * 2] = hash;
      slots[slot * 2 + 1] = node;
    }
  }
}
