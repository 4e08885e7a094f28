/**
 * Internal keys: the keys the LSM sorts by. Format in docs/format.md, section "Internal key".
 *
 *   internal key = userKey ‖ trailer (8 bytes)
 *   trailer      = (TS_MAX − ts) as 7-byte big-endian ‖ kind (1 byte)
 *
 * Invariants:
 * - Order is user key bytewise ascending, then ts DESCENDING (newest version first), then kind
 *   ascending. Because the inverted ts is big-endian, the trailer compares bytewise.
 * - ts is an integer in 1..TS_MAX (TS_MAX = 2^53 − 1); 7 bytes hold 2^56, so it always fits.
 * - seekKeyFor(userKey, readTs) is the smallest internal key of `userKey` whose version is visible
 *   at readTs: seeking to it lands on the newest version with ts <= readTs.
 * - Comparisons never allocate: short ranges compare in a JS loop (measured ~4× faster than a
 *   native Buffer.compare call for 16–24 byte keys), long ones through Buffer#compare with ranges.
 */
import { assert } from '../util/assert.js';

export const KIND_TOMBSTONE = 0;
export const KIND_VALUE = 1;
export const KIND_POINTER = 2;
/** Largest valid kind byte. */
export const KIND_MAX = 2;

export const TS_MAX = Number.MAX_SAFE_INTEGER;

/** One version of a user key as returned by point lookups (memtable, table). */
export interface KeyVersion {
  readonly kind: number;
  /** The stored value (inline value, encoded pointer, or empty for a tombstone). */
  readonly value: Uint8Array;
  readonly ts: number;
}

/**
 * A KeyVersion written into a caller's reusable object (the point-read path: no object and no
 * view per read). The stored value is bytes[start, end): borrowed, with the lifetime of the source
 * that filled it (see read-path.ts findVersion).
 */
export class FoundVersion {
  kind = 0;
  ts = 0;
  bytes: Uint8Array = EMPTY_BYTES;
  start = 0;
  end = 0;

  set(kind: number, ts: number, bytes: Uint8Array, start: number, end: number): void {
    this.kind = kind;
    this.ts = ts;
    this.bytes = bytes;
    this.start = start;
    this.end = end;
  }

  /** As a KeyVersion (a new object and view: for callers off the hot path). */
  toKeyVersion(): KeyVersion {
    return { kind: this.kind, value: this.bytes.subarray(this.start, this.end), ts: this.ts };
  }
}

const EMPTY_BYTES = new Uint8Array(0);
export const TRAILER_BYTES = 8;

const TWO_POW_32 = 0x1_0000_0000;
/** Ranges at most this long are compared in JS; longer ones natively. */
const JS_COMPARE_BYTES_MAX = 64;
const bufferCompare = Buffer.prototype.compare;

/** Writes the 8-byte trailer of (ts, kind) at `offset` of `target`. */
export function writeTrailer(target: Uint8Array, offset: number, ts: number, kind: number): void {
  const inv = TS_MAX - ts;
  const hi = Math.floor(inv / TWO_POW_32);
  const lo = inv >>> 0;
  target[offset] = hi >>> 16;
  target[offset + 1] = (hi >>> 8) & 0xff;
  target[offset + 2] = hi & 0xff;
  target[offset + 3] = lo >>> 24;
  target[offset + 4] = (lo >>> 16) & 0xff;
  target[offset + 5] = (lo >>> 8) & 0xff;
  target[offset + 6] = lo & 0xff;
  target[offset + 7] = kind;
}

/** userKey ‖ trailer(ts, kind), freshly allocated. */
export function encodeInternalKey(userKey: Uint8Array, ts: number, kind: number): Uint8Array {
  if (!(Number.isInteger(ts) && ts >= 0 && ts <= TS_MAX)) assert(false, `ts out of range: ${ts}`);
  if (!(kind >= 0 && kind <= 0xff)) assert(false, `kind out of range: ${kind}`);
  const out = Buffer.allocUnsafe(userKey.length + TRAILER_BYTES);
  out.set(userKey, 0);
  writeTrailer(out, userKey.length, ts, kind);
  return out;
}

/** The user key of an internal key: a view, no copy. */
export function internalUserKey(ikey: Uint8Array): Uint8Array {
  return ikey.subarray(0, ikey.length - TRAILER_BYTES);
}

