/**
 * Concatenates the iterators of a sorted run of non-overlapping tables (one LSM level below L0) into
 * one InternalIterator, opening only the table it is positioned in (LevelDB's two-level iterator
 * over a level's file list).
 *
 * Invariants:
 * - `tables` are sorted and non-overlapping: tables[i].largest < tables[i+1].smallest (internal keys).
 * - A seek binary-searches the tables by largest key and touches exactly one table (plus neighbours
 *   only when that table has no entry in the asked direction), instead of seeking every table as a
 *   MergingIterator over them would.
 * - At most one child iterator is open; it is closed when the position moves to another table and
 *   on close(). key()/value() are the child's views: valid until the next move.
 */
import { assert } from '../util/assert.js';
import type { InternalIterator } from './internal-iterator.js';
import { compareInternalKeys } from './internal-key.js';

/** What a level iterator needs of a table (TableReader satisfies it). */
export interface LevelTable {
  readonly smallest: Uint8Array;
  readonly largest: Uint8Array;
  iterator(): InternalIterator;
}

export class LevelIterator implements InternalIterator {
  private readonly tables: readonly LevelTable[];
  private index = -1;
  private child: InternalIterator | undefined;

  constructor(tables: readonly LevelTable[]) {
    this.tables = tables;
    for (let i = 1; i < tables.length; i++) {
      assert(compareInternalKeys((tables[i - 1] as LevelTable).largest, (tables[i] as LevelTable).smallest) < 0, 'level tables overlap or are out of order');
    }
  }

  valid(): boolean {
    return this.child !== undefined && this.child.valid();
  }

  seekToFirst(): void {
    if (!this.open(0)) return;
    (this.child as InternalIterator).seekToFirst();
    this.skipForward();
  }

  seekToLast(): void {
    if (!this.open(this.tables.length - 1)) return;
    (this.child as InternalIterator).seekToLast();
    this.skipBackward();
  }

  seek(ikey: Uint8Array): void {
    if (!this.open(this.findTable(ikey))) return;
    (this.child as InternalIterator).seek(ikey);
    this.skipForward();
  }

  seekForPrev(ikey: Uint8Array): void {
    const i = this.findTable(ikey);
    if (i === this.tables.length) {
      this.seekToLast();
      return;
    }
    this.open(i);
    (this.child as InternalIterator).seekForPrev(ikey);
    this.skipBackward();
  }

  next(): void {
    assert(this.valid(), 'next() on an invalid iterator');
    (this.child as InternalIterator).next();
    this.skipForward();
  }

  prev(): void {
    assert(this.valid(), 'prev() on an invalid iterator');
    (this.child as InternalIterator).prev();
    this.skipBackward();
  }

  key(): Uint8Array {
    assert(this.valid(), 'key() on an invalid iterator');
    return (this.child as InternalIterator).key();
  }

  value(): Uint8Array {
    assert(this.valid(), 'value() on an invalid iterator');
    return (this.child as InternalIterator).value();
  }

  close(): void {
    this.child?.close();
    this.child = undefined;
    this.index = -1;
  }

  /** Index of the first table whose largest key >= ikey (tables.length if none). */
  private findTable(ikey: Uint8Array): number {
    let lo = 0;
    let hi = this.tables.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareInternalKeys((this.tables[mid] as LevelTable).largest, ikey) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Makes table i's iterator the child (unpositioned); false, with no child, if i is out of range. */
  private open(i: number): boolean {
    if (i === this.index && this.child !== undefined) return true;
    this.close();
    if (i < 0 || i >= this.tables.length) return false;
    this.child = (this.tables[i] as LevelTable).iterator();
    this.index = i;
    return true;
  }

  private skipForward(): void {
    while (this.child !== undefined && !this.child.valid()) {
      if (!this.open(this.index + 1)) return;
      (this.child as InternalIterator).seekToFirst();
    }
  }

  private skipBackward(): void {
    while (this.child !== undefined && !this.child.valid()) {
      if (!this.open(this.index - 1)) return;
      (this.child as InternalIterator).seekToLast();
    }
  }
}
