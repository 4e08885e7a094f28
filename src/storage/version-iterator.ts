/**
 * Turns a sorted stream of internal keys (usually a MergingIterator) into the snapshot a reader at
 * `readTs` sees: per user key, only the newest version with ts <= readTs, and no key whose newest
 * visible version is a tombstone. Forward and reverse, with optional user-key bounds.
 *
 * Invariants:
 * - Only user keys inside the bounds are yielded; seeks are clamped to the bounds.
 * - Forward: when valid, the inner iterator is positioned at the yielded version, so value() is
 *   the inner view (no copy). Reverse: the inner iterator has moved past the yielded key (to the
 *   previous user key), so the yielded value is copied into a scratch buffer (as LevelDB's DBIter).
 * - userKey() and value() are views valid until the next move; kind() is KIND_VALUE or KIND_POINTER.
 * - A run of versions longer than SKIP_STEPS_MAX is skipped with one seek instead of many next()s.
 */
import { assert } from '../util/assert.js';
import { ScratchViews } from './block-scratch.js';
import type { InternalIterator } from './internal-iterator.js';
import { compareRanges, KIND_TOMBSTONE, readTrailerTs, TRAILER_BYTES, TS_MAX, writeTrailer } from './internal-key.js';

const SKIP_STEPS_MAX = 8;
const FORWARD = 1;
const REVERSE = -1;

export interface VersionIteratorBounds {
  readonly lower?: Uint8Array;
  /** Default true. */
  readonly lowerInclusive?: boolean;
  readonly upper?: Uint8Array;
  /** Default false. */
  readonly upperInclusive?: boolean;
}

export class VersionIterator {
  private readonly lower: Uint8Array | undefined;
  private readonly lowerInclusive: boolean;
  private readonly upper: Uint8Array | undefined;
  private readonly upperInclusive: boolean;
  private isValid = false;
  private direction = FORWARD;
  private readonly keyScratch = new ScratchViews(64);
  private keyBuf: Uint8Array = this.keyScratch.reserve(64);
  private keyLength = 0;
  private currentKind = 0;
  private currentTs = 0;
  private readonly valueScratch = new ScratchViews(256);
  private valueLength = 0;
  private seekBuf: Uint8Array = new Uint8Array(64);

  /** The snapshot ts (a readTs above TS_MAX is clamped to it). */
  readonly readTs: number;

  constructor(
    private readonly inner: InternalIterator,
    readTs: number,
    bounds: VersionIteratorBounds = {},
  ) {
    if (!(readTs >= 0 && (Number.isInteger(readTs) || readTs === Infinity))) assert(false, `readTs out of range: ${readTs}`);
    this.readTs = readTs > TS_MAX ? TS_MAX : readTs;
    this.lower = bounds.lower;
    this.lowerInclusive = bounds.lowerInclusive ?? true;
    this.upper = bounds.upper;
    this.upperInclusive = bounds.upperInclusive ?? false;
  }

  valid(): boolean {
    return this.isValid;
  }

  seekToFirst(): void {
    if (this.lower !== undefined) this.seekInner(this.lower);
    else this.inner.seekToFirst();
    this.findNextForward();
  }

  seekToLast(): void {
    if (this.upper !== undefined) this.seekInnerForPrev(this.upper);
    else this.inner.seekToLast();
    this.findPrevReverse();
  }

  /** Positions at the first visible user key >= userKey (within bounds). */
  seek(userKey: Uint8Array): void {
    const lower = this.lower;
    const target = lower !== undefined && compareRanges(userKey, 0, userKey.length, lower, 0, lower.length) < 0 ? lower : userKey;
    this.seekInner(target);
    this.findNextForward();
  }

  /** Positions at the last visible user key <= userKey (within bounds). */
  seekForPrev(userKey: Uint8Array): void {
    const upper = this.upper;
    const target = upper !== undefined && compareRanges(userKey, 0, userKey.length, upper, 0, upper.length) > 0 ? upper : userKey;
    this.seekInnerForPrev(target);
    this.findPrevReverse();
  }

