/**
 * Builds an SSTable image in memory (format: table-format.ts and docs/format.md, "SSTable").
 * Pure: no I/O, so it runs on the main thread or in a worker; the caller writes finish()'s bytes.
 *
 * Invariants:
 * - Internal keys are added in strictly increasing compareInternalKeys order (asserted).
 * - Each data block is cut once it reaches blockBytes; its index entry's key is its last key, so
 *   the first index entry >= a seek key names the only block that can hold the first entry >= it.
 * - The Bloom filter holds every distinct user key (versions of one key are hashed once).
 * - Meta records entries, data block count, smallest/largest internal keys and min/max ts.
 */
import { assert } from '../util/assert.js';
import { crc32 } from '../util/crc32.js';
import { varintLength, writeVarint } from '../util/varint.js';
import { BlockBuilder, copyBytes, RESTART_INTERVAL_MAX } from './block-builder.js';
import { BLOOM_BITS_PER_KEY_MAX, bloomHash, buildBloom } from './bloom.js';
import { compareInternalKeyAt, compareRanges, readTrailerTs, TRAILER_BYTES } from './internal-key.js';
import {
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
  TABLE_FORMAT_VERSION,
  TABLE_MAGIC,
  writeHandle,
  writeUint32LE,
} from './table-format.js';

export const TABLE_BLOCK_BYTES_MIN = 64;
export const TABLE_BLOCK_BYTES_MAX = 16 * 1024 * 1024;

export interface TableBuilderOptions {
  /** Target size of a data block before its restart array (4096 is typical). */
  readonly blockBytes: number;
  /** Entries between restart points in data blocks (16 is typical). */
  readonly restartInterval: number;
  /** Bloom filter bits per distinct user key; 0 = no filter. */
  readonly bloomBitsPerKey: number;
}

const EMPTY = new Uint8Array(0);

export class TableBuilder {
  // allocUnsafeSlow: never a slice of Node's shared pool, so the image's ArrayBuffer can be transferred to another thread.
  private out: Buffer = Buffer.allocUnsafeSlow(64 * 1024);
  private length = 0;
  private readonly dataBlock: BlockBuilder;
  private readonly indexBlock = new BlockBuilder(1);
  private readonly handleScratch = Buffer.allocUnsafe(20);
  private lastKey: Buffer = Buffer.allocUnsafe(64);
  private lastKeyLength = 0;
  private hashes = new Uint32Array(1024);
  private hashCount = 0;
  private entryCount = 0;
  private blockCount = 0;
  private first: Uint8Array = EMPTY;
  private tsMin = 0;
  private tsMax = 0;
  private finished = false;

  constructor(private readonly opts: TableBuilderOptions) {
    const { blockBytes, restartInterval, bloomBitsPerKey } = opts;
    assert(Number.isInteger(blockBytes) && blockBytes >= TABLE_BLOCK_BYTES_MIN && blockBytes <= TABLE_BLOCK_BYTES_MAX, `blockBytes out of range: ${blockBytes}`);
    assert(Number.isInteger(restartInterval) && restartInterval >= 1 && restartInterval <= RESTART_INTERVAL_MAX, `restartInterval out of range: ${restartInterval}`);
    assert(bloomBitsPerKey >= 0 && bloomBitsPerKey <= BLOOM_BITS_PER_KEY_MAX, `bloomBitsPerKey out of range: ${bloomBitsPerKey}`);
    this.dataBlock = new BlockBuilder(restartInterval);
  }

  get entries(): number {
    return this.entryCount;
  }
  /** Smallest internal key added (empty before the first add). */
  get smallest(): Uint8Array {
    return this.first;
  }
  /** Largest internal key added: a copy (empty before the first add). */
  get largest(): Uint8Array {
    return Uint8Array.prototype.slice.call(this.lastKey, 0, this.lastKeyLength);
  }
  get minTs(): number {
    return this.tsMin;
  }
  get maxTs(): number {
    return this.tsMax;
  }
  /** Bytes of the file so far (finished blocks plus the pending one); for cutting output files. */
  get estimatedBytes(): number {
    return this.length + this.dataBlock.estimatedBytes + this.indexBlock.estimatedBytes + this.hashCount * (this.opts.bloomBitsPerKey / 8);
  }

