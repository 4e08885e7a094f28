/**
 * Two-level iterator over a TableReader: a position in the fence-key array picks the data block,
 * a BlockIterator walks inside it.
 *
 * Invariants:
 * - When valid, the data iterator is valid and positioned inside block `blockIndex`.
 * - An empty data block (impossible from TableBuilder, but bytes are untrusted) is skipped, never
 *   mistaken for the end of the table.
 * - key()/value() are views valid until the next move.
 * - Every entry it stops at has a known kind (checked after each move; CorruptionError otherwise).
 */
import { assert } from '../util/assert.js';
import { BlockIterator } from './block.js';
import type { InternalIterator } from './internal-iterator.js';
import { KIND_MAX } from './internal-key.js';
import type { TableReader } from './table-reader.js';

export class TableIterator implements InternalIterator {
  private blockIndex = -1;
  private data: BlockIterator | undefined;

  constructor(private readonly table: TableReader) {}

  valid(): boolean {
    return this.data !== undefined && this.data.valid();
  }

  seekToFirst(): void {
    if (!this.load(0)) return;
    (this.data as BlockIterator).seekToFirst();
    this.skipForward();
  }

  seekToLast(): void {
    if (!this.load(this.table.blockCount - 1)) return;
    (this.data as BlockIterator).seekToLast();
    this.skipBackward();
  }

  seek(ikey: Uint8Array): void {
    if (!this.load(this.table.findBlock(ikey))) return;
    const data = this.data as BlockIterator;
    data.seek(ikey);
    if (!data.valid()) this.table.corruptBlock(this.blockIndex, 'data block ends before its fence key');
    this.checkKind();
  }

  seekForPrev(ikey: Uint8Array): void {
    const i = this.table.findBlock(ikey);
    if (i === this.table.blockCount) {
      this.seekToLast();
      return;
    }
    this.load(i);
    (this.data as BlockIterator).seekForPrev(ikey);
    this.skipBackward();
  }

  next(): void {
    assert(this.valid(), 'next() on an invalid iterator');
    (this.data as BlockIterator).next();
    this.skipForward();
  }

  prev(): void {
    assert(this.valid(), 'prev() on an invalid iterator');
    (this.data as BlockIterator).prev();
    this.skipBackward();
  }

  key(): Uint8Array {
    assert(this.valid(), 'key() on an invalid iterator');
    return (this.data as BlockIterator).key();
  }

  value(): Uint8Array {
    assert(this.valid(), 'value() on an invalid iterator');
    return (this.data as BlockIterator).value();
  }

  close(): void {
    this.data?.close();
    this.data = undefined;
    this.blockIndex = -1;
  }

  /** Positions the data iterator on block i (invalid inside it); false if i is out of range. */
  private load(i: number): boolean {
    if (i < 0 || i >= this.table.blockCount) {
      this.data?.close();
      this.blockIndex = -1;
      return false;
    }
    if (i !== this.blockIndex || this.data === undefined) {
      const block = this.table.dataBlock(i);
      if (this.data === undefined) this.data = new BlockIterator(block);
      else this.data.reset(block);
      this.blockIndex = i;
    }
    return true;
  }

  private skipForward(): void {
    while (this.data !== undefined && !this.data.valid()) {
      if (!this.load(this.blockIndex + 1)) return;
      this.data.seekToFirst();
    }
    this.checkKind();
  }

  private skipBackward(): void {
    while (this.data !== undefined && !this.data.valid()) {
      if (!this.load(this.blockIndex - 1)) return;
      this.data.seekToLast();
    }
    this.checkKind();
  }

  private checkKind(): void {
    if (this.data === undefined || !this.data.valid()) return;
    const key = this.data.key();
    const kind = key[key.length - 1] as number;
    if (kind > KIND_MAX) this.table.corruptBlock(this.blockIndex, `unknown kind ${kind}`);
  }
}
