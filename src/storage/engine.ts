/**
 * The storage engine: an ordered, versioned, KV-separated LSM (DESIGN.md, Storage engine). It
 * satisfies the mvcc seam (src/mvcc/versioned-kv.ts) structurally: lastTs, visibleTs, get, scan,
 * commit, setSafePoint.
 *
 * Invariants:
 * - One event loop owns the state; reads are synchronous; commits go through group commit.
 * - A commit resolves only after its value-log records (synced first) and its commit record are
 *   fsynced (sync 'full'), and after it is applied to the memtable with visibleTs advanced to it.
 * - visibleTs only advances, group by group in commitTs order: a read at visibleTs is stable.
 * - After a failed write or fsync every later write is refused (EngineFailedError): sticky.
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
import { EngineClosedError, EngineFailedError } from './errors.js';
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
    this.flusher = new Flusher(dir, options, manifest, this.commitLog, this.cache, (error) => this.fail(error));
    this.governor = new Governor(options.backgroundBytesPerSecMax);
    this.compactor = new Compactor(
      {
        dir,
        options,
        manifest,
        flusher: this.flusher,
        vlog: this.vlog,
        governor: this.governor,
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
      recovered = await recover(vfs, dir);
      const engine = new Engine(dir, resolved, lock, recovered.manifest, recovered.memtable, recovered.lastTs);
      engine.vlog.openExisting(recovered.vlogSegments, recovered.gcVlogSegments);
      engine.flusher.start(recovered.logSegments, await engine.commitLog.rotate());
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
    this.governor.record((performance.now() - start) * 1000);
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
    await this.flusher.idle();
    if (this.failure !== undefined) throw new EngineFailedError(this.failure);
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

  /** Resolves once no flush, compaction or GC is running or due (background work has settled). */
  async backgroundIdle(): Promise<void> {
    while (this.flusher.frozen.length > 0 || this.compactorBusy()) {
      if (this.failure !== undefined) throw new EngineFailedError(this.failure);
      if (this.closed) throw new EngineClosedError();
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
      if (this.vlog.bytesWritten !== vlogBefore) await this.vlog.sync();
      this.commitLog.append(items.map((item, i) => encodeCommitRecord(item.ts, entries[i] as CommitEntry[])));
      if (this.options.sync === 'full') await this.commitLog.sync();
    } catch (error) {
      throw this.fail(error);
    }
    this.apply(items, entries);
    // The group is durable and visible now: a failure to rotate fails the engine (sticky, through
    // fail()) for later writes, but must not reject these acknowledged-worthy commits.
    try {
      if (this.memtable.approximateBytes >= this.options.memtableBytesMax || this.vlog.bytesWritten - this.memtableVlogStart >= this.options.vlogSegmentBytesMax) {
        await this.freeze();
      }
      else if (this.commitLog.activeBytes >= this.options.commitLogSegmentBytesMax) await this.rotateLog();
    } catch {
      assert(this.failure !== undefined, 'a rotation failure is recorded by fail()');
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
      return segment;
    } catch (error) {
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
