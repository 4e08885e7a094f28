/**
 * The storage engine: an ordered, versioned, KV-separated LSM (DESIGN.md, Storage engine). It
 * satisfies the mvcc seam (src/mvcc/versioned-kv.ts) structurally: lastTs, visibleTs, get, scan,
 * commit, setSafePoint.
 *
 * Invariants:
 * - One event loop owns the state; reads are synchronous; commits go through group commit, each
 *   group processed by CommitGroupProcessor (commit-group-processor.ts: durability, visibleTs,
 *   memtable freezes, and a group that finds no space failing alone).
 * - A commit resolves only after its value-log records and its commit record are fsynced, and
 *   after it is applied to the memtable with visibleTs advanced to it.
 * - A write or file creation that finds no space (ENOSPC, EDQUOT: errors.ts isSpaceError) fails
 *   only its commit group; writes resume when space returns, without a restart. Flush, compaction
 *   and GC that find no space delete their partial outputs and retry with backoff; reads are
 *   served throughout (disk-full-state.ts).
 * - Any other failed write, and every failed fsync (whatever its errno), is sticky: every later
 *   write is refused (EngineFailedError) until a restart. After a failed fsync the page cache can
 *   no longer be trusted to match the disk (the "fsyncgate" lesson: Linux may drop the dirty pages
 *   and report the error once), so retrying the fsync could acknowledge data that is not durable.
 */
import { assert } from '../util/assert.js';
import { BlockCache } from './block-cache.js';
import { ValueCache } from './value-cache.js';
import { GroupCommit } from './group-commit.js';
import { dedupeWrites, validateWrites, WRITE_OVERHEAD_BYTES, type Write } from './commit-batch.js';
import { CommitGroupProcessor, type PendingCommit } from './commit-group-processor.js';
import { CommitLog } from './commit-log.js';
import { recover } from './engine-recovery.js';
import { DiskFullState } from './disk-full-state.js';
import { logGovernorAdjustment, logOpen } from './engine-events.js';
import { EngineClosedError, EngineFailedError } from './errors.js';
import { Flusher, type FrozenMemtable } from './flusher.js';
import { Compactor } from './compactor.js';
import { Governor } from './governor.js';
import { buildStats, type EngineStats } from './engine-stats.js';
import { Memtable } from './memtable.js';
import { resolveOptions, type EngineOptions, type ResolvedOptions } from './options.js';
import { FoundVersion } from './internal-key.js';
import { findVersion, findVersionInto, resolveFound } from './read-path.js';
import { ScanIterator, type ScanRange, type ScanEntry } from './scan-iterator.js';
import { ValueLog } from './value-log.js';
import { joinPath, type VfsLock } from './vfs.js';
import type { Manifest } from './manifest.js';
import type { Version } from './version.js';

export type { EngineStats } from './engine-stats.js';

const EMPTY = new Uint8Array(0);

/** One get in this many has its latency sampled for the governor. */
const LATENCY_SAMPLE_EVERY = 16;

/** Receives latency samples for metrics (Engine.observe); must not throw. */
export interface EngineObserver {
  getSampleUs(us: number): void;
  compactionMs(ms: number): void;
}

export class Engine {
  private lastCommitTs: number;
  private safePointTs = 0;
  private failure: Error | undefined;
  private closed = false;
  /** Set when close() starts: new writes are refused from then on. */
  private closing = false;
  private commits = 0;
  private relaxedTimer: NodeJS.Timeout | undefined;
  private memtablesCache: Memtable[] = [];
  private memtablesFlushes = -1;
  private readonly groupCommit: GroupCommit<PendingCommit>;
  private readonly vlog: ValueLog;
  private readonly commitLog: CommitLog;
  private readonly cache: BlockCache;
  private readonly flusher: Flusher;
  private readonly compactor: Compactor;
  private readonly governor: Governor;
  private readonly diskFull: DiskFullState;
  private readonly groups: CommitGroupProcessor;
  private userBytes = 0;
  private gets = 0;
  private observer: EngineObserver | undefined;
  /** The point read's found version (reads are synchronous: one is enough). */
  private readonly found = new FoundVersion();
  /** Called before background work reads the safe point (Db advances it from its snapshots). */
  safePointHook: (() => void) | undefined;

