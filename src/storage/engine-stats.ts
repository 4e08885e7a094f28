/**
 * The engine's statistics (issue 3, Accounting): bytes the user wrote vs bytes written to disk per
 * component → write amplification; live vs on-disk bytes → space amplification; per-level table
 * counts and sizes; compaction, GC, stall and governor counters; the disk-full state.
 *
 * Invariants:
 * - Byte counters only grow over an engine's lifetime (they restart at zero on open).
 * - userBytesWritten counts keys and values as validated by commit (the bytes a user asked to
 *   store); diskBytesWritten is the sum of the per-component counters, the zeros written ahead of
 *   the commit log and the value log (log-preallocator.ts) included: they are bytes written too.
 * - liveBytesEstimate = table bytes + value-log bytes the tables point at: an upper bound of live
 *   data until compactions drop shadowed versions (exact after compact()).
 */
import type { BlockCache } from './block-cache.js';
import type { CommitLog } from './commit-log.js';
import type { Compactor } from './compactor.js';
import type { DiskFullState } from './disk-full-state.js';
import type { Flusher } from './flusher.js';
import type { Governor } from './governor.js';
import type { Manifest } from './manifest.js';
import type { ValueLog } from './value-log.js';
import type { TableHandle } from './version.js';

export interface LevelStats {
  readonly tables: number;
  readonly bytes: number;
}

export interface EngineStats {
  readonly lastTs: number;
  readonly visibleTs: number;
  readonly safePointTs: number;
  readonly memtableBytes: number;
  readonly memtableEntries: number;
  readonly frozenMemtables: number;
  readonly tables: number;
  readonly tableBytes: number;
  readonly levels: readonly LevelStats[];
  readonly vlogSegments: number;
  readonly vlogBytes: number;
  readonly commits: number;
  readonly groups: number;
  readonly flushes: number;
  // Write accounting.
  readonly userBytesWritten: number;
  readonly commitLogBytesWritten: number;
  readonly vlogBytesWritten: number;
  readonly flushBytesWritten: number;
  readonly compactionBytesWritten: number;
  readonly gcVlogBytesWritten: number;
  readonly gcTableBytesWritten: number;
  /** Zeros written ahead of the commit log and of the value log (preallocation; in diskBytesWritten). */
  readonly commitLogZeroBytesWritten: number;
  readonly vlogZeroBytesWritten: number;
  /** Preallocation fills that found no space (the log then appended past its end). */
  readonly preallocSpaceFailures: number;
  /** All table bytes written: flush + compaction + GC rewrites. */
  readonly tableBytesWritten: number;
  readonly manifestBytesWritten: number;
  readonly diskBytesWritten: number;
  readonly writeAmplification: number;
  // Space accounting.
  readonly onDiskBytes: number;
  readonly liveBytesEstimate: number;
  readonly spaceAmplification: number;
  // Background work.
  readonly compactions: number;
  readonly trivialMoves: number;
  readonly compactionBytesRead: number;
  readonly compactionMs: number;
  readonly compactionEntriesDropped: number;
  readonly discardBytes: number;
  readonly gcRuns: number;
  readonly gcBytesReclaimed: number;
  readonly gcMs: number;
  // Stalls: memtable stalls (frozen memtables full) and L0 stalls.
  readonly writeStalls: number;
  readonly writeStallMs: number;
  readonly l0StopStalls: number;
  readonly l0StopStallMs: number;
  readonly l0SlowdownStalls: number;
  readonly l0SlowdownStallMs: number;
  readonly stallMsMax: number;
  // Governor.
  readonly backgroundRateBytesPerSec: number;
  readonly foregroundUsP99: number;
  readonly foregroundIdleUsP99: number;
  readonly governorThrottleMs: number;
  /** The governor's target foreground p99 in microseconds (0: none, the idle baseline rules). */
  readonly governorTargetUsP99: number;
  /** Changes of the background rate since open (each one is logged). */
  readonly governorAdjustments: number;
  /** Governor windows whose foreground p99 passed the target while background work ran. */
  readonly governorSloViolations: number;
  /** The commit watch (governor.ts): the last commit window's append-to-durable p99 (µs; 0 until one closed). */
  readonly commitUsP99Last: number;
  /** Its baseline: the commit p99 learned while no background job ran (µs; 0 until learned). */
  readonly commitBaselineUsP99: number;
  /** Adjustments the commit watch made (also counted in governorAdjustments). */
  readonly governorCommitAdjustments: number;
  // Disk full (disk-full-state.ts).
  /** 1 while writes fail for lack of space, else 0. */
  readonly diskFull: number;
  /** Times the engine entered the disk-full state since open. */
  readonly diskFullEpisodes: number;
  /** Commit groups and background jobs that failed for lack of space since open. */
  readonly diskFullErrors: number;
  readonly blockCacheHits: number;
  readonly blockCacheMisses: number;
  /** Value cache (value-cache.ts): hits, misses and bytes held. */
  readonly valueCacheHits: number;
  readonly valueCacheMisses: number;
  readonly valueCacheBytes: number;
  /** Foreground reads from disk: data blocks after a block-cache miss, and value-log records. */
  readonly tableBytesRead: number;
  readonly vlogBytesRead: number;
}