  next(): void {
    assert(this.isValid, 'next() on an invalid iterator');
    if (this.direction === FORWARD) {
      this.skipRestOfKey();
    } else {
      this.seekSuccessor();
    }
    this.findNextForward();
  }

  prev(): void {
    assert(this.isValid, 'prev() on an invalid iterator');
    if (this.direction === FORWARD) this.skipBackPastKey();
    this.findPrevReverse();
  }

  /** The current user key: a view valid until the next move. */
  userKey(): Uint8Array {
    assert(this.isValid, 'userKey() on an invalid iterator');
    return this.keyScratch.view(this.keyLength);
  }

  /** KIND_VALUE or KIND_POINTER. */
  kind(): number {
    assert(this.isValid, 'kind() on an invalid iterator');
    return this.currentKind;
  }

  /** Commit ts of the yielded version. */
  ts(): number {
    assert(this.isValid, 'ts() on an invalid iterator');
    return this.currentTs;
  }

  /** The raw stored value (inline value or encoded pointer): a view valid until the next move. */
  value(): Uint8Array {
    assert(this.isValid, 'value() on an invalid iterator');
    return this.direction === FORWARD ? this.inner.value() : this.valueScratch.view(this.valueLength);
  }

  close(): void {
    this.isValid = false;
    this.inner.close();
  }

  /** Forward scan from the inner position to the next yieldable version. */
  private findNextForward(): void {
    this.direction = FORWARD;
    const inner = this.inner;
    let skipped = 0;
    while (inner.valid()) {
      const k = inner.key();
      const userEnd = k.length - TRAILER_BYTES;
      if (this.aboveUpper(k, userEnd)) break;
      if (readTrailerTs(k, userEnd) > this.readTs) {
        if (++skipped <= SKIP_STEPS_MAX) {
          inner.next();
        } else {
          skipped = 0;
          inner.seek(this.buildSeek(k, 0, userEnd, false, this.readTs));
        }
        continue;
      }
      this.saveKey(k, userEnd);
      if (this.belowLower(k, userEnd) || k[userEnd + 7] === KIND_TOMBSTONE) {
        this.skipRestOfKey();
        skipped = 0;
        continue;
      }
      this.currentKind = k[userEnd + 7] as number;
      this.currentTs = readTrailerTs(k, userEnd);
      this.isValid = true;
      return;
    }
    this.isValid = false;
  }

  /**
   * Reverse scan: visits each user key's versions oldest first and keeps the newest with
   * ts <= readTs; stops at the first key whose kept version is not a tombstone.
   */
  private findPrevReverse(): void {
    this.direction = REVERSE;
    const inner = this.inner;
    while (inner.valid()) {
      let k = inner.key();
      let userEnd = k.length - TRAILER_BYTES;
      if (this.belowLower(k, userEnd)) break;
      this.saveKey(k, userEnd);
      if (this.aboveUpper(k, userEnd)) {
        this.skipBackPastKey();
        continue;
      }
      let found = false;
      for (;;) {
        const ts = readTrailerTs(k, userEnd);
        if (ts > this.readTs) {
          this.skipBackPastKey();
          break;
        }
        found = true;
        this.currentKind = k[userEnd + 7] as number;
        this.currentTs = ts;
        if (this.currentKind !== KIND_TOMBSTONE) this.saveValue(inner.value());
        inner.prev();
        if (!inner.valid()) break;
        k = inner.key();
        userEnd = k.length - TRAILER_BYTES;
        if (compareRanges(k, 0, userEnd, this.keyBuf, 0, this.keyLength) !== 0) break;
      }
      if (found && this.currentKind !== KIND_TOMBSTONE) {
        this.isValid = true;
        return;
      }
    }
    this.isValid = false;
  }

  /** Moves inner past every remaining version of the saved key (forward). */
  private skipRestOfKey(): void {
    const inner = this.inner;
    for (let i = 0; i < SKIP_STEPS_MAX; i++) {
      inner.next();
      if (!inner.valid()) return;
      const k = inner.key();
      if (compareRanges(k, 0, k.length - TRAILER_BYTES, this.keyBuf, 0, this.keyLength) !== 0) return;
    }
    this.seekSuccessor();
  }

