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
import { dedupeWrites, toCommitEntries, validateWrites, type Write } from './commit-batch.js';
import { CommitLog } from './commit-log.js';
import { encodeCommitRecord, type CommitEntry } from './commit-record.js';
import { recover } from './engine-recovery.js';
import { EngineClosedError, EngineFailedError } from './errors.js';
import { Flusher, type FrozenMemtable } from './flusher.js';
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

export interface EngineStats {
  readonly lastTs: number;
  readonly visibleTs: number;
  readonly safePointTs: number;
  readonly memtableBytes: number;
  readonly memtableEntries: number;
  readonly frozenMemtables: number;
  readonly tables: number;
  readonly tableBytes: number;
  readonly vlogSegments: number;
  readonly vlogBytesWritten: number;
  readonly commitLogBytesWritten: number;
  readonly tableBytesWritten: number;
  readonly commits: number;
  readonly groups: number;
  readonly flushes: number;
  readonly writeStalls: number;
  readonly writeStallMs: number;
  readonly blockCacheHits: number;
  readonly blockCacheMisses: number;
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
      engine.vlog.openExisting(recovered.vlogSegments);
      engine.flusher.start(recovered.logSegments, await engine.commitLog.rotate());
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
    const found = findVersion(key, readTs, this.memtables(), this.flusher.version);
    return resolveValue(found, key, this.vlog);
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

  /** Waits for queued commits and flushes, then releases files and the directory lock. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.groupCommit.barrier(async () => {}).catch(() => {});
    await this.flusher.idle();
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
    const version = this.flusher.version;
    let tableBytes = 0;
    for (const table of version.tables()) tableBytes += table.meta.sizeBytes;
    return {
      lastTs: this.lastCommitTs,
      visibleTs: this.visible,
      safePointTs: this.safePointTs,
      memtableBytes,
      memtableEntries: this.memtable.count,
      frozenMemtables: this.flusher.frozen.length,
      tables: version.tableCount,
      tableBytes,
      vlogSegments: this.vlog.segments().length,
      vlogBytesWritten: this.vlog.bytesWritten,
      commitLogBytesWritten: this.commitLog.bytesWritten,
      tableBytesWritten: this.flusher.tableBytesWritten,
      commits: this.commits,
      groups: this.groupCommit.groups,
      flushes: this.flusher.flushes,
      writeStalls: this.flusher.stalls,
      writeStallMs: this.flusher.stallMs,
      blockCacheHits: this.cache.hits,
      blockCacheMisses: this.cache.misses,
    };
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
      if (this.memtable.approximateBytes >= this.options.memtableBytesMax) await this.freeze();
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
