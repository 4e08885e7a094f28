/**
 * A read-only block (format in block-builder.ts and docs/format.md, "SSTable › Block") and its
 * iterator.
 *
 * Invariants:
 * - Block bytes are untrusted: the constructor validates the restart array (count fits, offsets
 *   start at 0, strictly increase and lie inside the entry area) and the iterator validates every
 *   entry it decodes (varints, lengths inside the entry area, shared prefix not longer than the
 *   previous key, shared = 0 at restart points, keys at least TRAILER_BYTES long). Any failure is a
 *   CorruptionError naming the file and the absolute offset, never an out-of-bounds read.
 * - A Block is immutable and may be shared (block cache) by any number of iterators; `lent` is
 *   the block cache's flag (block-cache.ts): once set, the block's buffer is never recycled.
 * - seek() binary-searches the restart keys (compared in place), then decodes at most one run,
 *   skipping the byte comparison of most entries by their shared-prefix length (scanTo).
 *   prev() decodes the run before the position once into a BlockRunCache, so a backward walk costs
 *   about what a forward one does. key() views are cached per length (ScratchViews).
 */
import { CorruptionError } from './errors.js';
import type { InternalIterator } from './internal-iterator.js';
import { compareInternalKeyAt, type FoundVersion, TRAILER_BYTES } from './internal-key.js';
import { assert } from '../util/assert.js';
import { readVarint } from '../util/varint.js';
import { BlockRunCache } from './block-run-cache.js';
import { ScratchViews } from './block-scratch.js';

export class Block {
  /** Offset where the restart array starts (= end of the entry area). */
  readonly restartsOffset: number;
  readonly restartCount: number;

  /**
   * @param data the block bytes (without the table's block trailer)
   * @param path file the block was read from (for errors)
   * @param fileOffset absolute offset of data[0] in that file (for errors)
   */
  /** The block bytes as a plain Uint8Array (views of it are cheaper to create than Buffer views). */
  readonly data: Uint8Array;
  /**
   * Set when the block was handed to an iterator, which may hold it past its eviction from the
   * block cache: the cache then never recycles its buffer (block-cache.ts). Never cleared.
   */
  lent = false;

  constructor(
    data: Uint8Array,
    readonly path: string,
    readonly fileOffset: number,
  ) {
    this.data = Buffer.isBuffer(data) ? new Uint8Array(data.buffer, data.byteOffset, data.length) : data;
    if (data.length < 8) this.corrupt(0, 'block shorter than its restart count');
    const count = readUint32LE(data, data.length - 4);
    const maxCount = Math.floor((data.length - 4) / 4);
    if (count < 1 || count > maxCount) this.corrupt(data.length - 4, `bad restart count ${count}`);
    this.restartCount = count;
    this.restartsOffset = data.length - 4 - count * 4;
    let previous = -1;
    for (let i = 0; i < count; i++) {
      const restart = readUint32LE(data, this.restartsOffset + i * 4);
      const ok = i === 0 ? restart === 0 : restart > previous && restart < this.restartsOffset;
      if (!ok) this.corrupt(this.restartsOffset + i * 4, `bad restart offset ${restart}`);
      previous = restart;
    }
  }

  /** Byte size this block charges to a cache. */
  get charge(): number {
    return this.data.length;
  }

  restartAt(index: number): number {
    return readUint32LE(this.data, this.restartsOffset + index * 4);
  }

  iterator(): BlockIterator {
    return new BlockIterator(this);
  }

  corrupt(offsetInBlock: number, detail: string): never {
    throw new CorruptionError(this.path, this.fileOffset + offsetInBlock, detail);
  }
}

function readUint32LE(data: Uint8Array, offset: number): number {
  return (
    ((data[offset] as number) |
      ((data[offset + 1] as number) << 8) |
      ((data[offset + 2] as number) << 16) |
      ((data[offset + 3] as number) << 24)) >>>
    0
  );
}

/** Cursor over a Block. key() and value() are views valid until the next move. */
export class BlockIterator implements InternalIterator {
  private block: Block;
  private data: Uint8Array;
  private end: number;
  /** Offset of the current entry; `end` when invalid. */
  private current: number;
  private nextOffset = 0;
  private restartIndex = 0;
  /** Offset of restart point restartIndex, and of the next one (end of entries if none). */
  private restartOffset = 0;
  private nextRestart = 0;
  private readonly keyScratch = new ScratchViews();
  private keyBuf: Uint8Array = this.keyScratch.reserve(64);
  private keyLength = 0;
  /** Bytes the current entry's key shares with the previous entry's (as stored). */
  private shared = 0;
  private valueStart = 0;
  private valueLength = 0;
  private keyView: Uint8Array | undefined;
  private readonly varint: number[] = [0];
  /** Decoded entries of the restart run prev() last walked; runIndex = position in it, or -1. */
  private readonly run = new BlockRunCache();
  private runIndex = -1;

