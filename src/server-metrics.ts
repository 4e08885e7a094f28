/**
 * ServerMetrics: the server's metrics (one MetricsRegistry) and its statement observer, wired to
 * the engine, the transaction layer and the wire server by the composition root.
 *
 * - Engine, transaction and connection values are read once per scrape (registry collectors);
 *   per-statement work is one histogram record and one counter increment, on series looked up
 *   once per statement kind.
 * - Statements slower than slowStatementMs are logged at warn with their text (cut at
 *   SQL_LOG_CHARS_MAX); failed statements are logged with their SQLSTATE: server-side classes
 *   (53 resources, 58 system, XX internal) at error, the rest (the client's mistakes) at debug.
 * - Aborts = ROLLBACK statements + serialization / deadlock failures (40001, 40P01); conflicts =
 *   the transaction layer's write-write and read-write conflict failures.
 * - Engine latencies come from Engine.observe: a sample of point reads (1 in 16, timed by the
 *   engine for its governor anyway) and every compaction's duration.
 */
import type { Engine, EngineStats } from './storage/index.js';
import type { TxnKv } from './mvcc/index.js';
import type { StatementEvent } from './wire/metered-database.js';
import type { Logger } from './util/logger.js';
import { type Counter, MetricsRegistry } from './util/metrics-registry.js';
import type { LatencyHistogram } from './util/metrics-histogram.js';
import { metricsTable } from './util/metrics-table.js';

export const SLOW_STATEMENT_MS_DEFAULT = 1000;
const SQL_LOG_CHARS_MAX = 2000;
const US_PER_MS = 1000;
/** Command tags whose statement kind is remembered (the per-statement lookup is then one Map get). */
const TAG_KINDS_CACHED_MAX = 256;

interface StatementKind {
  readonly name: string;
  readonly counter: Counter;
}

export interface ServerMetricsSources {
  readonly engine: Engine;
  readonly txnKv: TxnKv;
  /** Live client connections (including those still in startup). */
  readonly connections: () => number;
  /** The wire server's idle-polling counters (wire/idle-poller.ts); undefined when polling is off. */
  readonly idlePolls?: () => IdlePollCounts | undefined;
}

/** What the idle poller counted: requests caught while polling, polls that caught none, choices. */
export interface IdlePollCounts {
  readonly caughtPolls: number;
  readonly missedPolls: number;
  readonly pollingChosen: number;
  readonly sleepingChosen: number;
}

type NumericStat = { [K in keyof EngineStats]: EngineStats[K] extends number ? K : never }[keyof EngineStats];

