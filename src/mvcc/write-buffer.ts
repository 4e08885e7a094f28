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
 * - A buffer holding one key keeps it in two fields, without a Map (most transactions write one
 *   row); the Map is made for the second key and kept from then on. Order: first write first.
 */
import type { Ts, KvWrite } from './versioned-kv.js';
import type { StringRange } from './key-range.js';
import type { KeyStrings } from './conflict-tracker.js';
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
  /** Every entry, once a second key was written (then `soleKey` is unused). */
  private entries: Map<string, BufferedWrite> | undefined = undefined;
  /** The only entry's key and entry while `entries` is not made (undefined: empty). */
  private soleKey: string | undefined = undefined;
  private sole: BufferedWrite | undefined = undefined;
  private sortedCache: string[] | undefined = undefined;
  private byteCount = 0;
  /** Made with the first savepoint (pushing onto a fresh `[]` allocates room for 17; most transactions take none). */
  private undo: UndoRecord[] | undefined = undefined;
  private savepoints: number[] | undefined = undefined;

  size(): number {
    if (this.entries !== undefined) return this.entries.size;
    return this.soleKey === undefined ? 0 : 1;
  }

  bytes(): number {
    return this.byteCount;
  }

  get(keyString: string): BufferedWrite | undefined {
    if (this.entries !== undefined) return this.entries.get(keyString);
    return this.soleKey === keyString ? this.sole : undefined;
  }

  /** Bytes the buffer would hold after writing `value` at `keyString` (for the size limit). */
  bytesAfter(keyString: string, key: Uint8Array, value: Uint8Array | undefined): number {
    const previous = this.get(keyString);
    const before = previous === undefined ? 0 : entryBytes(previous);
    return this.byteCount - before + key.length + (value?.length ?? 0);
  }

  set(keyString: string, write: BufferedWrite): void {
    const previous = this.get(keyString);
    if (this.savepoints !== undefined && this.savepoints.length > 0) {
      const record = { keyString, previous };
      if (this.undo === undefined) this.undo = [record];
      else this.undo.push(record);
    }
    this.replace(keyString, previous, write);
  }

  savepoint(): number {
    const mark = this.undo?.length ?? 0;
    if (this.savepoints === undefined) this.savepoints = [mark];
    else this.savepoints.push(mark);
    return this.savepoints.length - 1;
  }

  /** Undoes every write since savepoint `handle`; the savepoint itself stays (SQL semantics). */
  rollbackTo(handle: number): void {
    // The message is built only on failure: a statement savepoint comes and goes per statement.
    const savepoints = this.savepoints;
    if (savepoints === undefined || !(Number.isInteger(handle) && handle >= 0 && handle < savepoints.length)) assert(false, `unknown savepoint ${handle}`);
    const target = savepoints[handle] as number;
    const undo = this.undo;
    while (undo !== undefined && undo.length > target) {
      const record = undo.pop() as UndoRecord;
      this.replace(record.keyString, this.get(record.keyString), record.previous);
    }
    savepoints.length = handle + 1;
  }

  /** Forgets savepoint `handle` and every later one; their writes stay. */
  release(handle: number): void {
    // The message is built only on failure: a statement savepoint comes and goes per statement.
    const savepoints = this.savepoints;
    if (savepoints === undefined || !(Number.isInteger(handle) && handle >= 0 && handle < savepoints.length)) assert(false, `unknown savepoint ${handle}`);
    savepoints.length = handle;
    if (handle === 0 && this.undo !== undefined) this.undo.length = 0;
  }

  /** Keys in memcmp order. The array is shared: read it, do not keep it past the next write. */
  sortedKeys(): readonly string[] {
    if (this.sortedCache === undefined) {
      if (this.entries !== undefined) this.sortedCache = [...this.entries.keys()].sort();
      else this.sortedCache = this.soleKey === undefined ? [] : [this.soleKey];
    }
    return this.sortedCache;
  }

  /** [start, end) indexes into sortedKeys() of the keys inside `range`. */
  indexesIn(range: StringRange): [number, number] {
    const keys = this.sortedKeys();
    return [lowerIndex(keys, range), upperIndex(keys, range)];
  }

  /** The batch to commit: the entries themselves (a BufferedWrite is a KvWrite), first written first. */
  writes(): KvWrite[] {
    if (this.entries === undefined) return this.soleKey === undefined ? [] : [this.sole as BufferedWrite];
    const writes: KvWrite[] = [];
    for (const entry of this.entries.values()) writes.push(entry);
    return writes;
  }

  /** The key strings of writes(), same order; a lone key is the string itself (no array made for the usual one-row commit). */
  keyStrings(): KeyStrings {
    if (this.entries === undefined) return this.soleKey === undefined ? [] : this.soleKey;
    return [...this.entries.keys()];
  }

  /** Whether `tracker` knows a commit of some entry's key after the entry's sinceTs (no closure made). */
  someWrittenSince(tracker: { writtenSince(keyString: string, sinceTs: Ts): boolean }): boolean {
    if (this.entries === undefined) return this.soleKey !== undefined && tracker.writtenSince(this.soleKey, (this.sole as BufferedWrite).sinceTs);
    for (const [keyString, entry] of this.entries) if (tracker.writtenSince(keyString, entry.sinceTs)) return true;
    return false;
  }

  /** Calls `visit` for each entry, first written first, until it returns true; returns whether one did. */
  some(visit: (keyString: string, entry: BufferedWrite) => boolean): boolean {
    if (this.entries === undefined) return this.soleKey !== undefined && visit(this.soleKey, this.sole as BufferedWrite);
    for (const [keyString, entry] of this.entries) if (visit(keyString, entry)) return true;
    return false;
  }

  private replace(keyString: string, previous: BufferedWrite | undefined, next: BufferedWrite | undefined): void {
    if (previous !== undefined) this.byteCount -= entryBytes(previous);
    if (next === undefined) {
      if (this.entries !== undefined) this.entries.delete(keyString);
      else if (this.soleKey === keyString) this.soleKey = this.sole = undefined;
      this.sortedCache = undefined;
      return;
    }
    if (previous === undefined) this.sortedCache = undefined;
    this.byteCount += entryBytes(next);
    if (this.entries !== undefined) this.entries.set(keyString, next);
    else if (this.soleKey === undefined || this.soleKey === keyString) {
      this.soleKey = keyString;
      this.sole = next;
    } else {
      this.entries = new Map([[this.soleKey, this.sole as BufferedWrite], [keyString, next]]);
      this.soleKey = this.sole = undefined;
    }
  }
}

function entryBytes(entry: BufferedWrite): number {
  return entry.key.length + (entry.value?.length ?? 0);
}
