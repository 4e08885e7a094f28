/**
 * Log lines of the engine's lifecycle that gather fields from several parts (the others are logged
 * where they happen: flusher.ts, compaction-job.ts, vlog-gc.ts, disk-full-state.ts, governor).
 *
 * Invariants:
 * - Fields are numbers and short strings only (JSON lines stay small); durations end in `Ms`,
 *   sizes in `Bytes`.
 */
import type { Recovered } from './engine-recovery.js';
import type { GovernorAdjustment } from './governor.js';
import type { EngineLogger } from './options.js';

/** `storage engine recovered`: what open found and replayed, and how long it took. */
export function logOpen(logger: EngineLogger, recovered: Recovered, durationMs: number): void {
  const state = recovered.manifest.state;
  logger.info(
    {
      durationMs: Math.round(durationMs * 10) / 10,
      lastTs: recovered.lastTs,
      replayedLogSegments: recovered.logSegments.length,
      replayedEntries: recovered.memtable.count,
      replayedBytes: recovered.memtable.approximateBytes,
      tables: state.tables.size,
      vlogSegments: recovered.vlogSegments.length + recovered.gcVlogSegments.length,
      logCheckpoint: state.logCheckpoint,
    },
    'storage engine recovered',
  );
}

/**
 * `governor: background rate lowered` at warn when the foreground p99 passed the target (an SLO
 * violation), otherwise `governor: background rate adjusted` at info.
 */
export function logGovernorAdjustment(logger: EngineLogger, change: GovernorAdjustment): void {
  const fields = { ...change, foregroundUsP99: Math.round(change.foregroundUsP99), baselineUsP99: Math.round(change.baselineUsP99) };
  if (change.targetUsP99 > 0 && change.foregroundUsP99 > change.targetUsP99) {
    logger.warn(fields, 'governor: foreground p99 over target, background rate lowered');
  } else logger.info(fields, 'governor: background rate adjusted');
}
