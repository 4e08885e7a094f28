/**
 * Engine options with their documented bounds. Every limit is named (`*Max`) and validated once,
 * here, when the engine opens; an option out of bounds is a ConfigError.
 *
 * Invariants:
 * - resolveOptions() returns a complete, frozen object; no engine code reads raw user options.
 * - valueThreshold may be 0 (every value in the value log), any size, or Infinity (values in the LSM).
 * - sync: 'full' (default) acknowledges a commit after fsync; 'relaxed' acknowledges at once and
 *   fsyncs every relaxedSyncIntervalMs, so a crash may lose the last relaxedSyncIntervalMs of commits.
 */
import { COMMIT_GROUP_BYTES_MAX } from './commit-group.js';
import { ConfigError } from './errors.js';
import { NodeVfs } from './vfs-node.js';
import type { Vfs } from './vfs.js';

const KIB = 1024;
const MIB = 1024 * KIB;

export type SyncMode = 'full' | 'relaxed';

/**
 * Where the engine logs (a pino Logger satisfies it; storage does not import pino): open and
 * recovery, flush / compaction / GC (debug at the start, info at the end), stalls, governor
 * adjustments, disk full. Only warn is required; a missing error level logs at warn, missing
 * debug and info drop their lines.
 */
export interface StorageLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error?(fields: Record<string, unknown>, message: string): void;
  info?(fields: Record<string, unknown>, message: string): void;
  debug?(fields: Record<string, unknown>, message: string): void;
}

/** The logger the engine calls: every level present. */
export type EngineLogger = Required<StorageLogger>;

const SILENT: EngineLogger = { warn: () => {}, error: () => {}, info: () => {}, debug: () => {} };

/** `logger` with every level (methods are called on it, so a pino logger keeps its `this`). */
function engineLogger(logger: StorageLogger | undefined): EngineLogger {
  if (logger === undefined) return SILENT;
  return {
    warn: (fields, message) => logger.warn(fields, message),
    error: (fields, message) => (logger.error === undefined ? logger.warn(fields, message) : logger.error(fields, message)),
    info: (fields, message) => logger.info?.(fields, message),
    debug: (fields, message) => logger.debug?.(fields, message),
  };
}

export interface EngineOptions {
  vfs?: Vfs;
  /** Values of at least this many bytes go to the value log (0 = all, Infinity = none). */
  valueThreshold?: number;
  memtableBytesMax?: number;
  /** Frozen memtables waiting for flush before writers wait (a stall). */
  frozenMemtablesMax?: number;
  blockBytes?: number;
  restartInterval?: number;
  bloomBitsPerKey?: number;
  blockCacheBytes?: number;
  /** Bytes of value-log values kept in memory for point reads (value-cache.ts; 0 = none). */
  valueCacheBytes?: number;
  vlogSegmentBytesMax?: number;
  commitLogSegmentBytesMax?: number;
  keyBytesMax?: number;
  valueBytesMax?: number;
  batchOpsMax?: number;
  /**
   * Bytes of records one group commit appends at most (a single larger commit still goes alone);
   * at most COMMIT_GROUP_BYTES_MAX (1 GiB − 13 B), the payload of one commit-log record.
   */
  groupCommitBytesMax?: number;
  groupCommitDelayMs?: number;
  sync?: SyncMode;
  relaxedSyncIntervalMs?: number;
  /** Build SSTables (flush, compaction, value-log GC) in a worker thread (default) or inline. */
  flushInWorker?: boolean;
  /** L0 table count that triggers a compaction into L1. */
  l0CompactionTrigger?: number;
  /** L0 table count at which each commit group is delayed by 1 ms (a counted slowdown stall). */
  l0SlowdownTrigger?: number;
  /** L0 table count at which commits wait for compaction (a counted stop stall). */
  l0StopTrigger?: number;
  /** Target size of L1; level n holds levelSizeMultiplier^(n-1) times as much. */
  levelBaseBytes?: number;
  levelSizeMultiplier?: number;
  /** Compaction outputs are cut (between user keys) once they reach this size. */
  tableBytesTarget?: number;
  /** A value-log segment whose garbage ratio passes this is rewritten by GC (1 = never). */
  vlogGcThreshold?: number;
  /** Budget of background (compaction, GC) writes in bytes per second; Infinity = unlimited. */
  backgroundBytesPerSecMax?: number;
  /**
   * The foreground read p99 (milliseconds) the governor holds background I/O to: above it the
   * background rate halves, below GOVERNOR_TARGET_FAST_RATIO of it the rate grows (governor.ts).
   * 0 (default): no target, the governor follows its learned idle baseline only.
   */
  governorMsP99Target?: number;
  /** Where stalls and background work are logged (default: silent). */
  logger?: StorageLogger;
}

export type ResolvedOptions = Readonly<Required<Omit<EngineOptions, 'logger'>> & { logger: EngineLogger }>;

/** Levels of the LSM (L0 … L6). */
export const LEVELS_MAX = 7;

interface Bound {
  readonly min: number;
  readonly max: number;
  readonly fallback: number;
  readonly integer: boolean;
}

