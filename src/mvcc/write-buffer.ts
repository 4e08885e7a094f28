/**
 * WriteBuffer: a transaction's buffered writes, keyed by key string, with savepoints.
 *
 * Invariants:
 * - At most one entry per key; `value === undefined` is a buffered delete. Entries are immutable
 *   and replaced on each write, so an undo record can hold the previous entry as it was.
 * - `sinceTs` of an entry is the snapshot ts of the statement that first wrote the key in this
 *   transaction (kept across later writes of the same key): the conflict check for the key
 *   looks for commits after it.
 * - bytes() is the sum of key and value lengths over the entries.
 * - The undo log is kept only while a savepoint exists; savepoint handle i is valid until it is
 *   released or an earlier savepoint is released or rolled back past it.
 * - sortedKeys() is the memcmp-sorted key set, cached until the key set changes.
 */
import type { Ts, KvWrite } from './versioned-kv.js';
import type { StringRange } from './key-range.js';
import { lowerIndex, upperIndex } from './key-range.js';
import { assert } from '../util/index.js';

export interface BufferedWrite {
  readonly key: Uint8Array;
  readonly value: Uint8Array | undefined;
  readonly sinceTs: Ts;
}

interface UndoRecord {
  readonly keyString: string;
  readonly previous: BufferedWrite | undefined;
}

export class WriteBuffer {
  private readonly entries = new Map<string, BufferedWrite>();
  private sortedCache: string[] | undefined = undefined;
  private byteCount = 0;
  private readonly undo: UndoRecord[] = [];
  private readonly savepoints: number[] = [];

  size(): number {
    return this.entries.size;
  }

  bytes(): number {
    return this.byteCount;
  }

  get(keyString: string): BufferedWrite | undefined {
    return this.entries.get(keyString);
  }

  /** Bytes the buffer would hold after writing `value` at `keyString` (for the size limit). */
  bytesAfter(keyString: string, key: Uint8Array, value: Uint8Array | undefined): number {
    const previous = this.entries.get(keyString);
    const before = previous === undefined ? 0 : entryBytes(previous);
    return this.byteCount - before + key.length + (value?.length ?? 0);
  }

  set(keyString: string, write: BufferedWrite): void {
    const previous = this.entries.get(keyString);
    if (this.savepoints.length > 0) this.undo.push({ keyString, previous });
    this.replace(keyString, previous, write);
  }

  savepoint(): number {
    this.savepoints.push(this.undo.length);
    return this.savepoints.length - 1;
  }

  /** Undoes every write since savepoint `handle`; the savepoint itself stays (SQL semantics). */
  rollbackTo(handle: number): void {
    assert(Number.isInteger(handle) && handle >= 0 && handle < this.savepoints.length, `unknown savepoint ${handle}`);
    const target = this.savepoints[handle] as number;
    while (this.undo.length > target) {
      const record = this.undo.pop() as UndoRecord;
      this.replace(record.keyString, this.entries.get(record.keyString), record.previous);
    }
    this.savepoints.length = handle + 1;
  }

  /** Forgets savepoint `handle` and every later one; their writes stay. */
  release(handle: number): void {
    assert(Number.isInteger(handle) && handle >= 0 && handle < this.savepoints.length, `unknown savepoint ${handle}`);
    this.savepoints.length = handle;
    if (handle === 0) this.undo.length = 0;
  }

  /** Keys in memcmp order. The array is shared: read it, do not keep it past the next write. */
  sortedKeys(): readonly string[] {
    if (this.sortedCache === undefined) this.sortedCache = [...this.entries.keys()].sort();
    return this.sortedCache;
  }

  /** [start, end) indexes into sortedKeys() of the keys inside `range`. */
  indexesIn(range: StringRange): [number, number] {
    const keys = this.sortedKeys();
    return [lowerIndex(keys, range), upperIndex(keys, range)];
  }

  /** The batch to commit, and its key strings (same order). */
  toBatch(): { writes: KvWrite[]; keyStrings: string[] } {
    const writes: KvWrite[] = [];
    const keyStrings: string[] = [];
    for (const [keyString, entry] of this.entries) {
      writes.push({ key: entry.key, value: entry.value });
      keyStrings.push(keyString);
    }
    return { writes, keyStrings };
  }

  entriesIterator(): IterableIterator<[string, BufferedWrite]> {
    return this.entries.entries();
  }

  private replace(keyString: string, previous: BufferedWrite | undefined, next: BufferedWrite | undefined): void {
    if (previous !== undefined) this.byteCount -= entryBytes(previous);
    if (next === undefined) {
      this.entries.delete(keyString);
      this.sortedCache = undefined;
      return;
    }
    if (previous === undefined) this.sortedCache = undefined;
    this.entries.set(keyString, next);
    this.byteCount += entryBytes(next);
  }
}

function entryBytes(entry: BufferedWrite): number {
  return entry.key.length + (entry.value?.length ?? 0);
}