/** Engine counters: [metric, help, stats field, labels]. */
const ENGINE_COUNTERS: ReadonlyArray<readonly [string, string, NumericStat, Record<string, string>?]> = [
  ['stratadb_engine_user_bytes_written_total', 'Key and value bytes committed by users.', 'userBytesWritten'],
  ['stratadb_engine_bytes_written_total', 'Bytes written to disk, per component.', 'commitLogBytesWritten', { component: 'commit_log' }],
  ['stratadb_engine_bytes_written_total', 'Bytes written to disk, per component.', 'vlogBytesWritten', { component: 'vlog' }],
  ['stratadb_engine_bytes_written_total', 'Bytes written to disk, per component.', 'flushBytesWritten', { component: 'flush' }],
  ['stratadb_engine_bytes_written_total', 'Bytes written to disk, per component.', 'compactionBytesWritten', { component: 'compaction' }],
  ['stratadb_engine_bytes_written_total', 'Bytes written to disk, per component.', 'gcVlogBytesWritten', { component: 'gc_vlog' }],
  ['stratadb_engine_bytes_written_total', 'Bytes written to disk, per component.', 'gcTableBytesWritten', { component: 'gc_table' }],
  ['stratadb_engine_bytes_written_total', 'Bytes written to disk, per component.', 'manifestBytesWritten', { component: 'manifest' }],
  ['stratadb_engine_compaction_bytes_read_total', 'Bytes read by compactions.', 'compactionBytesRead'],
  ['stratadb_engine_bytes_read_total', 'Bytes read from disk, per component.', 'tableBytesRead', { component: 'table' }],
  ['stratadb_engine_bytes_read_total', 'Bytes read from disk, per component.', 'vlogBytesRead', { component: 'vlog' }],
  ['stratadb_engine_bytes_read_total', 'Bytes read from disk, per component.', 'compactionBytesRead', { component: 'compaction' }],
  ['stratadb_engine_commits_total', 'Commits applied by the storage engine.', 'commits'],
  ['stratadb_engine_commit_groups_total', 'Group commits (one fsync per file each).', 'groups'],
  ['stratadb_engine_flushes_total', 'Memtable flushes.', 'flushes'],
  ['stratadb_engine_compactions_total', 'Compactions run.', 'compactions'],
  ['stratadb_engine_gc_runs_total', 'Value-log GC runs.', 'gcRuns'],
  ['stratadb_engine_gc_bytes_reclaimed_total', 'Bytes reclaimed by value-log GC.', 'gcBytesReclaimed'],
  ['stratadb_engine_write_stalls_total', 'Write stalls, per cause.', 'writeStalls', { cause: 'memtable' }],
  ['stratadb_engine_write_stalls_total', 'Write stalls, per cause.', 'l0StopStalls', { cause: 'l0_stop' }],
  ['stratadb_engine_write_stalls_total', 'Write stalls, per cause.', 'l0SlowdownStalls', { cause: 'l0_slowdown' }],
  ['stratadb_engine_block_cache_hits_total', 'Block cache hits.', 'blockCacheHits'],
  ['stratadb_engine_block_cache_misses_total', 'Block cache misses.', 'blockCacheMisses'],
  ['stratadb_engine_value_cache_hits_total', 'Value cache hits (a value-log read served from memory).', 'valueCacheHits'],
  ['stratadb_engine_value_cache_misses_total', 'Value cache misses (a value-log read from the file).', 'valueCacheMisses'],
  ['stratadb_engine_governor_adjustments_total', 'Rate changes made by the compaction governor.', 'governorAdjustments'],
  ['stratadb_engine_governor_slo_violations_total', 'Governor windows whose foreground p99 exceeded the target.', 'governorSloViolations'],
  ['stratadb_engine_governor_commit_adjustments_total', 'Rate changes the governor made for the commit latency.', 'governorCommitAdjustments'],
  ['stratadb_engine_disk_full_episodes_total', 'Times the disk filled up (writes failing with 53100 until space returns).', 'diskFullEpisodes'],
  ['stratadb_engine_disk_full_errors_total', 'Commits and background jobs that failed for lack of space.', 'diskFullErrors'],
];

/** Engine gauges: [metric, help, stats field]. */
const ENGINE_GAUGES: ReadonlyArray<readonly [string, string, NumericStat]> = [
  ['stratadb_engine_memtable_bytes', 'Bytes in the mutable and frozen memtables.', 'memtableBytes'],
  ['stratadb_engine_frozen_memtables', 'Memtables waiting for flush.', 'frozenMemtables'],
  ['stratadb_engine_tables', 'SSTables in the current version.', 'tables'],
  ['stratadb_engine_table_bytes', 'Bytes of SSTables in the current version.', 'tableBytes'],
  ['stratadb_engine_vlog_segments', 'Value-log segments.', 'vlogSegments'],
  ['stratadb_engine_vlog_bytes', 'Bytes of value-log segments.', 'vlogBytes'],
  ['stratadb_engine_value_cache_bytes', 'Bytes of values held by the value cache.', 'valueCacheBytes'],
  ['stratadb_engine_on_disk_bytes', 'Bytes of all engine files.', 'onDiskBytes'],
  ['stratadb_engine_live_bytes_estimate', 'Estimate of live data bytes.', 'liveBytesEstimate'],
  ['stratadb_engine_write_amplification', 'Disk bytes written / user bytes written since open.', 'writeAmplification'],
  ['stratadb_engine_space_amplification', 'On-disk bytes / live bytes estimate.', 'spaceAmplification'],
  ['stratadb_engine_background_rate_bytes_per_second', 'Governor budget for background writes.', 'backgroundRateBytesPerSec'],
  ['stratadb_engine_governor_foreground_p99_us', 'Foreground p99 latency the compaction governor sees, in microseconds.', 'foregroundUsP99'],
  ['stratadb_engine_governor_target_p99_us', 'Target foreground p99 of the governor, in microseconds (0: none).', 'governorTargetUsP99'],
  ['stratadb_engine_governor_commit_p99_us', 'Commit groups\' append-to-durable p99 in the governor\'s last commit window, in microseconds.', 'commitUsP99Last'],
  ['stratadb_engine_governor_commit_baseline_p99_us', 'The commit p99 the governor learned while no background job ran, in microseconds.', 'commitBaselineUsP99'],
  ['stratadb_engine_disk_full', '1 while the disk is full (writes fail with 53100), else 0.', 'diskFull'],
];