const BOUNDS: Record<string, Bound> = {
  // 1 KiB: measured on YCSB's ~1.1 KB rows (100,000 of them, 32 MiB block cache), separating them
  // beats keeping them in the tree — the tree of pointers stays cached, a read is one value-log
  // pread, and the value log and commit log are fsynced concurrently (engine.ts).
  valueThreshold: { min: 0, max: Infinity, fallback: 1 * KIB, integer: false },
  memtableBytesMax: { min: 1 * KIB, max: 1024 * MIB, fallback: 32 * MIB, integer: true },
  frozenMemtablesMax: { min: 1, max: 64, fallback: 4, integer: true },
  blockBytes: { min: 64, max: 1 * MIB, fallback: 4 * KIB, integer: true },
  restartInterval: { min: 1, max: 1024, fallback: 16, integer: true },
  bloomBitsPerKey: { min: 0, max: 32, fallback: 10, integer: true },
  blockCacheBytes: { min: 0, max: 64 * 1024 * MIB, fallback: 32 * MIB, integer: true },
  // The value log's counterpart of the block cache: with it, a hot separated value costs no pread
  // (a system call costs several microseconds on virtual machines, more than the rest of a get).
  valueCacheBytes: { min: 0, max: 64 * 1024 * MIB, fallback: 32 * MIB, integer: true },
  vlogSegmentBytesMax: { min: 4 * KIB, max: 4096 * MIB, fallback: 64 * MIB, integer: true },
  commitLogSegmentBytesMax: { min: 4 * KIB, max: 4096 * MIB, fallback: 64 * MIB, integer: true },
  keyBytesMax: { min: 1, max: 1 * MIB, fallback: 64 * KIB, integer: true },
  valueBytesMax: { min: 0, max: 256 * MIB, fallback: 64 * MIB, integer: true },
  batchOpsMax: { min: 1, max: 10_000_000, fallback: 1_000_000, integer: true },
  // At most what one commit-log record holds (commit-group.ts): a group never exceeds it.
  groupCommitBytesMax: { min: 4 * KIB, max: COMMIT_GROUP_BYTES_MAX, fallback: 8 * MIB, integer: true },
  groupCommitDelayMs: { min: 0, max: 1000, fallback: 0, integer: false },
  relaxedSyncIntervalMs: { min: 1, max: 60_000, fallback: 100, integer: false },
  l0CompactionTrigger: { min: 1, max: 1000, fallback: 4, integer: true },
  l0SlowdownTrigger: { min: 1, max: 1000, fallback: 12, integer: true },
  l0StopTrigger: { min: 1, max: 1000, fallback: 20, integer: true },
  levelBaseBytes: { min: 1 * KIB, max: 1024 * 1024 * MIB, fallback: 16 * MIB, integer: true },
  levelSizeMultiplier: { min: 2, max: 100, fallback: 10, integer: true },
  tableBytesTarget: { min: 1 * KIB, max: 1024 * MIB, fallback: 4 * MIB, integer: true },
  vlogGcThreshold: { min: 0.01, max: 1, fallback: 0.5, integer: false },
  backgroundBytesPerSecMax: { min: 64 * KIB, max: Infinity, fallback: Infinity, integer: false },
  governorMsP99Target: { min: 0, max: 60_000, fallback: 0, integer: false },
};

function resolveNumber(name: string, value: unknown): number {
  const bound = BOUNDS[name] as Bound;
  if (value === undefined) return bound.fallback;
  if (typeof value !== 'number' || Number.isNaN(value)) throw new ConfigError(`option ${name} must be a number`);
  if (bound.integer && !Number.isInteger(value)) throw new ConfigError(`option ${name} must be an integer`);
  if (value < bound.min || value > bound.max) {
    throw new ConfigError(`option ${name} = ${value} is outside [${bound.min}, ${bound.max}]`);
  }
  return value;
}

/** Validates `options` against the bounds above and fills in defaults. */
export function resolveOptions(options: EngineOptions = {}): ResolvedOptions {
  const known = new Set([...Object.keys(BOUNDS), 'vfs', 'sync', 'flushInWorker', 'logger']);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new ConfigError(`unknown option ${key}`);
  }
  const numbers: Record<string, number> = {};
  for (const name of Object.keys(BOUNDS)) {
    numbers[name] = resolveNumber(name, (options as Record<string, unknown>)[name]);
  }
  const sync = options.sync ?? 'full';
  if (sync !== 'full' && sync !== 'relaxed') throw new ConfigError(`option sync must be 'full' or 'relaxed'`);
  const { l0CompactionTrigger, l0SlowdownTrigger, l0StopTrigger } = numbers as Record<string, number>;
  if (!((l0CompactionTrigger as number) <= (l0SlowdownTrigger as number) && (l0SlowdownTrigger as number) <= (l0StopTrigger as number))) {
    throw new ConfigError('options must satisfy l0CompactionTrigger <= l0SlowdownTrigger <= l0StopTrigger');
  }
  return Object.freeze({
    ...(numbers as unknown as Omit<ResolvedOptions, 'vfs' | 'sync' | 'flushInWorker' | 'logger'>),
    vfs: options.vfs ?? new NodeVfs(),
    sync,
    flushInWorker: options.flushInWorker ?? true,
    logger: engineLogger(options.logger),
  });
}
