/**
 * Reads an SSTable through a RandomAccessSource (format: table-format.ts, docs/format.md "SSTable").
 *
 * Invariants:
 * - Bytes are untrusted. open() checks the footer (size, magic, CRC, version), that the blocks tile
 *   the file exactly, the CRC of the index, filter and meta blocks, that index handles tile the data
 *   area in order and fence keys strictly increase, and that the meta agrees with the index. Data
 *   blocks are CRC-checked when first read. Any failure is a CorruptionError(path, offset): never
 *   wrong data, never an out-of-bounds read.
 * - Only verified blocks enter the block cache (warm() checks blocks of an in-memory image the same way).
 * - get() and iterators never return an entry whose kind is not a known kind.
 * - Values returned by get() are views of block bytes valid until the next block read through the
 *   same block cache (a block-cache miss may recycle an evicted block's buffer, block-cache.ts);
 *   blocks handed to iterators (dataBlock()) are marked lent and stay valid as long as held.
 * - With a cache and a source that can read into a buffer (readInto), a block-cache miss reads
 *   into a buffer the cache recycles: no ArrayBuffer per miss in the steady state.
 */
import { crc32 } from '../util/crc32.js';
import { readVarint } from '../util/varint.js';
import { Block, BlockIterator } from './block.js';
import { copyBytes } from './block-builder.js';
import { ScratchViews } from './block-scratch.js';
import type { BlockCache, BlockSlots } from './block-cache.js';
import { bloomHash, bloomMayContain, bloomMayContainHash } from './bloom.js';
import { CorruptionError } from './errors.js';
import type { InternalIterator } from './internal-iterator.js';
import {
  compareInternalKeyAt,
  compareRanges,
  FoundVersion,
  userKeyHead,
  KIND_MAX,
  type KeyVersion,
  readTrailerTs,
  TRAILER_BYTES,
  TS_MAX,
  writeTrailer,
} from './internal-key.js';
import {
  BLOCK_BYTES_MAX,
  BLOCK_TRAILER_BYTES,
  BLOCK_TYPE_RAW,
  type BlockHandle,
  FOOTER_BYTES,
  FOOTER_CRC,
  FOOTER_FILTER,
  FOOTER_INDEX,
  FOOTER_MAGIC,
  FOOTER_META,
  FOOTER_VERSION,
  readHandle,
  readUint32LE,
  TABLE_FORMAT_VERSION,
  TABLE_MAGIC,
} from './table-format.js';
import { TableIterator } from './table-iterator.js';
import { decodeTableMeta, type TableMeta } from './table-meta.js';

/** Synchronous positional reads of one immutable file. */
export interface RandomAccessSource {
  readonly path: string;
  readonly size: number;
  /**
   * The bytes at [offset, offset + length): may return fewer at the end of the file. The result
   * may be a view but must not change afterwards (blocks keep referencing it).
   */
  read(offset: number, length: number): Uint8Array;
  /** Reads up to `length` bytes at `offset` into target[targetOffset…]; returns the count (fewer only at the end). */
  readInto?(offset: number, target: Uint8Array, targetOffset: number, length: number): number;
}

/** Blocks warm() puts into the cache between two yields to the event loop. */
const WARM_SLICE_BLOCKS = 64;

export class TableReader {
  /** Fence keys (last internal key of each data block), concatenated: fence i is fenceBytes[fenceStart[i]..fenceStart[i+1]). */
  private fenceBytes: Uint8Array = new Uint8Array(0);
  private readonly fenceStart: Int32Array;
  /**
   * userKeyHead of each fence's user key after the prefix all fences share (fencePrefixLength
   * bytes): the binary search compares these first, and they differ even when every key of the
   * table starts alike (SQL keys share table ids, zero-padded numbers their leading zeros).
   */
  private readonly fenceHead: Uint32Array;
  private fencePrefixLength = 0;
  private readonly fenceCount: number;
  private readonly blockOffsets: Float64Array;
  private readonly blockSizes: Int32Array;
  private readonly getIter: BlockIterator;
  private readonly seekScratch = new ScratchViews(64);
  /** This file's blocks in the cache, by block index (undefined without a cache). */
  private readonly cacheSlots: BlockSlots | undefined;