/** SHOW WAF rows: [component, stats field of its bytes written]. */
const WAF_COMPONENTS: ReadonlyArray<readonly [string, NumericStat]> = [
  ['commit_log', 'commitLogBytesWritten'],
  ['vlog', 'vlogBytesWritten'],
  ['flush', 'flushBytesWritten'],
  ['compaction', 'compactionBytesWritten'],
  ['gc_vlog', 'gcVlogBytesWritten'],
  ['gc_table', 'gcTableBytesWritten'],
  ['manifest', 'manifestBytesWritten'],
  ['commit_log_zero_fill', 'commitLogZeroBytesWritten'],
  ['vlog_zero_fill', 'vlogZeroBytesWritten'],
];

export class ServerMetrics {
  readonly registry = new MetricsRegistry();
  private readonly statementLatency: LatencyHistogram;
  private readonly commitLatency: LatencyHistogram;
  private readonly aborts: Counter;
  private readonly byKind = new Map<string, Counter>();
  private readonly kindByTag = new Map<string, StatementKind>();
  private readonly errorsByState = new Map<string, Counter>();
  private readonly slowStatements: Counter;

  constructor(
    private readonly sources: ServerMetricsSources,
    private readonly logger: Logger | undefined,
    private readonly slowStatementMs = SLOW_STATEMENT_MS_DEFAULT,
  ) {
    const r = this.registry;
    this.statementLatency = r.histogram('stratadb_statement_duration_seconds', 'Statement latency inside the SQL layer.');
    this.commitLatency = r.histogram('stratadb_commit_duration_seconds', 'Latency of COMMIT statements (includes the fsync).');
    this.aborts = r.counter('stratadb_aborts_total', 'Transactions aborted: ROLLBACK statements and 40001/40P01 failures.');
    this.slowStatements = r.counter('stratadb_slow_statements_total', `Statements slower than the slow-statement threshold.`);
    r.gauge('stratadb_slow_statement_threshold_seconds', 'The slow-statement threshold.').set(slowStatementMs / 1000);
    this.registerSources(sources);
    const gets = r.histogram('stratadb_engine_get_duration_seconds', 'Storage engine point reads (a sample of 1 in 16).');
    const compactions = r.histogram('stratadb_engine_compaction_duration_seconds', 'Duration of each compaction (trivial moves excluded).');
    sources.engine.observe({ getSampleUs: (us) => gets.record(us), compactionMs: (ms) => compactions.record(ms * US_PER_MS) });
  }

  /** SHOW METRICS: every series as (metric, labels, value). */
  readonly showMetricsRows = (): Array<Array<string | null>> => metricsTable(this.registry);

  /**
   * SHOW WAF: bytes written per component since the engine opened and each one's share of the
   * write amplification (component bytes / user bytes); the 'total' row is the host WAF.
   */
  readonly showWafRows = (): Array<Array<string | null>> => {
    const stats = this.sources.engine.stats();
    const user = stats.userBytesWritten;
    const row = (component: string, bytes: number): Array<string | null> => [component, String(bytes), user === 0 ? null : (bytes / user).toFixed(3)];
    return [
      row('user', user),
      ...WAF_COMPONENTS.map(([component, field]) => row(component, stats[field])),
      row('total', stats.diskBytesWritten),
    ];
  };