  private constructor(
    readonly dir: string,
    readonly options: ResolvedOptions,
    private readonly lock: VfsLock,
    private readonly manifest: Manifest,
    memtable: Memtable,
    lastTs: number,
  ) {
    this.lastCommitTs = lastTs;
    const allocate = (): number => manifest.allocateFileNumber();
    this.vlog = new ValueLog(options.vfs, dir, options.vlogSegmentBytesMax, allocate, new ValueCache(options.valueCacheBytes), options.logger);
    this.commitLog = new CommitLog(options.vfs, dir, allocate, options.logger);
    this.cache = new BlockCache(options.blockCacheBytes);
    this.diskFull = new DiskFullState(options.logger);
    this.flusher = new Flusher(dir, options, manifest, this.commitLog, this.cache, this.diskFull, (error) => this.fail(error));
    this.governor = new Governor(options.backgroundBytesPerSecMax, options.governorMsP99Target * 1000, (change) => logGovernorAdjustment(options.logger, change));
    this.compactor = new Compactor(
      {
        dir,
        options,
        manifest,
        flusher: this.flusher,
        vlog: this.vlog,
        governor: this.governor,
        diskFull: this.diskFull,
        safePointTs: () => {
          this.safePointHook?.();
          return this.safePointTs;
        },
        memtableSegmentFloor: () => this.groups.segmentFloor(),
        findVersion: (key, readTs) => findVersion(key, readTs, this.memtables(), this.flusher.version),
      },
      (error) => this.fail(error),
    );
    this.flusher.onInstalled = () => this.compactor.schedule();
    const { vlog, commitLog, flusher, compactor, diskFull } = this;
    this.groups = new CommitGroupProcessor(
      {
        options,
        manifest,
        vlog,
        commitLog,
        flusher,
        compactor,
        diskFull,
        checkNotFailed: () => this.checkNotFailed(),
        failed: () => this.failure !== undefined,
        fail: (error) => this.fail(error),
      },
      memtable,
      lastTs,
    );
    this.groupCommit = new GroupCommit((items, outcome) => this.groups.process(items, outcome), options);
  }

  /** Opens (creating or recovering) the engine in `dir`; fails at once with LockError if in use. */
  static async open(dir: string, options: EngineOptions = {}): Promise<Engine> {
    const resolved = resolveOptions(options);
    const vfs = resolved.vfs;
    vfs.mkdirp(dir);
    const lock = vfs.lock(joinPath(dir, 'LOCK'));
    let recovered: Awaited<ReturnType<typeof recover>> | undefined;
    try {
      const startMs = performance.now();
      recovered = await recover(vfs, dir);
      const engine = new Engine(dir, resolved, lock, recovered.manifest, recovered.memtable, recovered.lastTs);
      engine.vlog.openExisting(recovered.vlogSegments, recovered.gcVlogSegments);
      engine.flusher.start(recovered.logSegments, await engine.commitLog.rotate());
      logOpen(resolved.logger, recovered, performance.now() - startMs);
      engine.compactor.schedule();
      if (resolved.sync === 'relaxed') engine.startRelaxedSync();
      return engine;
    } catch (error) {
      recovered?.manifest.close();
      lock.release();
      throw error;
    }
  }

  lastTs(): number {
    return this.lastCommitTs;
  }

  visibleTs(): number {
    return this.groups.visibleTs;
  }

  /** The newest value of `key` with commitTs <= readTs (a fresh copy), or undefined. */
  get(key: Uint8Array, readTs: number): Uint8Array | undefined {
    this.checkOpen();
    if (++this.gets % LATENCY_SAMPLE_EVERY !== 0) return this.read(key, readTs);
    const start = performance.now();
    const value = this.read(key, readTs);
    const us = (performance.now() - start) * 1000;
    this.governor.record(us);
    this.observer?.getSampleUs(us);
    return value;
  }

  /** get() without its sampling: the found version goes into one reused object (nothing allocated but the copy). */
  private read(key: Uint8Array, readTs: number): Uint8Array | undefined {
    const found = this.found;
    if (!findVersionInto(key, readTs, this.memtables(), this.flusher.version, found)) return undefined;
    const value = resolveFound(found, key, this.vlog);
    found.bytes = EMPTY; // do not keep a block's buffer reachable
    return value;
  }

  /** Newest versions <= readTs of the keys in `range`; return() releases the pinned files. */
  scan(range: ScanRange, readTs: number): IterableIterator<ScanEntry> {
    this.checkOpen();
    const version: Version = this.flusher.version;
    version.pin();
    return new ScanIterator(range, readTs, this.memtables(), version, this.vlog);
  }