export interface StatsSources {
  readonly lastTs: number;
  readonly visibleTs: number;
  readonly safePointTs: number;
  readonly memtableBytes: number;
  readonly memtableEntries: number;
  readonly commits: number;
  readonly groups: number;
  readonly userBytes: number;
  readonly flusher: Flusher;
  readonly compactor: Compactor;
  readonly governor: Governor;
  readonly vlog: ValueLog;
  readonly commitLog: CommitLog;
  readonly manifest: Manifest;
  readonly cache: BlockCache;
  readonly diskFull: DiskFullState;
}

function levelStats(levels: readonly (readonly TableHandle[])[]): { levels: LevelStats[]; tableBytes: number; vlogRefBytes: number } {
  const out: LevelStats[] = [];
  let tableBytes = 0;
  let vlogRefBytes = 0;
  for (const level of levels) {
    let bytes = 0;
    for (const table of level) {
      bytes += table.meta.sizeBytes;
      for (const [, ref] of table.meta.vlogRefs ?? []) vlogRefBytes += ref;
    }
    out.push({ tables: level.length, bytes });
    tableBytes += bytes;
  }
  return { levels: out, tableBytes, vlogRefBytes };
}

export function buildStats(s: StatsSources): EngineStats {
  const { flusher, compactor, governor, vlog } = s;
  const { levels, tableBytes, vlogRefBytes } = levelStats(flusher.version.levels);
  const c = compactor.compaction;
  const g = compactor.gc;
  const tableBytesWritten = flusher.tableBytesWritten + c.compactionBytesWritten + g.gcTableBytesWritten;
  const zeroBytes = s.commitLog.preallocStats.zeroBytes + vlog.preallocStats.zeroBytes;
  const diskBytesWritten = s.commitLog.bytesWritten + vlog.bytesWritten + zeroBytes + g.gcBytesRewritten + tableBytesWritten + s.manifest.bytesWritten;
  const vlogBytes = vlog.totalBytes;
  const onDiskBytes = tableBytes + vlogBytes + s.manifest.sizeBytes + s.commitLog.activeBytes;
  const liveBytesEstimate = tableBytes + vlogRefBytes + s.memtableBytes;
  return {
    lastTs: s.lastTs,
    visibleTs: s.visibleTs,
    safePointTs: s.safePointTs,
    memtableBytes: s.memtableBytes,
    memtableEntries: s.memtableEntries,
    frozenMemtables: flusher.frozen.length,
    tables: flusher.version.tableCount,
    tableBytes,
    levels,
    vlogSegments: vlog.segments().length,
    vlogBytes,
    commits: s.commits,
    groups: s.groups,
    flushes: flusher.flushes,
    userBytesWritten: s.userBytes,
    commitLogBytesWritten: s.commitLog.bytesWritten,
    vlogBytesWritten: vlog.bytesWritten,
    flushBytesWritten: flusher.tableBytesWritten,
    compactionBytesWritten: c.compactionBytesWritten,
    gcVlogBytesWritten: g.gcBytesRewritten,
    gcTableBytesWritten: g.gcTableBytesWritten,
    commitLogZeroBytesWritten: s.commitLog.preallocStats.zeroBytes,
    vlogZeroBytesWritten: vlog.preallocStats.zeroBytes,
    preallocSpaceFailures: s.commitLog.preallocStats.spaceFailures + vlog.preallocStats.spaceFailures,
    tableBytesWritten,
    manifestBytesWritten: s.manifest.bytesWritten,
    diskBytesWritten,
    writeAmplification: s.userBytes === 0 ? 0 : diskBytesWritten / s.userBytes,
    onDiskBytes,
    liveBytesEstimate,
    spaceAmplification: liveBytesEstimate === 0 ? 0 : onDiskBytes / liveBytesEstimate,
    compactions: c.compactions,
    trivialMoves: c.trivialMoves,
    compactionBytesRead: c.compactionBytesRead,
    compactionMs: c.compactionMs,
    compactionEntriesDropped: c.compactionEntriesDropped,
    discardBytes: c.discardBytes,
    gcRuns: g.gcRuns,
    gcBytesReclaimed: g.gcBytesReclaimed,
    gcMs: g.gcMs,
    writeStalls: flusher.stalls,
    writeStallMs: flusher.stallMs,
    l0StopStalls: compactor.stopStalls,
    l0StopStallMs: compactor.stopStallMs,
    l0SlowdownStalls: compactor.slowdownStalls,
    l0SlowdownStallMs: compactor.slowdownStallMs,
    stallMsMax: compactor.stallMsMax,
    backgroundRateBytesPerSec: governor.rateBytesPerSec,
    foregroundUsP99: governor.lastUsP99,
    foregroundIdleUsP99: governor.baselineUsP99,
    governorThrottleMs: governor.throttleMs,
    governorTargetUsP99: governor.targetUsP99,
    governorAdjustments: governor.adjustments,
    governorSloViolations: governor.sloViolations,
    commitUsP99Last: governor.lastCommitUsP99,
    commitBaselineUsP99: governor.commitBaselineUsP99,
    governorCommitAdjustments: governor.commitAdjustments,
    diskFull: s.diskFull.active ? 1 : 0,
    diskFullEpisodes: s.diskFull.episodes,
    diskFullErrors: s.diskFull.errors,
    blockCacheHits: s.cache.hits,
    blockCacheMisses: s.cache.misses,
    valueCacheHits: s.vlog.cache.hits,
    valueCacheMisses: s.vlog.cache.misses,
    valueCacheBytes: s.vlog.cache.usedBytes,
    tableBytesRead: s.cache.bytesRead,
    vlogBytesRead: s.vlog.bytesRead,
  };
}