  constructor(block: Block) {
    this.block = block;
    this.data = block.data;
    this.end = block.restartsOffset;
    this.current = this.end;
  }

  /** Repositions this iterator on another block (to reuse it); it becomes invalid. */
  reset(block: Block): void {
    this.block = block;
    this.data = block.data;
    this.end = block.restartsOffset;
    this.current = this.end;
    this.keyView = undefined;
    this.run.clear();
    this.runIndex = -1;
  }

  valid(): boolean {
    return this.current < this.end;
  }

  seekToFirst(): void {
    this.seekToRestart(0);
    this.parseNext();
  }

  seekToLast(): void {
    this.seekToRestart(this.block.restartCount - 1);
    while (this.parseNext() && this.nextOffset < this.end) {
      // keep going until the last entry
    }
  }

  seek(target: Uint8Array): void {
    let left = 0;
    let right = this.block.restartCount - 1;
    while (left < right) {
      const mid = (left + right + 1) >>> 1;
      if (this.compareRestartKey(mid, target) < 0) left = mid;
      else right = mid - 1;
    }
    this.seekToRestart(left);
    this.scanTo(target);
  }

  /**
   * Moves from the current restart point to the first entry >= target. `matched` bytes of the
   * previous entry's user key P equal target's user key U (P < U, they differ at byte `matched`),
   * so an entry that shares fewer bytes than that with P differs from P where P matches U and is
   * past U, and one that shares more differs from U where P does and is still below: most entries
   * need no byte comparison. Relies on entries ascending and `shared` maximal (BlockBuilder); a
   * later restart entry (shared 0) is >= target by the binary search.
   */
  private scanTo(target: Uint8Array): void {
    const targetUserEnd = target.length - TRAILER_BYTES;
    let matched = -1;
    let previousUserEnd = 0;
    while (this.parseNext()) {
      const userEnd = this.keyLength - TRAILER_BYTES;
      const shared = this.shared;
      if (matched >= 0) {
        if (shared < matched && shared < userEnd) return;
        if (shared > matched && matched < previousUserEnd && matched < targetUserEnd && matched < userEnd) {
          previousUserEnd = userEnd;
          continue;
        }
      }
      // Bytes before `from` are known to equal target's.
      let i = matched < 0 ? 0 : Math.min(shared, matched, userEnd, targetUserEnd);
      const key = this.keyBuf;
      const n = userEnd < targetUserEnd ? userEnd : targetUserEnd;
      while (i < n && key[i] === target[i]) i++;
      let c = i < n ? (key[i] as number) - (target[i] as number) : userEnd - targetUserEnd;
      for (let t = 0; c === 0 && t < TRAILER_BYTES; t++) c = (key[userEnd + t] as number) - (target[targetUserEnd + t] as number);
      if (c >= 0) return;
      matched = i;
      previousUserEnd = userEnd;
    }
  }

  seekForPrev(target: Uint8Array): void {
    this.seek(target);
    if (!this.valid()) this.seekToLast();
    else if (compareInternalKeyAt(this.keyBuf, 0, this.keyLength, target) > 0) this.prev();
  }

  next(): void {
    assert(this.valid(), 'next() on an invalid iterator');
    this.parseNext();
  }

  prev(): void {
    assert(this.valid(), 'prev() on an invalid iterator');
    const run = this.run;
    if (this.runIndex > 0) {
      this.loadFromRun(this.runIndex - 1);
      return;
    }
    const original = this.current;
    while (this.block.restartAt(this.restartIndex) >= original) {
      if (this.restartIndex === 0) {
        this.current = this.end;
        this.keyView = undefined;
        return;
      }
      this.restartIndex--;
    }
    // Decode the run up to the original entry once, remembering each entry for later prev() calls.
    this.seekToRestart(this.restartIndex);
    run.clear(this.restartIndex);
    while (this.parseNext()) {
      run.record(this.current, this.nextOffset, this.valueStart, this.valueLength, this.keyBuf, this.keyLength);
      if (this.nextOffset >= original) break;
    }
    this.runIndex = run.count - 1;
  }

  /** Positions at entry j of the run cache (same restart run as the cache's). */
  private loadFromRun(j: number): void {
    const run = this.run;
    const keyLength = run.keyLengthOf(j);
    if (keyLength > this.keyBuf.length) this.growKey(keyLength);
    run.copyKey(j, this.keyBuf);
    this.keyLength = keyLength;
    this.keyView = undefined;
    this.current = run.offsetOf(j);
    this.nextOffset = run.nextOffsetOf(j);
    this.valueStart = run.valueStartOf(j);
    this.valueLength = run.valueLengthOf(j);
    this.runIndex = j;
    if (this.restartIndex !== run.restartIndex) {
      const block = this.block;
      this.restartIndex = run.restartIndex;
      this.restartOffset = block.restartAt(run.restartIndex);
      this.nextRestart = run.restartIndex + 1 < block.restartCount ? block.restartAt(run.restartIndex + 1) : this.end;
    }
  }

