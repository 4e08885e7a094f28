/**
 * Reads and writes of the MiniKV conveniences inside a transaction, aware of per-key TTLs
 * (layout in ttl-keys.ts).
 * - Lazy expiry: a key whose expiry is <= now reads as absent, whatever the sweeper has done.
 * - A write sets, keeps or clears the key's TTL in the same transaction as the value, keeping
 *   meta and index keys in step (one index key per meta key, same expiry).
 * - `ttlInUse === false` promises no meta key exists, so reads skip the meta lookup.
 */
import type { Transaction } from './transaction.js';
import type { KvEntry, KvRange } from './versioned-kv.js';
import { decodeExpiry, decodeTtlIndexKey, encodeExpiry, isReservedKey, ttlIndexKey, ttlIndexRangeBefore, ttlMetaKey } from './ttl-keys.js';

/** What a write does to the TTL: an absolute expiry, none (clear it), or keep the current one. */
export type ExpiryChange = number | undefined | 'keep';

export function readLive(txn: Transaction, key: Uint8Array, nowMs: number, ttlInUse: boolean): Uint8Array | undefined {
  const value = txn.get(key);
  if (value === undefined || !ttlInUse) return value;
  const meta = txn.get(ttlMetaKey(key));
  return meta !== undefined && decodeExpiry(meta) <= nowMs ? undefined : value;
}

/** The key's expiry in ms since epoch, or undefined when it has none. */
export function readExpiry(txn: Transaction, key: Uint8Array, ttlInUse: boolean): number | undefined {
  if (!ttlInUse) return undefined;
  const meta = txn.get(ttlMetaKey(key));
  return meta === undefined ? undefined : decodeExpiry(meta);
}

/** Puts (or with `value === undefined` deletes) the key and applies `expiry` to its TTL. */
export function writeLive(
  txn: Transaction,
  key: Uint8Array,
  value: Uint8Array | undefined,
  expiry: ExpiryChange,
  ttlInUse: boolean,
): void {
  if (value === undefined) txn.delete(key);
  else txn.put(key, value);
  if (expiry === 'keep' && value !== undefined) return;
  const target = value === undefined || expiry === 'keep' ? undefined : expiry;
  const current = readExpiry(txn, key, ttlInUse);
  if (current === target) return;
  if (current !== undefined) {
    txn.delete(ttlMetaKey(key));
    txn.delete(ttlIndexKey(current, key));
  }
  if (target !== undefined) {
    txn.put(ttlMetaKey(key), encodeExpiry(target));
    txn.put(ttlIndexKey(target, key), new Uint8Array(0));
  }
}

/** Live entries of `range` (reserved keys skipped), at most `limit`. */
export function scanLive(txn: Transaction, range: KvRange, limit: number, nowMs: number, ttlInUse: boolean): KvEntry[] {
  const out: KvEntry[] = [];
  if (limit <= 0) return out;
  const inner: KvRange = { ...range, limit: undefined };
  for (const entry of txn.scan(inner)) {
    if (isReservedKey(entry.key)) continue;
    if (ttlInUse) {
      const meta = txn.get(ttlMetaKey(entry.key));
      if (meta !== undefined && decodeExpiry(meta) <= nowMs) continue;
    }
    out.push(entry);
    if (out.length >= limit) break;
  }
  return out;
}

/** Deletes up to `keysMax` keys whose expiry is <= nowMs; returns how many user keys it deleted. */
export function sweepExpiredIn(txn: Transaction, nowMs: number, keysMax: number): number {
  let deleted = 0;
  const range = ttlIndexRangeBefore(nowMs + 1);
  for (const entry of txn.scan({ ...range, limit: keysMax })) {
    const { expiryMs, key } = decodeTtlIndexKey(entry.key);
    const meta = txn.get(ttlMetaKey(key));
    txn.delete(entry.key);
    if (meta === undefined || decodeExpiry(meta) !== expiryMs) continue; // stale index entry
    txn.delete(ttlMetaKey(key));
    txn.delete(key);
    deleted++;
  }
  return deleted;
}
