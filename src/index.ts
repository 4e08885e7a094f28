/**
 * stratadb's embedded API: the package entry point (`dist/index.js`). The storage engine can be
 * used on its own, as an ordered key-value store: `const db = await open(dir)`.
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