/** Reads the ts of the trailer that starts at `offset`. */
export function readTrailerTs(data: Uint8Array, offset: number): number {
  const hi = ((data[offset] as number) << 16) | ((data[offset + 1] as number) << 8) | (data[offset + 2] as number);
  const lo =
    (((data[offset + 3] as number) << 24) |
      ((data[offset + 4] as number) << 16) |
      ((data[offset + 5] as number) << 8) |
      (data[offset + 6] as number)) >>>
    0;
  return TS_MAX - (hi * TWO_POW_32 + lo);
}

export function internalTs(ikey: Uint8Array): number {
  return readTrailerTs(ikey, ikey.length - TRAILER_BYTES);
}

export function internalKind(ikey: Uint8Array): number {
  return ikey[ikey.length - 1] as number;
}

/** Bytewise comparison of a[aStart..aEnd) with b[bStart..bEnd); sign only is meaningful. */
export function compareRanges(
  a: Uint8Array,
  aStart: number,
  aEnd: number,
  b: Uint8Array,
  bStart: number,
  bEnd: number,
): number {
  const aLen = aEnd - aStart;
  const bLen = bEnd - bStart;
  const n = aLen < bLen ? aLen : bLen;
  if (n > JS_COMPARE_BYTES_MAX) return bufferCompare.call(a, b, bStart, bEnd, aStart, aEnd);
  for (let i = 0; i < n; i++) {
    const d = (a[aStart + i] as number) - (b[bStart + i] as number);
    if (d !== 0) return d;
  }
  return aLen - bLen;
}

/**
 * The first 4 bytes of the user key data[start..end) as a big-endian uint32, zero padded. Order
 * preserving: userKeyHead(a) < userKeyHead(b) implies a < b, so sorted arrays of heads let searches
 * skip most byte comparisons (equal heads say nothing).
 */
export function userKeyHead(data: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n >= 4) {
    return (((data[start] as number) << 24) | ((data[start + 1] as number) << 16) | ((data[start + 2] as number) << 8) | (data[start + 3] as number)) >>> 0;
  }
  let head = 0;
  for (let i = 0; i < 4; i++) head = head * 256 + (i < n ? (data[start + i] as number) : 0);
  return head;
}

/** Compares two user keys (plain byte strings). */
export function compareUserKeys(a: Uint8Array, b: Uint8Array): number {
  return compareRanges(a, 0, a.length, b, 0, b.length);
}

/**
 * Compares the internal key stored at data[start..end) with the internal key `b`.
 * Both must be at least TRAILER_BYTES long.
 */
export function compareInternalKeyAt(data: Uint8Array, start: number, end: number, b: Uint8Array): number {
  const aUserEnd = end - TRAILER_BYTES;
  const bUserEnd = b.length - TRAILER_BYTES;
  const c = compareRanges(data, start, aUserEnd, b, 0, bUserEnd);
  if (c !== 0) return c;
  for (let i = 0; i < TRAILER_BYTES; i++) {
    const d = (data[aUserEnd + i] as number) - (b[bUserEnd + i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/** Internal key order: user key ascending, then ts descending, then kind ascending. */
export function compareInternalKeys(a: Uint8Array, b: Uint8Array): number {
  return compareInternalKeyAt(a, 0, a.length, b);
}

/** Compares the user key part of internal key `ikey` with the plain user key `userKey`. */
export function compareUserKeyOf(ikey: Uint8Array, userKey: Uint8Array): number {
  return compareRanges(ikey, 0, ikey.length - TRAILER_BYTES, userKey, 0, userKey.length);
}

/** The smallest internal key whose version is visible at readTs (readTs above TS_MAX means TS_MAX). */
export function seekKeyFor(userKey: Uint8Array, readTs: number): Uint8Array {
  return encodeInternalKey(userKey, readTs > TS_MAX ? TS_MAX : readTs, KIND_TOMBSTONE);
}

/** The largest possible internal key of `userKey` (greater than every real version of it). */
export function lastInternalKeyFor(userKey: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(userKey.length + TRAILER_BYTES);
  out.set(userKey, 0);
  out.fill(0xff, userKey.length);
  return out;
}