  private constructor(
    private readonly source: RandomAccessSource,
    readonly fileNumber: number,
    private readonly cache: BlockCache | undefined,
    private readonly meta: TableMeta,
    index: Block,
    private readonly filter: Uint8Array,
    dataEnd: number,
  ) {
    const n = meta.dataBlocks;
    this.fenceCount = n;
    this.fenceStart = new Int32Array(n + 1);
    this.fenceHead = new Uint32Array(n);
    this.blockOffsets = new Float64Array(n);
    this.blockSizes = new Int32Array(n);
    this.decodeIndex(index, dataEnd);
    this.getIter = new BlockIterator(index);
    this.cacheSlots = cache?.slotsOf(fileNumber, n);
  }

  /** Opens and validates the table; throws CorruptionError on any inconsistency. */
  static open(source: RandomAccessSource, fileNumber: number, cache: BlockCache | undefined): TableReader {
    const size = source.size;
    if (!Number.isSafeInteger(size) || size < FOOTER_BYTES) throw new CorruptionError(source.path, 0, `file of ${size} bytes is shorter than a table footer`);
    const footerAt = size - FOOTER_BYTES;
    const footer = source.read(footerAt, FOOTER_BYTES);
    if (footer.length !== FOOTER_BYTES) throw new CorruptionError(source.path, footerAt, 'short read of the footer');
    if (readUint32LE(footer, FOOTER_MAGIC) !== TABLE_MAGIC) throw new CorruptionError(source.path, footerAt + FOOTER_MAGIC, 'bad table magic');
    if (readUint32LE(footer, FOOTER_CRC) !== crc32(footer.subarray(0, FOOTER_CRC))) throw new CorruptionError(source.path, footerAt, 'footer checksum mismatch');
    const version = readUint32LE(footer, FOOTER_VERSION);
    if (version !== TABLE_FORMAT_VERSION) throw new CorruptionError(source.path, footerAt + FOOTER_VERSION, `unknown table format version ${version}`);
    const index = readHandle(footer, FOOTER_INDEX);
    const filter = readHandle(footer, FOOTER_FILTER);
    const meta = readHandle(footer, FOOTER_META);
    checkTiling(source.path, footerAt, [index, filter, meta]);
    const metaBytes = readVerifiedBlock(source, meta);
    const tableMeta = decodeTableMeta(metaBytes, source.path, meta.offset);
    // Each index entry takes well over 8 bytes: bound the arrays sized by the meta's block count.
    if (tableMeta.dataBlocks > index.size / 8) throw new CorruptionError(source.path, meta.offset, `meta block: ${tableMeta.dataBlocks} data blocks cannot fit the index`);
    const indexBlock = new Block(readVerifiedBlock(source, index), source.path, index.offset);
    const filterBytes = readVerifiedBlock(source, filter);
    return new TableReader(source, fileNumber, cache, tableMeta, indexBlock, filterBytes, index.offset);
  }

  get path(): string {
    return this.source.path;
  }
  get entries(): number {
    return this.meta.entries;
  }
  get smallest(): Uint8Array {
    return this.meta.smallest;
  }
  get largest(): Uint8Array {
    return this.meta.largest;
  }
  get minTs(): number {
    return this.meta.minTs;
  }
  get maxTs(): number {
    return this.meta.maxTs;
  }
  get fileSize(): number {
    return this.source.size;
  }
  /** Number of data blocks. */
  get blockCount(): number {
    return this.fenceCount;
  }

  /** False only if no version of userKey is in this table (Bloom filter; true without one). */
  mayContain(userKey: Uint8Array): boolean {
    return this.filter.length === 0 || bloomMayContain(this.filter, userKey);
  }

