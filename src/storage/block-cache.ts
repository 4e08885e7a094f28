/**
 * A cache of parsed, checksum-verified blocks, keyed by (file number, block index) and bounded by
 * bytes, evicting by second chance (CLOCK): a hit only sets the entry's referenced bit (one store,
 * no list surgery on the read path); eviction takes the oldest entry, unless it was referenced
 * since it last came round, in which case it is moved to the newest end with the bit cleared.
 *
 * Each file has a slot array indexed by block index (BlockSlots); a TableReader keeps its file's
 * array (slotsOf) so a lookup is an array index, not a map lookup, and entries know their slot, so
 * eviction clears it directly.
 *
 * Invariants:
 * - usedBytes = sum of cached blocks' charge <= capacityBytes after every set(); a single block
 *   larger than the capacity is not cached.
 * - Every entry is in the list exactly while its slot holds it.
 * - Only verified blocks are inserted (the table reader checks the CRC and structure first), so a
 *   hit never needs re-checking. Blocks are immutable, so handing the same one to many readers is safe.
 * - evictFile(n) drops every block of file n and forgets its slot array (call it before the file
 *   is deleted or its number reused). A reader still holding the forgotten array only fills it
 *   with entries that age out of the list like any other.
 * - Buffer recycling (no ArrayBuffer per miss in the steady state): a reader takes a buffer with
 *   acquire(), reads and checks a block in it, and inserts the block with that buffer; the entry's
 *   charge is the buffer's length. When such an entry is evicted and its block was never lent
 *   (Block.lent: handed to an iterator, which may hold it past the eviction), its buffer goes to a
 *   spare list of the SPARE_BUFFERS_MAX buffers released last, which the next acquire() reuses.
 *   A recycled buffer is rewritten, so a block handed out unlent (TableReader.get) is valid only
 *   until the next block read through this cache. Spares are not charged: memory is usedBytes
 *   plus at most SPARE_BUFFERS_MAX buffers.
 */
import { assert } from '../util/assert.js';
import type { Block } from './block.js';

/** Spare buffers kept for acquire() (evicted blocks' buffers, not charged). */
const SPARE_BUFFERS_MAX = 2;
/** acquire() rounds new buffers up to a multiple of this, so blocks of slightly different sizes share them. */
const BUFFER_ROUND_BYTES = 256;

interface CacheEntry {
  readonly slots: BlockSlots;
  readonly index: number;
  readonly block: Block;
  readonly charge: number;
  /** The whole buffer the block's bytes are in, when the cache may recycle it (acquire()). */
  readonly buffer: Uint8Array | undefined;
  referenced: boolean;
  newer: CacheEntry | undefined;
  older: CacheEntry | undefined;
}

/** The cached blocks of one file by block index (opaque to readers: pass it back to the cache). */
export type BlockSlots = Array<CacheEntry | undefined>;

export class BlockCache {
  private readonly files = new Map<number, BlockSlots>();
  /** Most recently used end of the list. */
  private newest: CacheEntry | undefined;
  private oldest: CacheEntry | undefined;
  private used = 0;
  private readonly spare: Uint8Array[] = [];
  private hitCount = 0;
  private missCount = 0;
  /** Bytes of blocks read from disk after a miss (noteRead), for stats. */
  bytesRead = 0;
  /** Buffers acquire() had to allocate (no spare fitted): flat in the steady state. */
  buffersAllocated = 0;

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

  /** Counts a block read from disk after a miss of this cache. */
  noteRead(bytes: number): void {
    this.bytesRead += bytes;
  }

  /** The slot array of `fileNumber` (created empty, with room for `blocks`, if the cache has none). */
  slotsOf(fileNumber: number, blocks = 0): BlockSlots {
    let slots = this.files.get(fileNumber);
    if (slots === undefined) {
      slots = new Array<CacheEntry | undefined>(blocks).fill(undefined);
      this.files.set(fileNumber, slots);
    }
    return slots;
  }

  get(fileNumber: number, index: number): Block | undefined {
    const slots = this.files.get(fileNumber);
    if (slots !== undefined) return this.lookup(slots, index);
    this.missCount++;
    return undefined;
  }

  /** The block in `slots` at `index` (counted as a hit and marked referenced), or undefined (a miss). */
  lookup(slots: BlockSlots, index: number): Block | undefined {
    const entry = slots[index];
    if (entry === undefined) {
      this.missCount++;
      return undefined;
    }
    this.hitCount++;
    entry.referenced = true;
    return entry.block;
  }