  /** Moves inner to the last entry before every version of the saved key (backward). */
  private skipBackPastKey(): void {
    const inner = this.inner;
    for (let i = 0; i < SKIP_STEPS_MAX; i++) {
      inner.prev();
      if (!inner.valid()) return;
      const k = inner.key();
      if (compareRanges(k, 0, k.length - TRAILER_BYTES, this.keyBuf, 0, this.keyLength) !== 0) return;
    }
    // The smallest internal key of the saved key is (key, TS_MAX, 0); step over it if present.
    inner.seekForPrev(this.buildSeek(this.keyBuf, 0, this.keyLength, false, TS_MAX));
    while (inner.valid()) {
      const k = inner.key();
      if (compareRanges(k, 0, k.length - TRAILER_BYTES, this.keyBuf, 0, this.keyLength) !== 0) return;
      inner.prev();
    }
  }

  /** Seeks inner to the first entry of the smallest user key greater than the saved key. */
  private seekSuccessor(): void {
    this.inner.seek(this.buildSeek(this.keyBuf, 0, this.keyLength, true, TS_MAX));
  }

  private seekInner(userKey: Uint8Array): void {
    this.inner.seek(this.buildSeek(userKey, 0, userKey.length, false, this.readTs));
  }

  /** Positions inner at the last entry whose user key <= userKey. */
  private seekInnerForPrev(userKey: Uint8Array): void {
    const n = userKey.length + TRAILER_BYTES;
    this.ensureSeek(n);
    this.seekBuf.set(userKey, 0);
    this.seekBuf.fill(0xff, userKey.length, n);
    this.inner.seekForPrev(this.seekBuf.subarray(0, n));
  }

  /** Builds source[start..end) (‖ 0x00 if successor) ‖ trailer(ts, 0) in seekBuf. */
  private buildSeek(source: Uint8Array, start: number, end: number, successor: boolean, ts: number): Uint8Array {
    const userLength = end - start + (successor ? 1 : 0);
    this.ensureSeek(userLength + TRAILER_BYTES);
    const buf = this.seekBuf;
    assert(source !== buf, 'seek source aliases the seek buffer');
    buf.set(source.subarray(start, end), 0);
    if (successor) buf[userLength - 1] = 0;
    writeTrailer(buf, userLength, ts, KIND_TOMBSTONE);
    return buf.subarray(0, userLength + TRAILER_BYTES);
  }

  private ensureSeek(bytes: number): void {
    if (bytes > this.seekBuf.length) this.seekBuf = new Uint8Array(Math.max(bytes, this.seekBuf.length * 2));
  }

  private saveKey(k: Uint8Array, userEnd: number): void {
    if (userEnd > this.keyBuf.length) this.keyBuf = this.keyScratch.reserve(userEnd);
    const buf = this.keyBuf;
    if (userEnd <= 32) {
      for (let i = 0; i < userEnd; i++) buf[i] = k[i] as number;
    } else {
      buf.set(k.subarray(0, userEnd), 0);
    }
    this.keyLength = userEnd;
  }

  private saveValue(value: Uint8Array): void {
    this.valueScratch.reserve(value.length).set(value, 0);
    this.valueLength = value.length;
  }

  private belowLower(k: Uint8Array, userEnd: number): boolean {
    const lower = this.lower;
    if (lower === undefined) return false;
    const c = compareRanges(k, 0, userEnd, lower, 0, lower.length);
    return c < 0 || (c === 0 && !this.lowerInclusive);
  }

  private aboveUpper(k: Uint8Array, userEnd: number): boolean {
    const upper = this.upper;
    if (upper === undefined) return false;
    const c = compareRanges(k, 0, userEnd, upper, 0, upper.length);
    return c > 0 || (c === 0 && !this.upperInclusive);
  }
}