  private registerSources(sources: ServerMetricsSources): void {
    const r = this.registry;
    const counters = ENGINE_COUNTERS.map(([name, help, field, labels]) => [r.counter(name, help, labels), field] as const);
    const gauges = ENGINE_GAUGES.map(([name, help, field]) => [r.gauge(name, help), field] as const);
    const commits = r.counter('stratadb_commits_total', 'Transactions committed.');
    const conflicts = r.counter('stratadb_conflicts_total', 'Transactions failed by a write-write or read-write conflict (40001).');
    const retries = r.counter('stratadb_txn_retries_total', 'Transactions retried by the embedded transaction() helper.');
    const active = r.gauge('stratadb_active_transactions', 'Live transactions and snapshots.');
    const safePointLag = r.gauge('stratadb_safe_point_lag_ts', 'Timestamps between the last commit and the safe point.');
    const connections = r.gauge('stratadb_connections', 'Live client connections.');
    const vlogLive = r.gauge('stratadb_engine_vlog_live_bytes', 'Value-log bytes SSTables point at.');
    const vlogGarbage = r.gauge('stratadb_engine_vlog_garbage_bytes', 'Value-log bytes no SSTable points at: garbage, plus values of unflushed memtables.');
    const pollsCaught = r.counter('stratadb_idle_polls_caught_total', 'Requests that arrived while the event loop polled for them (--idle-poll-us).');
    const pollsMissed = r.counter('stratadb_idle_polls_missed_total', 'Idle polls that ended with no request.');
    const pollChoices = ['polling', 'sleeping'].map((mode) =>
      r.counter('stratadb_idle_poll_choices_total', 'Measurements of clients\' turnaround that chose polling or sleeping between statements.', { mode }),
    );
    r.onCollect(() => {
      const stats = sources.engine.stats();
      for (const [counter, field] of counters) counter.setTotal(stats[field]);
      for (const [gauge, field] of gauges) gauge.set(stats[field]);
      // liveBytesEstimate = table bytes + value-log bytes tables point at + memtable bytes.
      const live = Math.max(0, stats.liveBytesEstimate - stats.tableBytes - stats.memtableBytes);
      vlogLive.set(live);
      vlogGarbage.set(Math.max(0, stats.vlogBytes - live));
      stats.levels.forEach((level, i) => {
        r.gauge('stratadb_engine_level_bytes', 'SSTable bytes per level.', { level: String(i) }).set(level.bytes);
        r.gauge('stratadb_engine_level_tables', 'SSTables per level.', { level: String(i) }).set(level.tables);
      });
      const txn = sources.txnKv.stats();
      commits.setTotal(txn.commits);
      conflicts.setTotal(txn.serializationFailures);
      retries.setTotal(txn.retries);
      active.set(txn.liveSnapshots);
      safePointLag.set(Math.max(0, stats.lastTs - Number(txn.safePoint)));
      connections.set(sources.connections());
      const polls = sources.idlePolls?.();
      pollsCaught.setTotal(polls?.caughtPolls ?? 0);
      pollsMissed.setTotal(polls?.missedPolls ?? 0);
      pollChoices[0]?.setTotal(polls?.pollingChosen ?? 0);
      pollChoices[1]?.setTotal(polls?.sleepingChosen ?? 0);
    });
  }

  /** The statement observer for MeteredDatabase. */
  readonly observe = (event: StatementEvent): void => {
    this.statementLatency.record(event.durationUs);
    if (event.sqlstate === undefined) this.succeeded(event);
    else this.failed(event, event.sqlstate);
    if (event.durationUs >= this.slowStatementMs * US_PER_MS) {
      this.slowStatements.inc();
      this.logger?.warn(
        { durationMs: Math.round(event.durationUs) / US_PER_MS, tag: event.tag, sqlstate: event.sqlstate, sql: event.sql.slice(0, SQL_LOG_CHARS_MAX) },
        'slow statement',
      );
    }
  };

  private succeeded(event: StatementEvent): void {
    const tag = event.tag ?? '';
    let kind = this.kindByTag.get(tag);
    if (kind === undefined) {
      kind = this.kindOf(tag);
      // Tags carry row counts ("SELECT 37"): remember the common ones only, so the map stays small.
      if (this.kindByTag.size < TAG_KINDS_CACHED_MAX) this.kindByTag.set(tag, kind);
    }
    kind.counter.inc();
    if (kind.name === 'commit') this.commitLatency.record(event.durationUs);
    else if (kind.name === 'rollback') this.aborts.inc();
  }

  /** The statement kind of a command tag: its first word, lower case, and that kind's counter. */
  private kindOf(tag: string): StatementKind {
    const space = tag.indexOf(' ');
    const name = (space < 0 ? tag : tag.slice(0, space)).toLowerCase() || 'other';
    let counter = this.byKind.get(name);
    if (counter === undefined) {
      counter = this.registry.counter('stratadb_statements_total', 'Statements completed, by kind (first word of the command tag).', { kind: name });
      this.byKind.set(name, counter);
    }
    return { name, counter };
  }

  private failed(event: StatementEvent, sqlstate: string): void {
    let counter = this.errorsByState.get(sqlstate);
    if (counter === undefined) {
      counter = this.registry.counter('stratadb_statement_errors_total', 'Statements failed, by SQLSTATE.', { sqlstate });
      this.errorsByState.set(sqlstate, counter);
    }
    counter.inc();
    if (sqlstate === '40001' || sqlstate === '40P01') this.aborts.inc();
    const serverSide = sqlstate.startsWith('53') || sqlstate.startsWith('58') || sqlstate.startsWith('XX');
    const fields = { sqlstate, message: (event.error as Error | undefined)?.message, sql: event.sql.slice(0, SQL_LOG_CHARS_MAX) };
    if (serverSide) this.logger?.error({ ...fields, err: event.error }, 'statement failed');
    else this.logger?.debug(fields, 'statement failed');
  }
}
