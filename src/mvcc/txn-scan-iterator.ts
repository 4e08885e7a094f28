/**
 * TxnScanIterator: a transaction's scan — the kv snapshot scan merged with the transaction's own
 * buffered writes, forward or reverse, with a limit.
 *
 * Invariants:
 * - Yields each key at most once, in scan order; an own write shadows the snapshot's version of
 *   the same key and an own delete hides it.
 * - The set of own keys merged is the one at scan start (writes made while the scan is open to
 *   new keys are not seen; values of own keys are looked up when reached).
 * - For SERIALIZABLE, `readRange` (already recorded in the read set) is narrowed to the keys
 *   actually returned when the scan stops before the end of its range (at once when its limit
 *   is reached, even if the consumer never calls next() or return() again).
 * - `owner.scanEnded(this)` is called exactly once, when the scan ends for any reason; after the
 *   transaction ends, next() is a programmer error.
 * - Entries returned stay valid after next().
 */
import type { KvEntry, KvIterator, Ts } from './versioned-kv.js';
import type { StringRange } from './key-range.js';
import type { WriteBuffer } from './write-buffer.js';
import { toKeyString } from './key-string.js';
import { compareBytes } from '../util/index.js';

export interface ScanOwner {
  assertActive(): void;
  scanEnded(scan: TxnScanIterator): void;
}

const DONE: IteratorResult<KvEntry> = { done: true, value: undefined };

export class TxnScanIterator implements KvIterator {
  private peeked: KvEntry | undefined = undefined;
  private innerDone = false;
  private ended = false;
  private remaining: number;
  private lastKey: Uint8Array | undefined = undefined;
  private ownIndex: number;

  constructor(
    private readonly owner: ScanOwner,
    /** The snapshot this scan reads (pinned by its owner until the scan ends). */
    readonly readTs: Ts,
    private readonly inner: KvIterator,
    private readonly buffer: WriteBuffer,
    private readonly ownKeys: readonly string[],
    private readonly ownStart: number,
    private readonly ownEnd: number,
    private readonly reverse: boolean,
    limit: number,
    private readonly readRange: StringRange | undefined,
  ) {
    this.remaining = limit;
    this.ownIndex = reverse ? ownEnd - 1 : ownStart;
  }

  next(): IteratorResult<KvEntry> {
    if (this.ended) return DONE;
    this.owner.assertActive();
    if (this.ownStart === this.ownEnd) return this.nextPassThrough();
    while (this.remaining > 0) {
      if (this.peeked === undefined && !this.innerDone) {
        const result = this.inner.next();
        if (result.done === true) this.innerDone = true;
        else this.peeked = result.value;
      }
      const ownKey = this.ownIndex >= this.ownStart && this.ownIndex < this.ownEnd ? this.ownKeys[this.ownIndex] : undefined;
      if (ownKey === undefined && this.peeked === undefined) return this.end(false);
      const own = ownKey === undefined ? undefined : this.buffer.get(ownKey);
      if (ownKey !== undefined && own === undefined) {
        this.advanceOwn(); // rolled back to a savepoint since the scan started
        continue;
      }
      const directed = this.direction(own?.key);
      if (directed < 0) {
        const entry = this.peeked as KvEntry;
        this.peeked = undefined;
        return this.emit(entry);
      }
      if (directed === 0) this.peeked = undefined;
      this.advanceOwn();
      if (own !== undefined && own.value !== undefined) return this.emit({ key: own.key, value: own.value });
    }
    return this.end(true);
  }

  return(): IteratorResult<KvEntry> {
    return this.end(true);
  }

  [Symbol.iterator](): this {
    return this;
  }

  /** Ends the scan without touching the read set (the transaction is over). */
  abandon(): void {
    if (this.ended) return;
    this.ended = true;
    this.inner.return?.();
  }

  /** No own writes in the range: the snapshot's results go through as they are (no allocation). */
  private nextPassThrough(): IteratorResult<KvEntry> {
    if (this.remaining <= 0) return this.end(true);
    const result = this.inner.next();
    if (result.done === true) {
      this.innerDone = true;
      return this.end(false);
    }
    this.remaining--;
    this.lastKey = result.value.key;
    if (this.remaining === 0) this.narrowToLast();
    return result;
  }

  /** < 0: the snapshot entry comes first; > 0: the own write; 0: same key (own shadows). */
  private direction(ownKey: Uint8Array | undefined): number {
    if (ownKey === undefined) return -1;
    if (this.peeked === undefined) return 1;
    const order = compareBytes(this.peeked.key, ownKey);
    return this.reverse ? -order : order;
  }

  private advanceOwn(): void {
    this.ownIndex += this.reverse ? -1 : 1;
  }

  private emit(entry: KvEntry): IteratorResult<KvEntry> {
    this.remaining--;
    this.lastKey = entry.key;
    if (this.remaining === 0) this.narrowToLast();
    return { done: false, value: entry };
  }

  /** The limit is reached: whatever the consumer does next, nothing past lastKey is read. */
  private narrowToLast(): void {
    if (this.readRange !== undefined) narrow(this.readRange, this.lastKey, this.reverse);
  }

  private end(early: boolean): IteratorResult<KvEntry> {
    if (this.ended) return DONE;
    this.ended = true;
    if (!this.innerDone) this.inner.return?.();
    if (early && this.readRange !== undefined) narrow(this.readRange, this.lastKey, this.reverse);
    this.owner.scanEnded(this);
    return DONE;
  }
}

/** Shrinks `range` to the part a scan that stopped after `lastKey` actually read. */
function narrow(range: StringRange, lastKey: Uint8Array | undefined, reverse: boolean): void {
  if (lastKey === undefined) {
    range.low = '';
    range.lowInclusive = false;
    range.high = '';
    range.highInclusive = false;
    return;
  }
  const last = toKeyString(lastKey);
  if (reverse) {
    range.low = last;
    range.lowInclusive = true;
  } else {
    range.high = last;
    range.highInclusive = true;
  }
}
