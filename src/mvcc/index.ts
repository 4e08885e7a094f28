/**
 * The public surface of src/mvcc: transactions (read committed, repeatable read / snapshot
 * isolation, serializable) over any VersionedKv, the seam itself, an in-memory VersionedKv, and
 * the typed errors. Other layers import only this file.
 */
export type { Ts, KvWrite, KvEntry, KvRange, KvIterator, VersionedKv } from './versioned-kv.js';
export type { IsolationLevel, Transaction, TransactionState } from './transaction.js';
export { TxnKv } from './txn-kv.js';
export type { CommitWatch } from './commit-watch.js';
export type { BeginOptions, TransactionOptions, PutOptions, ScanOptions, TxnKvStats } from './txn-kv.js';
export { TxnKvOptionsError } from './txn-kv-options.js';
export type { TxnKvOptions } from './txn-kv-options.js';
export { MemoryVersionedKv } from './memory-versioned-kv.js';
export type { MemoryVersionedKvOptions } from './memory-versioned-kv.js';
export {
  SerializationFailure,
  WriteSetTooLargeError,
  ReadOnlyTransactionError,
  NotAnIntegerError,
  IntegerOverflowError,
  ReservedKeyError,
  TxnKvClosedError,
  DeadlockDetected,
  isSerializationFailure,
  isRetryable,
} from './errors.js';
export type { ConflictKind } from './errors.js';
export { TTL_KEY_PREFIX } from './ttl-keys.js';