  key(): Uint8Array {
    assert(this.valid(), 'key() on an invalid iterator');
    if (this.keyView === undefined) this.keyView = this.keyScratch.view(this.keyLength);
    return this.keyView;
  }

  value(): Uint8Array {
    assert(this.valid(), 'value() on an invalid iterator');
    return this.data.subarray(this.valueStart, this.valueStart + this.valueLength);
  }

  /** value() as a range of the block's bytes, into `out` with `kind` and `ts` (no view made). */
  valueInto(out: FoundVersion, kind: number, ts: number): void {
    assert(this.valid(), 'valueInto() on an invalid iterator');
    out.set(kind, ts, this.data, this.valueStart, this.valueStart + this.valueLength);
  }

  close(): void {
    this.current = this.end;
    this.keyView = undefined;
  }

  /** Compares the key stored at restart point `index` (stored whole) with `target`. */
  private compareRestartKey(index: number, target: Uint8Array): number {
    const offset = this.block.restartAt(index);
    const data = this.data;
    let p: number;
    let unshared: number;
    if (offset + 3 <= this.end && ((data[offset] as number) | (data[offset + 1] as number) | (data[offset + 2] as number)) < 128) {
      if (data[offset] !== 0) this.block.corrupt(offset, 'restart entry with a shared prefix');
      unshared = data[offset + 1] as number;
      p = offset + 3;
    } else {
      const v = this.varint;
      p = readVarint(data, offset, this.end, v);
      if (p < 0 || v[0] !== 0) this.block.corrupt(offset, 'restart entry with a shared prefix');
      p = readVarint(data, p, this.end, v);
      unshared = v[0] as number;
      if (p >= 0) p = readVarint(data, p, this.end, v);
      if (p < 0) this.block.corrupt(offset, 'truncated entry header');
    }
    if (unshared < TRAILER_BYTES || p + unshared > this.end) this.block.corrupt(offset, 'bad entry key length');
    return compareInternalKeyAt(data, p, p + unshared, target);
  }

  private seekToRestart(index: number): void {
    const block = this.block;
    this.restartIndex = index;
    this.restartOffset = block.restartAt(index);
    this.nextRestart = index + 1 < block.restartCount ? block.restartAt(index + 1) : this.end;
    this.keyLength = 0;
    this.keyView = undefined;
    this.nextOffset = this.block.restartAt(index);
  }

  /** Decodes the entry at nextOffset; false (and invalid) at the end of the entries. */
  private parseNext(): boolean {
    this.keyView = undefined;
    this.runIndex = -1;
    const offset = this.nextOffset;
    this.current = offset;
    if (offset >= this.end) {
      this.current = this.end;
      return false;
    }
    const block = this.block;
    while (offset >= this.nextRestart) {
      this.restartIndex++;
      this.restartOffset = this.nextRestart;
      this.nextRestart = this.restartIndex + 1 < block.restartCount ? block.restartAt(this.restartIndex + 1) : this.end;
    }
    const data = this.data;
    let shared: number;
    let unshared: number;
    let p = offset;
    if (p + 3 <= this.end && ((data[p] as number) | (data[p + 1] as number) | (data[p + 2] as number)) < 128) {
      shared = data[p] as number;
      unshared = data[p + 1] as number;
      this.valueLength = data[p + 2] as number;
      p += 3;
    } else {
      const v = this.varint;
      p = readVarint(data, p, this.end, v);
      shared = v[0] as number;
      if (p >= 0) p = readVarint(data, p, this.end, v);
      unshared = v[0] as number;
      if (p >= 0) p = readVarint(data, p, this.end, v);
      this.valueLength = v[0] as number;
      if (p < 0) block.corrupt(offset, 'truncated entry header');
    }
    this.checkEntry(offset, p, shared, unshared);
    this.shared = shared;
    if (shared + unshared > this.keyBuf.length) this.growKey(shared + unshared);
    const keyBuf = this.keyBuf;
    if (unshared <= 32) {
      for (let i = 0; i < unshared; i++) keyBuf[shared + i] = data[p + i] as number;
    } else {
      keyBuf.set(data.subarray(p, p + unshared), shared);
    }
    this.keyLength = shared + unshared;
    this.valueStart = p + unshared;
    this.nextOffset = this.valueStart + this.valueLength;
    return true;
  }

  private checkEntry(offset: number, p: number, shared: number, unshared: number): void {
    const block = this.block;
    if (shared > this.keyLength) block.corrupt(offset, `shared prefix ${shared} longer than the previous key`);
    if (shared !== 0 && this.restartOffset === offset) block.corrupt(offset, 'restart entry with a shared prefix');
    if (shared + unshared < TRAILER_BYTES) block.corrupt(offset, 'key shorter than its trailer');
    if (unshared + this.valueLength > this.end - p) block.corrupt(offset, 'entry runs past the entry area');
  }

  private growKey(bytes: number): void {
    this.keyBuf = this.keyScratch.reserve(bytes);
  }
}
