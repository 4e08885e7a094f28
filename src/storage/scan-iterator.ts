/**
 * A range scan at a read ts as a JS iterator: merges every memtable and table of a pinned Version,
 * keeps the newest visible version per key (VersionIterator), and resolves value pointers.
 *
 * Invariants:
 * - Entries returned are fresh copies; they stay valid after next().
 * - The Version is pinned from construction until the iterator ends, fails or return() is called
 *   (for..of calls return() on break), and unpinned exactly once.
 * - Nothing is read before the first next(): constructing a scan is cheap.
 */
import { MergingIterator } from './merging-iterator.js';
import type { InternalIterator } from './internal-iterator.js';
import type { Memtable } from './memtable.js';
import { resolveStored } from './read-path.js';
import { pooledCopy } from '../util/pooled-copy.js';
import type { ValueLog } from './value-log.js';
import { VersionIterator } from './version-iterator.js';
import { LevelIterator } from './table-level-iterator.js';
import type { TableHandle, Version } from './version.js';

/** Key range: at most one lower bound (gte | gt) and one upper bound (lte | lt). */
export interface ScanRange {
  readonly gte?: Uint8Array;
  readonly gt?: Uint8Array;
  readonly lte?: Uint8Array;
  readonly lt?: Uint8Array;
  readonly reverse?: boolean;
  readonly limit?: number;
}

export interface ScanEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

export class ScanIterator implements IterableIterator<ScanEntry> {
  private readonly iterator: VersionIterator;
  private readonly reverse: boolean;
  private readonly limit: number;
  private started = false;
  private finished = false;
  private count = 0;

  constructor(
    range: ScanRange,
    readTs: number,
    memtables: readonly Memtable[],
    private readonly version: Version,
    private readonly vlog: ValueLog,
  ) {
    const children: InternalIterator[] = memtables.map((memtable) => memtable.iterator());
    const levels = version.levels;
    for (const table of levels[0] ?? []) {
      if (table.meta.minTs <= readTs) children.push(table.reader.iterator());
    }
    // Deeper levels are sorted and non-overlapping: one LevelIterator each opens one table at a time.
    for (let level = 1; level < levels.length; level++) {
      const tables = levels[level] as readonly TableHandle[];
      if (tables.length === 1) children.push((tables[0] as TableHandle).reader.iterator());
      else if (tables.length > 1) children.push(new LevelIterator(tables.map((table) => table.reader)));
    }
    const lower = range.gte ?? range.gt;
    const upper = range.lte ?? range.lt;
    this.iterator = new VersionIterator(new MergingIterator(children), readTs, {
      ...(lower === undefined ? {} : { lower, lowerInclusive: range.gte !== undefined }),
      ...(upper === undefined ? {} : { upper, upperInclusive: range.lte !== undefined }),
    });
    this.reverse = range.reverse === true;
    this.limit = range.limit ?? Infinity;
  }

  [Symbol.iterator](): IterableIterator<ScanEntry> {
    return this;
  }

  next(): IteratorResult<ScanEntry, undefined> {
    if (this.finished) return DONE;
    try {
      return this.step();
    } catch (error) {
      this.finish();
      throw error;
    }
  }

  return(): IteratorResult<ScanEntry, undefined> {
    this.finish();
    return DONE;
  }

  private step(): IteratorResult<ScanEntry, undefined> {
    const it = this.iterator;
    if (this.count >= this.limit) {
      this.finish();
      return DONE;
    }
    if (!this.started) {
      this.started = true;
      if (this.reverse) it.seekToLast();
      else it.seekToFirst();
    } else if (this.reverse) it.prev();
    else it.next();
    if (!it.valid()) {
      this.finish();
      return DONE;
    }
    this.count++;
    const key = pooledCopy(it.userKey());
    const value = resolveStored(it.kind(), it.value(), key, this.vlog) as Uint8Array;
    return { done: false, value: { key, value } };
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.iterator.close();
    this.version.unpin();
  }
}