  /** As mayContain, for a precomputed bloomHash(userKey) (hash once, probe many tables). */
  mayContainHash(userKeyHash: number, userKey: Uint8Array): boolean {
    return this.filter.length === 0 || bloomMayContainHash(this.filter, userKeyHash, userKey);
  }

  /**
   * The newest version of userKey with ts <= readTs (tombstones included), or undefined.
   * `userKeyHash` (bloomHash(userKey)) saves rehashing when probing several tables.
   */
  get(userKey: Uint8Array, readTs: number, userKeyHash?: number): KeyVersion | undefined {
    const found = new FoundVersion();
    return this.findInto(userKey, readTs, userKeyHash ?? bloomHash(userKey), found) ? found.toKeyVersion() : undefined;
  }

  /**
   * get() into `out` (true when found): nothing allocated. out.bytes is the block's buffer, valid
   * as get()'s values are (until the next block read through the same cache).
   */
  findInto(userKey: Uint8Array, readTs: number, userKeyHash: number, out: FoundVersion): boolean {
    if (this.fenceCount === 0 || readTs < this.meta.minTs) return false;
    if (!this.mayContainHash(userKeyHash, userKey)) return false;
    const target = this.seekKey(userKey, readTs > TS_MAX ? TS_MAX : readTs);
    const i = this.findBlock(target);
    if (i === this.fenceCount) return false;
    const it = this.getIter;
    it.reset(this.blockAt(i));
    it.seek(target);
    if (!it.valid()) throw new CorruptionError(this.path, this.blockOffsets[i] as number, 'data block ends before its fence key');
    const key = it.key();
    const userEnd = key.length - TRAILER_BYTES;
    if (compareRanges(key, 0, userEnd, userKey, 0, userKey.length) !== 0) return false;
    const kind = key[userEnd + 7] as number;
    if (kind > KIND_MAX) throw new CorruptionError(this.path, this.blockOffsets[i] as number, `unknown kind ${kind}`);
    it.valueInto(out, kind, readTrailerTs(key, userEnd));
    return true;
  }

  /** An iterator over every entry (two-level: fences, then data blocks). */
  iterator(): InternalIterator {
    return new TableIterator(this);
  }

