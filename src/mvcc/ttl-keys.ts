/**
 * Key layout of per-key TTLs, kept beside the data under a reserved prefix:
 *
 *   meta:  TTL_KEY_PREFIX ‖ 0x00 ‖ userKey                  → expiry (8 bytes, big-endian ms since epoch)
 *   index: TTL_KEY_PREFIX ‖ 0x01 ‖ expiry (8 bytes BE) ‖ userKey → empty
 *
 * - A user key has a TTL iff its meta key exists; then exactly one index key names it, with the
 *   same expiry (both are written in the same transaction as the value).
 * - Index keys sort by expiry, so the sweeper reads the expired prefix of the index in order.
 * - User keys must not start with TTL_KEY_PREFIX; the conveniences' scans skip that prefix.
 */
import { compareBytes } from '../util/index.js';

/** 0xFF 0xFF 0xFF 't' 't' 'l': reserved; no other layer writes keys starting with it. */
export const TTL_KEY_PREFIX: Uint8Array = Uint8Array.of(0xff, 0xff, 0xff, 0x74, 0x74, 0x6c);
const META_TAG = 0x00;
const INDEX_TAG = 0x01;
const EXPIRY_BYTES = 8;

export function isReservedKey(key: Uint8Array): boolean {
  if (key.length < TTL_KEY_PREFIX.length) return false;
  return compareBytes(key.subarray(0, TTL_KEY_PREFIX.length), TTL_KEY_PREFIX) === 0;
}

export function ttlMetaKey(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(TTL_KEY_PREFIX.length + 1 + key.length);
  out.set(TTL_KEY_PREFIX, 0);
  out[TTL_KEY_PREFIX.length] = META_TAG;
  out.set(key, TTL_KEY_PREFIX.length + 1);
  return out;
}

export function ttlIndexKey(expiryMs: number, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(TTL_KEY_PREFIX.length + 1 + EXPIRY_BYTES + key.length);
  out.set(TTL_KEY_PREFIX, 0);
  out[TTL_KEY_PREFIX.length] = INDEX_TAG;
  out.set(encodeExpiry(expiryMs), TTL_KEY_PREFIX.length + 1);
  out.set(key, TTL_KEY_PREFIX.length + 1 + EXPIRY_BYTES);
  return out;
}

/** The index range of every entry with expiry < `beforeMs`. */
export function ttlIndexRangeBefore(beforeMs: number): { gte: Uint8Array; lt: Uint8Array } {
  const gte = new Uint8Array(TTL_KEY_PREFIX.length + 1);
  gte.set(TTL_KEY_PREFIX, 0);
  gte[TTL_KEY_PREFIX.length] = INDEX_TAG;
  const lt = new Uint8Array(TTL_KEY_PREFIX.length + 1 + EXPIRY_BYTES);
  lt.set(gte, 0);
  lt.set(encodeExpiry(beforeMs), gte.length);
  return { gte, lt };
}

/** The range of every meta key (to learn whether any TTL exists). */
export function ttlMetaRange(): { gte: Uint8Array; lt: Uint8Array } {
  const gte = new Uint8Array(TTL_KEY_PREFIX.length + 1);
  gte.set(TTL_KEY_PREFIX, 0);
  gte[TTL_KEY_PREFIX.length] = META_TAG;
  const lt = Uint8Array.from(gte);
  lt[TTL_KEY_PREFIX.length] = META_TAG + 1;
  return { gte, lt };
}

/** Splits an index key into expiry and user key. */
export function decodeTtlIndexKey(indexKey: Uint8Array): { expiryMs: number; key: Uint8Array } {
  const at = TTL_KEY_PREFIX.length + 1;
  return { expiryMs: decodeExpiry(indexKey.subarray(at, at + EXPIRY_BYTES)), key: indexKey.subarray(at + EXPIRY_BYTES) };
}

export function encodeExpiry(expiryMs: number): Uint8Array {
  const out = new Uint8Array(EXPIRY_BYTES);
  new DataView(out.buffer).setBigUint64(0, BigInt(Math.max(0, Math.floor(expiryMs))));
  return out;
}

/** Decodes a meta value; a malformed one (never written by us) reads as "no expiry". */
export function decodeExpiry(bytes: Uint8Array): number {
  if (bytes.length !== EXPIRY_BYTES) return Infinity;
  return Number(new DataView(bytes.buffer, bytes.byteOffset, EXPIRY_BYTES).getBigUint64(0));
}
