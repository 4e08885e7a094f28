/**
 * The storage engine: an ordered, versioned, KV-separated LSM (DESIGN.md, Storage engine). It
 * satisfies the mvcc seam (src/mvcc/versioned-kv.ts) structurally: lastTs, visibleTs, get, scan,
 * commit, setSafePoint.
 *
 * Invariants:
 * - One event loop owns the state; reads are synchronous; commits go through group commit.
 * - A commit resolves only after its value-log records and its commit record are fsynced (sync
 *   'full': both logs concurrently), and after it is applied to the memtable with visibleTs
 *   advanced to it.
 * - visibleTs only advances, group by group in commitTs order: a read at visibleTs is stable.
 * - A write or file creation that finds no space (ENOSPC, EDQUOT: errors.ts isSpaceError) fails
 *   only its commit group: the partial appends of the group are cut back (append-rollback.ts),
 *   nothing of it reaches the memtable, and the next group tries again — writes resume when space
 *   returns, without a restart. Flush, compaction and GC that find no space delete their partial
 *   outputs and retry with backoff; reads are served throughout (disk-full-state.ts).
 * - Any other failed write, and every failed fsync (whatever its errno), is sticky: every later
 *   write is refused (EngineFailedError) until a restart. After a failed fsync the page cache can
 *   no longer be trusted to match the disk (the "fsyncgate" lesson: Linux may drop the dirty pages
 *   and report the error once), so retrying the fsync could acknowledge data that is not durable.
 * - The memtable is frozen and the commit log rotated only between groups, so every record of
 *   a frozen memtable lies below the checkpoint its flush installs.
 */
import { assert } from '../util/assert.js';
import { BlockCache } from './block-cache.js';
import { GroupCommit } from './group-commit.js';
import { dedupeWrites, toCommitEntries, validateWrites, WRITE_OVERHEAD_BYTES, type Write } from './commit-batch.js';
import { CommitLog } from './commit-log.js';
import { encodeCommitRecord, type CommitEntry } from './commit-record.js';
import { recover } from './engine-recovery.js';
import { DiskFullState } from './disk-full-state.js';
import { logGovernorAdjustment, logOpen } from './engine-events.js';
import { EngineClosedError, EngineFailedError, isSpaceError } from './errors.js';
import { Flusher, type FrozenMemtable } from './flusher.js';
import { Compactor } from './compactor.js';
import { Governor } from './governor.js';
import { buildStats, type EngineStats } from './engine-stats.js';
import { Memtable } from './memtable.js';
import { resolveOptions, type EngineOptions, type ResolvedOptions } from './options.js';
import { findVersion, resolveValue } from './read-path.js';
import { ScanIterator, type ScanRange, type ScanEntry } from './scan-iterator.js';
import { ValueLog } from './value-log.js';
import { joinPath, type VfsLock } from './vfs.js';
import type { Manifest } from './manifest.js';
import type { Version } from './version.js';

/** True when some value of the group goes to the value log. */
function needsValueLog(items: readonly PendingCommit[], threshold: number): boolean {
  for (const item of items) {
    for (const write of item.writes) if (write.value !== undefined && write.value.length >= threshold) return true;
  }
  return false;
}

interface PendingCommit {
  readonly ts: number;
  readonly writes: readonly Write[];
}

export type { EngineStats } from './engine-stats.js';

/** One get in this many has its latency sampled for the governor. */
const LATENCY_SAMPLE_EVERY = 16;

/** Receives latency samples for metrics (Engine.observe); must not throw. */
export interface EngineObserver {
  getSampleUs(us: number): void;
  compactionMs(ms: number): void;
}

