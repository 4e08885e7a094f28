/**
 * stratadb's embedded API: the package entry point (`dist/index.js`), in three levels:
 * - the storage engine, an ordered key-value store: `const db = await open(dir)`;
 * - transactions over any versioned KV store: `new TxnKv(await Engine.open(dir))`;
 * - SQL without a server: `const sql = await Database.open(await Engine.open(dir))`, then
 *   `await sql.query('SELECT …', params)`;
 * and the server itself: `startServer({ dataDir, port })`.
 */
export {
  open,
  Db,
  Engine,
  NodeVfs,
  MemoryVfs,
  FaultVfs,
  StorageError,
  CorruptionError,
  StorageIOError,
  EngineClosedError,
  EngineFailedError,
  ConfigError,
  LimitError,
  LockError,
  type BatchOp,
  type ScanOptions,
  type Snapshot,
  type DbStats,
  type EngineStats,
  type EngineOptions,
  type SyncMode,
  type ScanRange,
  type ScanEntry,
  type Vfs,
} from './storage/index.js';
export {
  TxnKv,
  MemoryVersionedKv,
  type Ts,
  type KvWrite,
  type KvEntry,
  type KvRange,
  type KvIterator,
  type VersionedKv,
  type IsolationLevel,
  type Transaction,
  type TransactionState,
  type TxnKvOptions,
  type TxnKvStats,
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
} from './mvcc/index.js';
export { Database, type DatabaseOptions, type QueryResult } from './sql/index.js';
export { SqlError, SQLSTATE } from './util/index.js';
export { startServer, type ServerOptions, type RunningServer } from './server.js';
