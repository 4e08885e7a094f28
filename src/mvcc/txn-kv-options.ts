/**
 * Options of TxnKv: every limit named, defaulted and validated here, once.
 * - Each `*Max` is a positive safe integer (retriesMax and the backoff may be 0).
 * - ttlSweepIntervalMs = 0 disables the background sweeper (lazy expiry still hides keys).
 */
import type { IsolationLevel } from './transaction.js';
import { SqlError, SQLSTATE } from '../util/index.js';

export interface TxnKvOptions {
  /** Bytes of keys plus values one transaction may buffer (default 64 MiB). */
  readonly writeSetBytesMax?: number;
  /** Keys one transaction may write (default 1,000,000: the engine's default batchOpsMax). */
  readonly writeSetKeysMax?: number;
  /** Retries of transaction() after a serialization failure (default 16). */
  readonly retriesMax?: number;
  /** Upper bound of the random backoff between retries, ms (default 8; 0 = retry at once). */
  readonly retryBackoffMsMax?: number;
  /** The whole store is read-only: every write fails with ReadOnlyTransactionError. */
  readonly readOnly?: boolean;
  /** Isolation of begin() without one (default 'read committed', as PostgreSQL). */
  readonly isolation?: IsolationLevel;
  /** Keys remembered for conflict checks (default 1,048,576); past it old snapshots abort. */
  readonly conflictKeysMax?: number;
  /** Point reads a SERIALIZABLE transaction tracks one by one (default 65,536) before coarsening. */
  readonly readSetKeysMax?: number;
  /** Scanned ranges it tracks one by one (default 4,096) before coarsening. */
  readonly readSetRangesMax?: number;
  /** Default and maximum `limit` of the convenience scan (default 100,000). */
  readonly scanEntriesMax?: number;
  /** Period of the TTL sweeper, ms (default 1,000; 0 disables it). */
  readonly ttlSweepIntervalMs?: number;
  /** Keys one sweep deletes at most (default 1,000). */
  readonly ttlSweepKeysMax?: number;
  /** Clock for TTLs, ms since epoch (default Date.now; tests inject one). */
  readonly now?: () => number;
  /** Deliberately broken conflict checks — only to prove the anomaly checker catches them. */
  readonly faults?: ConflictFaults;
}

export interface ConflictFaults {
  readonly skipWriteWriteCheck?: boolean;
  readonly skipReadWriteCheck?: boolean;
}

export interface ResolvedTxnKvOptions {
  readonly writeSetBytesMax: number;
  readonly writeSetKeysMax: number;
  readonly retriesMax: number;
  readonly retryBackoffMsMax: number;
  readonly readOnly: boolean;
  readonly isolation: IsolationLevel;
  readonly conflictKeysMax: number;
  readonly readSetKeysMax: number;
  readonly readSetRangesMax: number;
  readonly scanEntriesMax: number;
  readonly ttlSweepIntervalMs: number;
  readonly ttlSweepKeysMax: number;
  readonly now: () => number;
  readonly faults: ConflictFaults;
}

export class TxnKvOptionsError extends SqlError {
  constructor(readonly option: string, value: unknown) {
    super(SQLSTATE.invalidParameterValue, `invalid value for ${option}: ${String(value)}`);
  }
}

export const ISOLATION_LEVELS: readonly IsolationLevel[] = ['read committed', 'repeatable read', 'serializable'];

export function resolveTxnKvOptions(options: TxnKvOptions): ResolvedTxnKvOptions {
  const isolation = options.isolation ?? 'read committed';
  if (!ISOLATION_LEVELS.includes(isolation)) throw new TxnKvOptionsError('isolation', isolation);
  return {
    writeSetBytesMax: count('writeSetBytesMax', options.writeSetBytesMax, 64 * 1024 * 1024, 1),
    writeSetKeysMax: count('writeSetKeysMax', options.writeSetKeysMax, 1_000_000, 1),
    retriesMax: count('retriesMax', options.retriesMax, 16, 0),
    retryBackoffMsMax: count('retryBackoffMsMax', options.retryBackoffMsMax, 8, 0),
    readOnly: options.readOnly === true,
    isolation,
    conflictKeysMax: count('conflictKeysMax', options.conflictKeysMax, 1 << 20, 1),
    readSetKeysMax: count('readSetKeysMax', options.readSetKeysMax, 1 << 16, 1),
    readSetRangesMax: count('readSetRangesMax', options.readSetRangesMax, 1 << 12, 1),
    scanEntriesMax: count('scanEntriesMax', options.scanEntriesMax, 100_000, 1),
    ttlSweepIntervalMs: count('ttlSweepIntervalMs', options.ttlSweepIntervalMs, 1000, 0),
    ttlSweepKeysMax: count('ttlSweepKeysMax', options.ttlSweepKeysMax, 1000, 1),
    now: options.now ?? Date.now,
    faults: options.faults ?? {},
  };
}

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) throw new TxnKvOptionsError(name, value);
  return value;
}
