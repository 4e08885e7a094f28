/**
 * What the SQL layer asks of the process around it for observability and administration:
 * the server's live sessions and per-database counters (pg_stat_activity, pg_stat_database,
 * pg_cancel_backend, pg_terminate_backend), and the storage engine's maintenance operations
 * (CHECKPOINT, VACUUM, CALL stratadb_compact()).
 *
 * - ServerAdmin is registered on the Database by the server (src/server.ts); without one (the
 *   embedded API) the only backend is the embedded session itself and signals find no one.
 * - StorageMaintenance is satisfied structurally by the storage engine (Engine.flush, compact,
 *   collectGarbage); a store without it (MemoryVersionedKv) has nothing to flush or collect.
 * - SessionSystem is what one statement sees (ExecContext.system): the SystemTableContext the
 *   system tables read, plus the session's own pid and the signal functions.
 */
import type { BackendActivity, DatabaseActivity, SystemTableContext } from '../../catalog/system/index.js';

/** The server's view of its sessions. */
export interface ServerAdmin {
  /** Every live client session, by pid. */
  backends(): readonly BackendActivity[];
  /** Activity counters per database name since the server started. */
  databaseActivity(): ReadonlyMap<string, DatabaseActivity>;
  /** Cancels the statement backend `pid` runs; false when there is no such backend. */
  cancelBackend(pid: number): boolean;
  /** Ends backend `pid` with FATAL 57P01; false when there is no such backend. */
  terminateBackend(pid: number): boolean;
}

/** Storage maintenance, as the storage engine offers it. */
export interface StorageMaintenance {
  /** Writes every memtable to an SSTable (CHECKPOINT). */
  flush(): Promise<void>;
  /** Flushes, then runs value-log GC until no segment passes the garbage threshold (VACUUM). */
  collectGarbage(): Promise<void>;
  /** Flushes, compacts every table into one level, then runs value-log GC (VACUUM FULL, stratadb_compact). */
  compact(): Promise<void>;
  /** Counters since the store opened: block cache misses and hits, flushes, compactions, GC. */
  stats(): MaintenanceStats;
}

export interface MaintenanceStats {
  readonly blockCacheMisses: number;
  readonly blockCacheHits: number;
  readonly flushes: number;
  readonly compactions: number;
  readonly gcRuns: number;
  readonly gcBytesReclaimed: number;
}

/** The storage maintenance `kv` offers, when it offers all of it. */
export function storageMaintenanceOf(kv: object): StorageMaintenance | undefined {
  const k = kv as Partial<Record<keyof StorageMaintenance, unknown>>;
  const complete = typeof k.flush === 'function' && typeof k.collectGarbage === 'function' && typeof k.compact === 'function' && typeof k.stats === 'function';
  return complete ? (kv as StorageMaintenance) : undefined;
}

/** What a statement sees of its session and server (ExecContext.system). */
export interface SessionSystem extends SystemTableContext {
  /** This session's backend pid (pg_backend_pid()). */
  readonly backendPid: number;
  /** The current transaction's id, assigned at the first call (txid_current()). */
  transactionId(): bigint;
  /** The current transaction's id if one was assigned, else undefined (txid_current_if_assigned()). */
  assignedTransactionId(): bigint | undefined;
  /** See ServerAdmin. */
  cancelBackend(pid: number): boolean;
  terminateBackend(pid: number): boolean;
  /** Sends the client a WARNING after the statement (as NoticeResponse). */
  warn(message: string): void;
  /** pg_notify(channel, payload): NOTIFY in the statement's transaction. */
  notify(channel: string | null, payload: string | null): void;
}