  /** Appends ikey → value; ikey must be greater than every key added before. */
  add(ikey: Uint8Array, value: Uint8Array): void {
    assert(!this.finished, 'add() after finish()');
    assert(ikey.length >= TRAILER_BYTES, 'internal key shorter than its trailer');
    const userEnd = ikey.length - TRAILER_BYTES;
    if (this.entryCount === 0) {
      this.first = Uint8Array.prototype.slice.call(ikey);
      this.pushHash(ikey, userEnd);
    } else {
      assert(compareInternalKeyAt(this.lastKey, 0, this.lastKeyLength, ikey) < 0, 'keys must be added in increasing order');
      if (compareRanges(this.lastKey, 0, this.lastKeyLength - TRAILER_BYTES, ikey, 0, userEnd) !== 0) this.pushHash(ikey, userEnd);
    }
    const ts = readTrailerTs(ikey, userEnd);
    if (this.entryCount === 0 || ts < this.tsMin) this.tsMin = ts;
    if (ts > this.tsMax) this.tsMax = ts;
    this.rememberKey(ikey);
    this.dataBlock.add(ikey, value);
    this.entryCount++;
    if (this.dataBlock.estimatedBytes >= this.opts.blockBytes) this.flushDataBlock();
  }

  /**
   * Finishes the table; returns the whole file image: a view (byteOffset 0) of the builder's own
   * buffer, which may be longer than the image; it is never part of Node's shared Buffer pool.
   */
  finish(): Uint8Array {
    assert(!this.finished, 'finish() called twice');
    this.finished = true;
    if (this.dataBlock.entries > 0) this.flushDataBlock();
    const index = this.writeBlock(this.indexBlock.finish());
    const filter = this.writeBlock(this.opts.bloomBitsPerKey > 0 ? buildBloom(this.hashes, this.opts.bloomBitsPerKey, this.hashCount) : EMPTY);
    const meta = this.writeBlock(this.encodeMeta());
    this.ensure(FOOTER_BYTES);
    const footer = this.out.subarray(this.length, this.length + FOOTER_BYTES);
    writeHandle(footer, FOOTER_INDEX, index);
    writeHandle(footer, FOOTER_FILTER, filter);
    writeHandle(footer, FOOTER_META, meta);
    writeUint32LE(footer, FOOTER_VERSION, TABLE_FORMAT_VERSION);
    writeUint32LE(footer, FOOTER_CRC, crc32(footer.subarray(0, FOOTER_CRC)));
    writeUint32LE(footer, FOOTER_MAGIC, TABLE_MAGIC);
    this.length += FOOTER_BYTES;
    return this.out.subarray(0, this.length);
  }

  private flushDataBlock(): void {
    const handle = this.writeBlock(this.dataBlock.finish());
    this.dataBlock.reset();
    this.blockCount++;
    let p = writeVarint(this.handleScratch, 0, handle.offset);
    p = writeVarint(this.handleScratch, p, handle.size);
    this.indexBlock.add(this.lastKey.subarray(0, this.lastKeyLength), this.handleScratch.subarray(0, p));
  }

  /** Appends contents ‖ type ‖ crc; returns its handle. */
  private writeBlock(contents: Uint8Array): BlockHandle {
    const offset = this.length;
    this.ensure(contents.length + BLOCK_TRAILER_BYTES);
    this.out.set(contents, offset);
    let p = offset + contents.length;
    this.out[p] = BLOCK_TYPE_RAW;
    writeUint32LE(this.out, p + 1, crc32(this.out.subarray(offset, p + 1)));
    p += BLOCK_TRAILER_BYTES;
    this.length = p;
    return { offset, size: contents.length };
  }

  private encodeMeta(): Uint8Array {
    const last = this.largest;
    const fields = [this.entryCount, this.blockCount, this.tsMin, this.tsMax];
    let size = varintLength(this.first.length) + this.first.length + varintLength(last.length) + last.length;
    for (const f of fields) size += varintLength(f);
    const meta = Buffer.allocUnsafe(size);
    let p = 0;
    for (const f of fields) p = writeVarint(meta, p, f);
    p = writeVarint(meta, p, this.first.length);
    meta.set(this.first, p);
    p = writeVarint(meta, p + this.first.length, last.length);
    meta.set(last, p);
    return meta;
  }

  private pushHash(ikey: Uint8Array, userEnd: number): void {
    if (this.opts.bloomBitsPerKey === 0) return;
    if (this.hashCount === this.hashes.length) {
      const grown = new Uint32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.hashCount++] = bloomHash(ikey, 0, userEnd);
  }

  private rememberKey(ikey: Uint8Array): void {
    if (ikey.length > this.lastKey.length) this.lastKey = Buffer.allocUnsafe(Math.max(ikey.length, this.lastKey.length * 2));
    copyBytes(ikey, 0, this.lastKey, 0, ikey.length);
    this.lastKeyLength = ikey.length;
  }

  private ensure(bytes: number): void {
    if (this.length + bytes <= this.out.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.length + bytes, this.out.length * 2));
    this.out.copy(grown, 0, 0, this.length);
    this.out = grown;
  }
}