  set(fileNumber: number, index: number, block: Block): void {
    this.insert(this.slotsOf(fileNumber), index, block);
  }

  /**
   * A buffer of at least `bytes` bytes to read a block into: a spare one (an evicted block's)
   * when one fits, else a new one. Pass it to insert() with the block, or back to release().
   */
  acquire(bytes: number): Uint8Array {
    const spare = this.spare;
    for (let i = spare.length - 1; i >= 0; i--) {
      const buffer = spare[i] as Uint8Array;
      // At most twice what is needed: the entry is charged the whole buffer.
      if (buffer.length >= bytes && buffer.length <= 2 * bytes + BUFFER_ROUND_BYTES) {
        spare[i] = spare[spare.length - 1] as Uint8Array;
        spare.pop();
        return buffer;
      }
    }
    this.buffersAllocated++;
    return new Uint8Array(Math.ceil(bytes / BUFFER_ROUND_BYTES) * BUFFER_ROUND_BYTES);
  }

  /**
   * Takes back a buffer that holds no cached block (an evicted block's, or one from acquire()
   * whose read or check failed). When the spare list is full its oldest buffer goes: the spares
   * follow the sizes of the blocks being read now. (Keeping the first ones instead let two
   * buffers of short blocks — a table's last blocks — hold the list for good while no request
   * fitted them: every later miss allocated, measured in the governor sweep as a buffer per miss.)
   */
  release(buffer: Uint8Array): void {
    const spare = this.spare;
    if (spare.length >= SPARE_BUFFERS_MAX) spare.shift();
    spare.push(buffer);
  }

  /**
   * Caches `block` at `index` of `slots` (replacing what is there), evicting blocks not referenced
   * lately. `buffer` (from acquire(), holding the block's bytes) makes the entry's buffer
   * recyclable after its eviction, and its length the entry's charge.
   */
  insert(slots: BlockSlots, index: number, block: Block, buffer?: Uint8Array): void {
    assert(Number.isInteger(index) && index >= 0, 'bad block index');
    assert(buffer === undefined || block.data.buffer === buffer.buffer, 'block not in its buffer');
    const charge = buffer === undefined ? block.charge : buffer.length;
    const existing = slots[index];
    if (existing !== undefined) this.remove(existing, buffer);
    // Not cached; the buffer stays the caller's block's (never released: the block is in use).
    if (charge > this.capacityBytes) return;
    // Room first, so the new block is never its own victim. Terminates: each referenced entry is
    // cleared once, so a full round finds an unreferenced one.
    for (let oldest = this.oldest; this.used + charge > this.capacityBytes && oldest !== undefined; oldest = this.oldest) {
      if (oldest.referenced) {
        oldest.referenced = false;
        this.unlink(oldest);
        this.pushNewest(oldest);
      } else {
        this.remove(oldest);
      }
    }
    const entry: CacheEntry = { slots, index, block, charge, buffer, referenced: false, newer: undefined, older: undefined };
    slots[index] = entry;
    this.pushNewest(entry);
    this.used += charge;
  }

  evictFile(fileNumber: number): void {
    const slots = this.files.get(fileNumber);
    if (slots === undefined) return;
    for (const entry of slots) if (entry !== undefined) this.remove(entry);
    this.files.delete(fileNumber);
  }

  /** Drops an entry; recycles its buffer unless its block was lent or the buffer is `kept` (being reinserted). */
  private remove(entry: CacheEntry, kept?: Uint8Array): void {
    entry.slots[entry.index] = undefined;
    this.unlink(entry);
    this.used -= entry.charge;
    if (entry.buffer !== undefined && entry.buffer !== kept && !entry.block.lent) this.release(entry.buffer);
  }

  private pushNewest(entry: CacheEntry): void {
    entry.older = this.newest;
    entry.newer = undefined;
    if (this.newest !== undefined) this.newest.newer = entry;
    this.newest = entry;
    if (this.oldest === undefined) this.oldest = entry;
  }

  private unlink(entry: CacheEntry): void {
    if (entry.newer !== undefined) entry.newer.older = entry.older;
    else this.newest = entry.older;
    if (entry.older !== undefined) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    entry.newer = undefined;
    entry.older = undefined;
  }
}