export class Engine {
  private memtable: Memtable;
  private lastCommitTs: number;
  private visible: number;
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
  /** Per memtable: no pointer in it names a value-log segment below this number. */
  private readonly memtableFloors = new WeakMap<Memtable, number>();
  private userBytes = 0;
  /**
   * vlog.bytesWritten when the mutable memtable started. A memtable is frozen once it covers a
   * whole segment's worth of values too, so segments become GC-eligible (below every memtable's
   * floor) even when small pointers never fill the memtable.
   */
  private memtableVlogStart = 0;
  private gets = 0;
  private observer: EngineObserver | undefined;
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
    this.memtable = memtable;
    this.lastCommitTs = lastTs;
    this.visible = lastTs;
    const allocate = (): number => manifest.allocateFileNumber();
    this.vlog = new ValueLog(options.vfs, dir, options.vlogSegmentBytesMax, allocate);
    this.commitLog = new CommitLog(options.vfs, dir, allocate);
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
        memtableSegmentFloor: () => this.memtableSegmentFloor(),
        findVersion: (key, readTs) => findVersion(key, readTs, this.memtables(), this.flusher.version),
      },
      (error) => this.fail(error),
    );
    this.flusher.onInstalled = () => this.compactor.schedule();
    this.memtableFloors.set(memtable, memtable.count > 0 ? 0 : manifest.state.nextFileNumber);
    this.groupCommit = new GroupCommit((items) => this.processGroup(items), options);
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
    return this.visible;
  }

  /** The newest value of `key` with commitTs <= readTs (a fresh copy), or undefined. */
  get(key: Uint8Array, readTs: number): Uint8Array | undefined {
    this.checkOpen();
    if (++this.gets % LATENCY_SAMPLE_EVERY !== 0) return resolveValue(findVersion(key, readTs, this.memtables(), this.flusher.version), key, this.vlog);
    const start = performance.now();
    const value = resolveValue(findVersion(key, readTs, this.memtables(), this.flusher.version), key, this.vlog);
    const us = (performance.now() - start) * 1000;
    this.governor.record(us);
    this.observer?.getSampleUs(us);
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
      assert(Number.isInteger(commitTs) && commitTs > this.lastCommitTs, `commitTs ${commitTs} must exceed ${this.lastCommitTs}`);
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
    await this.groupCommit.barrier(() => this.freeze());
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
    if (this.options.sync === 'relaxed' && this.failure === undefined) await this.syncLogs().catch(() => {});
    this.closed = true;
    this.flusher.close();
    this.vlog.close();
    this.commitLog.close();
    this.manifest.close();
    this.lock.release();
  }

  stats(): EngineStats {
    let memtableBytes = this.memtable.approximateBytes;
    for (const frozen of this.flusher.frozen) memtableBytes += frozen.memtable.approximateBytes;
    return buildStats({
      lastTs: this.lastCommitTs,
      visibleTs: this.visible,
      safePointTs: this.safePointTs,
      memtableBytes,
      memtableEntries: this.memtable.count,
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

  /** The lowest value-log segment a live memtable may point into (see vlog-gc.ts). */
  private memtableSegmentFloor(): number {
    let floor = this.memtableFloors.get(this.memtable) ?? 0;
    for (const frozen of this.flusher.frozen) floor = Math.min(floor, this.memtableFloors.get(frozen.memtable) ?? 0);
    return floor;
  }

  /**
   * Memtables newest first: the mutable one, then frozen ones newest first. Cached until the
   * mutable memtable is replaced or a flush retires a frozen one (reads do not allocate it).
   */
  private memtables(): Memtable[] {
    const frozen = this.flusher.frozen;
    const cached = this.memtablesCache;
    if (cached[0] === this.memtable && cached.length === frozen.length + 1 && this.memtablesFlushes === this.flusher.flushes) {
      return cached;
    }
    const out = [this.memtable];
    for (let i = frozen.length - 1; i >= 0; i--) out.push((frozen[i] as FrozenMemtable).memtable);
    this.memtablesCache = out;
    this.memtablesFlushes = this.flusher.flushes;
    return out;
  }

  private async processGroup(items: PendingCommit[]): Promise<void> {
    this.checkNotFailed();
    await this.flusher.waitForRoom();
    await this.compactor.waitForL0Room();
    this.checkNotFailed();
    const entries: CommitEntry[][] = [];
    try {
      const threshold = this.options.valueThreshold;
      if (threshold !== Infinity && needsValueLog(items, threshold)) await this.vlog.rotateIfFull();
      const vlogBefore = this.vlog.bytesWritten;
      for (const item of items) entries.push(toCommitEntries(item.writes, threshold, this.vlog));
      const full = this.options.sync === 'full';
      const vlogDirty = this.vlog.bytesWritten !== vlogBefore;
      // 'full': both logs sync concurrently, acked after both (recovery drops a commit whose values
      // did not become durable: recovery-tail-check.ts). 'relaxed': values are synced first.
      if (vlogDirty && full) this.vlog.write();
      else if (vlogDirty) await this.vlog.sync();
      this.commitLog.append(items.map((item, i) => encodeCommitRecord(item.ts, entries[i] as CommitEntry[])));
      if (full) await (vlogDirty ? Promise.all([this.vlog.sync(), this.commitLog.sync()]) : this.commitLog.sync());
    } catch (error) {
      throw await this.failGroup(error);
    }
    this.apply(items, entries);
    if (this.diskFull.active) {
      // Space is back (this group's appends fit): retry paused background work now.
      this.diskFull.leave('commit');
      this.flusher.retryNow();
      this.compactor.retryNow();
    }
    // The group is durable and visible now: a failure to rotate fails the engine (sticky, through
    // fail()) for later writes, or (no space) leaves the memtable unfrozen until a later group
    // rotates, but must not reject these acknowledged-worthy commits.
    try {
      if (this.memtable.approximateBytes >= this.options.memtableBytesMax || this.vlog.bytesWritten - this.memtableVlogStart >= this.options.vlogSegmentBytesMax) {
        await this.freeze();
      }
      else if (this.commitLog.activeBytes >= this.options.commitLogSegmentBytesMax) await this.rotateLog();
    } catch (error) {
      assert(this.failure !== undefined || isSpaceError(error), 'a rotation failure is a space error or recorded by fail()');
    }
  }

  private apply(items: readonly PendingCommit[], entries: readonly CommitEntry[][]): void {
    const memtable = this.memtable;
    for (let i = 0; i < items.length; i++) {
      const ts = (items[i] as PendingCommit).ts;
      for (const entry of entries[i] as CommitEntry[]) memtable.add(entry.key, ts, entry.kind, entry.value);
      this.visible = ts;
    }
  }

  /** Between groups: freezes a non-empty memtable, rotates the commit log, schedules its flush. */
  private async freeze(): Promise<void> {
    if (this.memtable.count === 0 || this.failure !== undefined) return;
    const checkpoint = await this.rotateLog();
    this.flusher.enqueue(this.memtable, checkpoint);
    this.memtable = new Memtable();
    this.memtableFloors.set(this.memtable, this.vlog.appendableSegment ?? this.manifest.state.nextFileNumber);
    this.memtableVlogStart = this.vlog.bytesWritten;
  }

  /** Between groups: starts a new commit-log segment (the current one synced); returns its number. */
  private async rotateLog(): Promise<number> {
    try {
      if (this.options.sync === 'relaxed') await this.syncLogs();
      const segment = await this.commitLog.rotate();
      this.flusher.addLogSegment(segment);
      this.diskFull.leave('commit-log rotation');
      return segment;
    } catch (error) {
      // A segment that cannot be created for lack of space leaves the active one in use.
      if (isSpaceError(error)) {
        this.diskFull.enter(error, 'commit-log rotation');
        throw error;
      }
      throw this.fail(error);
    }
  }

  private async syncLogs(): Promise<void> {
    await this.vlog.sync();
    await this.commitLog.sync();
  }

  private startRelaxedSync(): void {
    this.relaxedTimer = setInterval(() => {
      if (this.failure === undefined && !this.closed) this.syncLogs().catch((error: unknown) => this.fail(error));
    }, this.options.relaxedSyncIntervalMs);
    this.relaxedTimer.unref();
  }

  /**
   * A commit group failed. For lack of space (see the invariants) its partial appends are cut
   * back and the engine keeps serving; anything else — a failed cut included — is sticky.
   */
  private async failGroup(error: unknown): Promise<Error> {
    if (!isSpaceError(error)) return this.fail(error);
    try {
      await this.vlog.cutBack();
      await this.commitLog.cutBack();
    } catch (cutError) {
      return this.fail(cutError);
    }
    this.diskFull.enter(error, 'commit');
    return error;
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
