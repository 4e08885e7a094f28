/**
 * An LRU cache of parsed, checksum-verified blocks, keyed by (file number, block offset) and
 * bounded by bytes.
 *
 * Invariants:
 * - usedBytes = sum of cached blocks' charge <= capacityBytes after every set(); a single block
 *   larger than the capacity is not cached.
 * - Only verified blocks are inserted (the table reader checks the CRC and structure first), so a
 *   hit never needs re-checking. Blocks are immutable, so handing the same one to many readers is safe.
 * - evictFile(n) drops every block of file n (call it before the file is deleted or its number reused).
 */
import { assert } from '../util/assert.js';
import type { Block } from './block.js';

interface CacheEntry {
  readonly fileNumber: number;
  readonly offset: number;
  readonly block: Block;
  readonly charge: number;
  newer: CacheEntry | undefined;
  older: CacheEntry | undefined;
}

export class BlockCache {
  private readonly files = new Map<number, Map<number, CacheEntry>>();
  /** Most recently used end of the list. */
  private newest: CacheEntry | undefined;
  private oldest: CacheEntry | undefined;
  private used = 0;
  private hitCount = 0;
  private missCount = 0;
  /** Bytes of blocks read from disk after a miss (noteRead), for stats. */
  bytesRead = 0;

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

  get(fileNumber: number, offset: number): Block | undefined {
    const entry = this.files.get(fileNumber)?.get(offset);
    if (entry === undefined) {
      this.missCount++;
      return undefined;
    }
    this.hitCount++;
    if (entry !== this.newest) {
      this.unlink(entry);
      this.pushNewest(entry);
    }
    return entry.block;
  }

  set(fileNumber: number, offset: number, block: Block): void {
    const charge = block.charge;
    this.remove(fileNumber, offset);
    if (charge > this.capacityBytes) return;
    let blocks = this.files.get(fileNumber);
    if (blocks === undefined) {
      blocks = new Map();
      this.files.set(fileNumber, blocks);
    }
    const entry: CacheEntry = { fileNumber, offset, block, charge, newer: undefined, older: undefined };
    blocks.set(offset, entry);
    this.pushNewest(entry);
    this.used += charge;
    while (this.used > this.capacityBytes && this.oldest !== undefined) {
      this.remove(this.oldest.fileNumber, this.oldest.offset);
    }
  }

  evictFile(fileNumber: number): void {
    const blocks = this.files.get(fileNumber);
    if (blocks === undefined) return;
    for (const entry of blocks.values()) {
      this.unlink(entry);
      this.used -= entry.charge;
    }
    this.files.delete(fileNumber);
  }

  private remove(fileNumber: number, offset: number): void {
    const blocks = this.files.get(fileNumber);
    const entry = blocks?.get(offset);
    if (blocks === undefined || entry === undefined) return;
    blocks.delete(offset);
    if (blocks.size === 0) this.files.delete(fileNumber);
    this.unlink(entry);
    this.used -= entry.charge;
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
