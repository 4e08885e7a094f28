/**
 * The slice of a transaction the catalog and the executor use: synchronous reads of the
 * transaction's snapshot (its own writes included) and buffered writes. mvcc's Transaction
 * satisfies it structurally; declaring it here keeps the catalog independent of mvcc internals.
 */
import type { KvEntry, KvRange } from '../mvcc/versioned-kv.js';

export interface KvTxn {
  get(key: Uint8Array): Uint8Array | undefined;
  scan(range: KvRange): IterableIterator<KvEntry>;
  /** Buffers a write; the key and value are copied (callers may pass views of scratch buffers). */
  put(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
}