  /**
   * Atomically applies `writes` at `commitTs`; resolves once durable and visible. The key and
   * value buffers are read when the group is written: leave them unmodified until it settles.
   */
  commit(writes: readonly Write[], commitTs: number): Promise<void> {
    try {
      this.checkWritable();
      if (!(Number.isInteger(commitTs) && commitTs > this.lastCommitTs)) assert(false, `commitTs ${commitTs} must exceed ${this.lastCommitTs}`);
      const bytes = validateWrites(writes, this.options);
      // User bytes: keys and values only (bytes also counts a per-write memory overhead).
      this.userBytes += bytes - WRITE_OVERHEAD_BYTES * (writes.length + 1);
      this.lastCommitTs = commitTs;
      this.commits++;
      return this.groupCommit.submit({ ts: commitTs, writes: dedupeWrites(writes) }, bytes);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  setSafePoint(ts: number): void {
    assert(ts >= this.safePointTs, 'the safe point only advances');
    this.safePointTs = ts;
  }

  get safePoint(): number {
    return this.safePointTs;
  }

  /** Freezes the memtable (if not empty) and waits until every frozen memtable is flushed. */
  async flush(): Promise<void> {
    this.checkWritable();
    await this.groupCommit.barrier(() => this.groups.freeze());
    // The flush already running may fail on a lack of space that has passed since it began: after
    // it, this call makes an attempt of its own, so the error it reports is a current one.
    await this.flusher.idle();
    this.flusher.retryNow();
    await this.flusher.idle();
    if (this.failure !== undefined) throw new EngineFailedError(this.failure);
    if (this.flusher.spaceError !== undefined && this.flusher.frozen.length > 0) throw this.flusher.spaceError;
  }

  /**
   * Flushes, then compacts every table into one level (dropping what the safe point allows,
   * tombstones included) and runs value-log GC until no segment passes the threshold.
   */
  async compact(): Promise<void> {
    await this.flush();
    await this.compactor.compactAll();
    if (this.failure !== undefined) throw new EngineFailedError(this.failure);
  }

  /** Flushes, then runs value-log GC until no segment passes the threshold (no full compaction). */
  async collectGarbage(): Promise<void> {
    await this.flush();
    await this.compactor.compactAll(false);
    if (this.failure !== undefined) throw new EngineFailedError(this.failure);
  }

  /** Reports a sample of get latencies (1 in LATENCY_SAMPLE_EVERY) and every compaction's duration. */
  observe(observer: EngineObserver): void {
    this.observer = observer;
    this.compactor.onCompaction = (ms) => observer.compactionMs(ms);
  }

  /** Resolves once no flush, compaction or GC is running or due (background work has settled). */
  async backgroundIdle(): Promise<void> {
    while (this.flusher.frozen.length > 0 || this.compactorBusy()) {
      if (this.failure !== undefined) throw new EngineFailedError(this.failure);
      if (this.closed) throw new EngineClosedError();
      // A flush waiting to be retried for lack of space: background work cannot settle now.
      if (this.flusher.spaceError !== undefined && !this.flusher.busy) throw this.flusher.spaceError;
      await this.flusher.idle();
      await this.compactor.idle();
    }
  }

  /** Waits for queued commits, flushes and the running background job, then releases files. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.groupCommit.barrier(async () => {}).catch(() => {});
    await this.flusher.idle();
    this.compactor.stop();
    await this.compactor.idle();
    if (this.relaxedTimer !== undefined) clearInterval(this.relaxedTimer);
    if (this.options.sync === 'relaxed' && this.failure === undefined) await this.groups.syncLogs().catch(() => {});
    this.closed = true;
    this.flusher.close();
    this.vlog.close();
    this.commitLog.close();
    this.manifest.close();
    this.lock.release();
  }

  stats(): EngineStats {
    const memtable = this.groups.memtable;
    let memtableBytes = memtable.approximateBytes;
    for (const frozen of this.flusher.frozen) memtableBytes += frozen.memtable.approximateBytes;
    return buildStats({
      lastTs: this.lastCommitTs,
      visibleTs: this.groups.visibleTs,
      safePointTs: this.safePointTs,
      memtableBytes,
      memtableEntries: memtable.count,
      commits: this.commits,
      groups: this.groupCommit.groups,
      userBytes: this.userBytes,
      flusher: this.flusher,
      compactor: this.compactor,
      governor: this.governor,
      vlog: this.vlog,
      commitLog: this.commitLog,
      manifest: this.manifest,
      cache: this.cache,
      diskFull: this.diskFull,
    });
  }

  private compactorBusy(): boolean {
    return this.compactor.busy;
  }

  /**
   * Memtables newest first: the mutable one, then frozen ones newest first. Cached until the
   * mutable memtable is replaced or a flush retires a frozen one (reads do not allocate it).
   */
  private memtables(): Memtable[] {
    const frozen = this.flusher.frozen;
    const cached = this.memtablesCache;
    const memtable = this.groups.memtable;
    if (cached[0] === memtable && cached.length === frozen.length + 1 && this.memtablesFlushes === this.flusher.flushes) {
      return cached;
    }
    const out = [memtable];
    for (let i = frozen.length - 1; i >= 0; i--) out.push((frozen[i] as FrozenMemtable).memtable);
    this.memtablesCache = out;
    this.memtablesFlushes = this.flusher.flushes;
    return out;
  }

  private startRelaxedSync(): void {
    this.relaxedTimer = setInterval(() => {
      if (this.failure === undefined && !this.closed) this.groups.syncLogs().catch((error: unknown) => this.fail(error));
    }, this.options.relaxedSyncIntervalMs);
    this.relaxedTimer.unref();
  }

  private fail(error: unknown): Error {
    const failure = error instanceof Error ? error : new Error(String(error));
    this.failure ??= failure;
    this.flusher.stop();
    this.compactor.stop();
    return failure;
  }

  private checkOpen(): void {
    if (this.closed) throw new EngineClosedError();
  }

  /** For new writes: refused once close() started or after a failure. */
  private checkWritable(): void {
    if (this.closing) throw new EngineClosedError();
    this.checkNotFailed();
  }

  /** For queued work: commits submitted before close() still complete. */
  private checkNotFailed(): void {
    this.checkOpen();
    if (this.failure !== undefined) throw new EngineFailedError(this.failure);
  }
}