  /** @internal index of the first data block whose fence key >= ikey (blockCount if none) */
  findBlock(ikey: Uint8Array): number {
    const heads = this.fenceHead;
    const starts = this.fenceStart;
    const userEnd = ikey.length - TRAILER_BYTES;
    const prefix = this.fencePrefixLength;
    if (prefix > 0) {
      // A key outside the fences' common prefix sorts before or after all of them.
      const c = compareRanges(ikey, 0, userEnd < prefix ? userEnd : prefix, this.fenceBytes, 0, prefix);
      if (c !== 0) return c < 0 ? 0 : this.fenceCount;
    }
    const head = userKeyHead(ikey, prefix, userEnd);
    let lo = 0;
    let hi = this.fenceCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const h = heads[mid] as number;
      const below = h !== head ? h < head : compareInternalKeyAt(this.fenceBytes, starts[mid] as number, starts[mid + 1] as number, ikey) < 0;
      if (below) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** @internal data block i for an iterator, from the cache or read and verified (lent: never recycled) */
  dataBlock(i: number): Block {
    const block = this.blockAt(i);
    block.lent = true;
    return block;
  }

  /** Data block i, from the cache or read and verified (in a recycled buffer when possible). */
  private blockAt(i: number): Block {
    const cache = this.cache;
    const slots = this.cacheSlots;
    if (cache === undefined || slots === undefined) return this.readBlock(i);
    const cached = cache.lookup(slots, i);
    if (cached !== undefined) return cached;
    const source = this.source;
    const size = this.blockSizes[i] as number;
    cache.noteRead(size);
    if (source.readInto === undefined) {
      const block = this.readBlock(i);
      cache.insert(slots, i, block);
      return block;
    }
    const offset = this.blockOffsets[i] as number;
    const buffer = cache.acquire(size + BLOCK_TRAILER_BYTES);
    let block: Block;
    try {
      const n = source.readInto(offset, buffer, 0, size + BLOCK_TRAILER_BYTES);
      block = new Block(checkedBlock(source.path, { offset, size }, buffer, n), source.path, offset);
    } catch (error) {
      cache.release(buffer);
      throw error;
    }
    cache.insert(slots, i, block, buffer);
    return block;
  }

  /** Data block i read into a buffer of its own and verified. */
  private readBlock(i: number): Block {
    const offset = this.blockOffsets[i] as number;
    return new Block(readVerifiedBlock(this.source, { offset, size: this.blockSizes[i] as number }), this.source.path, offset);
  }

  /**
   * Puts this table's data blocks into the block cache from `image` (the file's bytes, as compaction
   * or GC just wrote them), checked as if read, while they fit the cache's free space — so readers
   * of the keys the table replaces do not all miss the cache at once (a block read and check each).
   * Never evicts anything; yields to the event loop every WARM_SLICE_BLOCKS blocks.
   */
  async warm(image: Uint8Array): Promise<void> {
    const cache = this.cache;
    const slots = this.cacheSlots;
    if (cache === undefined || slots === undefined || image.length !== this.source.size) return;
    const path = this.source.path;
    for (let i = 0; i < this.fenceCount; i++) {
      const offset = this.blockOffsets[i] as number;
      const size = this.blockSizes[i] as number;
      // A recyclable buffer of the cache's (as a miss reads into), not a slice of the image.
      const buffer = cache.acquire(size + BLOCK_TRAILER_BYTES);
      if (cache.usedBytes + buffer.length > cache.capacityBytes) {
        cache.release(buffer);
        return;
      }
      const n = Math.max(0, Math.min(size + BLOCK_TRAILER_BYTES, image.length - offset));
      buffer.set(image.subarray(offset, offset + n));
      let block: Block;
      try {
        block = new Block(checkedBlock(path, { offset, size }, buffer, n), path, offset);
      } catch (error) {
        cache.release(buffer);
        throw error;
      }
      cache.insert(slots, i, block, buffer);
      if ((i + 1) % WARM_SLICE_BLOCKS === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** @internal raises CorruptionError for block i */
  corruptBlock(i: number, detail: string): never {
    throw new CorruptionError(this.path, this.blockOffsets[i] as number, detail);
  }

  private seekKey(userKey: Uint8Array, ts: number): Uint8Array {
    const n = userKey.length + TRAILER_BYTES;
    const bytes = this.seekScratch.reserve(n);
    copyBytes(userKey, 0, bytes, 0, userKey.length);
    writeTrailer(bytes, userKey.length, ts, 0);
    return this.seekScratch.view(n);
  }

  /** Reads every index entry into fences/handles, checking order, tiling and agreement with meta. */
  private decodeIndex(index: Block, dataEnd: number): void {
    const it = new BlockIterator(index);
    const varint = [0];
    const n = this.fenceCount;
    this.fenceBytes = new Uint8Array(index.data.length);
    let i = 0;
    let expected = 0;
    let at = 0;
    for (it.seekToFirst(); it.valid(); it.next(), i++) {
      const key = it.key();
      if (i >= n) this.corruptIndex(index, 'more index entries than data blocks');
      if (at + key.length > this.fenceBytes.length) this.corruptIndex(index, 'fence keys larger than the index');
      if (i > 0 && compareInternalKeyAt(this.fenceBytes, this.fenceStart[i - 1] as number, at, key) >= 0) this.corruptIndex(index, 'index keys out of order');
      const value = it.value();
      let p = readVarint(value, 0, value.length, varint);
      const offset = varint[0] as number;
      if (p >= 0) p = readVarint(value, p, value.length, varint);
      const size = varint[0] as number;
      if (p !== value.length) this.corruptIndex(index, 'bad block handle');
      if (offset !== expected || size > BLOCK_BYTES_MAX || offset + size + BLOCK_TRAILER_BYTES > dataEnd) this.corruptIndex(index, `block handle ${offset}+${size} does not tile the data area`);
      this.fenceStart[i] = at;
      this.fenceBytes.set(key, at);
      at += key.length;
      this.blockOffsets[i] = offset;
      this.blockSizes[i] = size;
      expected = offset + size + BLOCK_TRAILER_BYTES;
    }
    this.fenceStart[i] = at;
    if (i !== n || expected !== dataEnd) this.corruptIndex(index, 'index does not cover the data area');
    if (n > 0 && compareInternalKeyAt(this.fenceBytes, this.fenceStart[n - 1] as number, at, this.meta.largest) !== 0) this.corruptIndex(index, 'last fence key differs from the largest key');
    this.setFenceHeads();
  }

  /** Sets fencePrefixLength (fences are checked ascending: all share the first and last's prefix) and fenceHead. */
  private setFenceHeads(): void {
    const n = this.fenceCount;
    if (n === 0) return;
    const bytes = this.fenceBytes;
    const starts = this.fenceStart;
    const firstEnd = (starts[1] as number) - TRAILER_BYTES;
    const lastStart = starts[n - 1] as number;
    const lastEnd = (starts[n] as number) - TRAILER_BYTES;
    let prefix = 0;
    while (prefix < firstEnd && lastStart + prefix < lastEnd && bytes[prefix] === bytes[lastStart + prefix]) prefix++;
    this.fencePrefixLength = prefix;
    for (let i = 0; i < n; i++) this.fenceHead[i] = userKeyHead(bytes, (starts[i] as number) + prefix, (starts[i + 1] as number) - TRAILER_BYTES);
  }

  private corruptIndex(index: Block, detail: string): never {
    throw new CorruptionError(this.path, index.fileOffset, detail);
  }
}

/** Checks that index ‖ filter ‖ meta ‖ footer are contiguous and end the file. */
function checkTiling(path: string, footerAt: number, handles: BlockHandle[]): void {
  let end = footerAt;
  for (let i = handles.length - 1; i >= 0; i--) {
    const h = handles[i] as BlockHandle;
    if (h.size > BLOCK_BYTES_MAX || h.offset + h.size + BLOCK_TRAILER_BYTES !== end) {
      throw new CorruptionError(path, footerAt, `block handle ${h.offset}+${h.size} does not tile the file`);
    }
    end = h.offset;
  }
}

/** Reads contents ‖ type ‖ crc at handle and verifies it; returns the contents. */
export function readVerifiedBlock(source: RandomAccessSource, handle: BlockHandle): Uint8Array {
  const bytes = source.read(handle.offset, handle.size + BLOCK_TRAILER_BYTES);
  return checkedBlock(source.path, handle, bytes, bytes.length);
}

/** Verifies contents ‖ type ‖ crc of the block at handle, read into bytes (`n` bytes read); returns the contents. */
function checkedBlock(path: string, handle: BlockHandle, bytes: Uint8Array, n: number): Uint8Array {
  const total = handle.size + BLOCK_TRAILER_BYTES;
  if (n !== total) throw new CorruptionError(path, handle.offset, `short read: ${n} of ${total} bytes`);
  if (bytes[handle.size] !== BLOCK_TYPE_RAW) throw new CorruptionError(path, handle.offset + handle.size, `unknown block type ${bytes[handle.size]}`);
  const stored = readUint32LE(bytes, handle.size + 1);
  if (stored !== crc32(bytes.subarray(0, handle.size + 1))) throw new CorruptionError(path, handle.offset, 'block checksum mismatch');
  return bytes.subarray(0, handle.size);
}
