/**
 * The public surface of the storage layer: the embedded API (open, Db), the Engine that the mvcc
 * layer runs on (it satisfies src/mvcc/versioned-kv.ts), the VFS implementations and the typed
 * errors. Other layers import only this file.
 */
export { open, Db, type BatchOp, type ScanOptions, type Snapshot, type DbStats } from './db.js';
export { Engine, type EngineStats } from './engine.js';
export type { EngineOptions, SyncMode } from './options.js';
export type { ScanRange, ScanEntry } from './scan-iterator.js';
export type { Write } from './commit-batch.js';
export type { Vfs, VfsFile, VfsLock, WritePacer } from './vfs.js';
export { NodeVfs } from './vfs-node.js';
export { MemoryVfs } from './vfs-memory.js';
export { FaultVfs, type FaultRule, type FaultKind } from './vfs-fault.js';
export {
  StorageError,
  CorruptionError,
  StorageIOError,
  EngineClosedError,
  EngineFailedError,
  ConfigError,
  LimitError,
  LockError,
} from './errors.js';
