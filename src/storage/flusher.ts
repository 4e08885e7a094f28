/**
 * Flush: frozen memtables (still readable) become L0 SSTables. The entries are serialized and the
 * table image is built in the flush worker thread; the main thread writes it through the Vfs,
 * fsyncs it, installs it with one manifest edit (which also advances the commit-log checkpoint)
 * and then deletes the commit-log segments below the checkpoint.
 *
 * Invariants:
 * - Frozen memtables flush one at a time, oldest first; the frozen list and the current Version
 *   change in the same synchronous step, so a reader sees each entry in exactly one of them.
 * - A table file is durable (file and directory synced) before the manifest edit names it; the
 *   edit is durable before the commit-log segments it makes obsolete are deleted.
 * - The Flusher owns the current Version; it unpins the previous one when it installs a new one.
 * - A flush that finds no space (errors.ts isSpaceError) deletes its partial table, keeps the
 *   memtable frozen (still readable) and is retried with backoff (retry-backoff.ts); writers that
 *   would wait for it (frozen memtables at frozenMemtablesMax) get its error instead of a stall.
 * - Any other failure stops flushing and is reported once through onFail (the engine turns it
 *   sticky).
 * - Logged: flush start (debug) and end (info: table, bytes, entries, duration); stall start
 *   (debug) and end (warn, with its duration).
 */
import type { BlockCache } from './block-cache.js';
import { l0BloomBitsPerKey } from './bloom.js';
import type { CommitLog } from './commit-log.js';
import type { DiskFullState } from './disk-full-state.js';
import { isSpaceError, type StorageIOError } from './errors.js';
import { tableName } from './engine-recovery.js';
import { buildTable, serializeEntries, type BuiltTable } from './flush-build.js';
import { buildTableInWorker, releaseToFlushWorker } from './flush-worker-client.js';
import type { Manifest } from './manifest.js';
import type { ManifestEdit, ManifestTable } from './manifest-edit.js';
import type { Memtable } from './memtable.js';
import type { ResolvedOptions } from './options.js';
import { TableReader } from './table-reader.js';
import { compareInternalKeys } from './internal-key.js';
import { TableHandle, Version, VersionTracker } from './version.js';
import { fileSource } from './read-into.js';
import { RetryBackoff } from './retry-backoff.js';
import { joinPath, removeQuietly } from './vfs.js';

export interface FrozenMemtable {
  readonly memtable: Memtable;
  /** First commit-log segment holding no record of this memtable. */
  readonly checkpoint: number;
}


export class Flusher {
  readonly frozen: FrozenMemtable[] = [];
  version: Version = new Version([]);
  flushes = 0;
  stalls = 0;
  /** Total time writers waited for a flush (a write stall), in milliseconds. */
  stallMs = 0;
  tableBytesWritten = 0;
  private logSegments: number[] = [];
  /** Called after each flush is installed (the compactor schedules work from it). */
  onInstalled: () => void = () => {};
  readonly tracker = new VersionTracker();
  private task: Promise<void> | undefined;
  private waiters: Array<() => void> = [];
  private stopped = false;
  /** The error of the last flush while it failed for lack of space (cleared by a success). */
  spaceError: StorageIOError | undefined;
  private readonly retry = new RetryBackoff(() => this.retryNow());
  /** The table built for the oldest frozen memtable by an attempt that failed for lack of space. */
  private builtForRetry: { readonly memtable: Memtable; readonly built: BuiltTable } | undefined;

  constructor(
    private readonly dir: string,
    private readonly options: ResolvedOptions,
    private readonly manifest: Manifest,
    private readonly commitLog: CommitLog,
    private readonly cache: BlockCache,
    private readonly diskFull: DiskFullState,
    private readonly onFail: (error: unknown) => void,
  ) {}

  /** Opens the manifest's tables; `logSegments` are the live commit-log segments, oldest first. */
  start(logSegments: readonly number[], activeSegment: number): void {
    const levels: TableHandle[][] = [];
    for (const meta of this.manifest.state.tables.values()) {
      while (levels.length <= meta.level) levels.push([]);
      (levels[meta.level] as TableHandle[]).push(this.openTable(meta));
    }
    if (levels.length === 0) levels.push([]);
    // L0 newest first: flushed tables have disjoint ts ranges (a GC rewrite keeps its table's
    // range but gets a newer file number, so order by maxTs, not by file number).
    (levels[0] as TableHandle[]).sort((a, b) => b.meta.maxTs - a.meta.maxTs || b.meta.fileNumber - a.meta.fileNumber);
    for (let level = 1; level < levels.length; level++) {
      (levels[level] as TableHandle[]).sort((a, b) => compareInternalKeys(a.meta.smallest, b.meta.smallest));
    }
    this.version = new Version(levels, this.tracker);
    this.logSegments = [...logSegments, activeSegment];
  }

  /** Makes `next` the current Version (built from the current one); unpins the previous. */
  replaceVersion(next: Version): void {
    const previous = this.version;
    this.version = next;
    previous.unpin();
  }

  /** Records a new commit-log segment (deleted once a checkpoint passes it). */
  addLogSegment(segment: number): void {
    this.logSegments.push(segment);
  }

  /** Queues `memtable` for flush; `checkpoint` was added with addLogSegment(). */
  enqueue(memtable: Memtable, checkpoint: number): void {
    this.frozen.push({ memtable, checkpoint });
    this.retryNow();
  }

  /** Runs the flushes due now (an explicit flush does not wait for a pending retry). */
  retryNow(): void {
    this.retry.cancel();
    if (this.task !== undefined || this.stopped || this.frozen.length === 0) return;
    this.task = this.run().finally(() => {
      this.task = undefined;
    });
  }

  /** True when a commit group need not wait for room (waitForRoom would return at once). */
  hasRoom(): boolean {
    return this.frozen.length < this.options.frozenMemtablesMax || this.stopped;
  }

  /**
   * Waits while too many memtables are frozen (a write stall, counted); throws the space error
   * when the flush they wait for failed for lack of space.
   */
  async waitForRoom(): Promise<void> {
    const full = (): boolean => !this.hasRoom();
    if (!full()) return;
    if (this.spaceError !== undefined) {
      // Writers drive the retries (attempts stay RETRY_MS_MIN apart): writes resume once space returns.
      await this.retry.waitTurn();
      this.retryNow();
      await this.idle();
      if (full() && this.spaceError !== undefined) throw this.spaceError;
      return;
    }
    this.stalls++;
    const start = performance.now();
    this.options.logger.debug({ frozenMemtables: this.frozen.length }, 'write stall start: frozen memtables at frozenMemtablesMax');
    while (full() && this.spaceError === undefined) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    const ms = performance.now() - start;
    this.stallMs += ms;
    this.options.logger.warn({ stallMs: Math.round(ms), frozenMemtables: this.frozen.length }, 'write stall: frozen memtables at frozenMemtablesMax');
    if (full() && this.spaceError !== undefined) throw this.spaceError;
  }

  /** True while a flush runs (false while one waits for its retry). */
  get busy(): boolean {
    return this.task !== undefined;
  }

  /** Resolves once no flush is running or queued. */
  async idle(): Promise<void> {
    while (this.task !== undefined) await this.task;
  }

  /** Stops flushing after a failure and releases stalled writers. */
  stop(): void {
    this.stopped = true;
    this.retry.cancel();
    this.notify();
  }

  close(): void {
    this.stopped = true;
    this.retry.cancel();
    const tables = [...this.version.tables()];
    this.version.unpin();
    for (const table of tables) table.file.close();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private async run(): Promise<void> {
    while (this.frozen.length > 0 && !this.stopped) {
      try {
        await this.flushOldest();
        this.spaceError = undefined;
        this.retry.reset();
        this.diskFull.leave('flush');
      } catch (error) {
        if (isSpaceError(error) && !this.stopped) this.retryLater(error);
        else {
          this.onFail(error);
          this.stopped = true;
        }
        this.notify();
        return;
      }
      this.notify();
    }
  }

  private retryLater(error: StorageIOError): void {
    this.spaceError = error;
    this.diskFull.enter(error, 'flush');
    const retryMs = this.retry.later();
    this.options.logger.warn({ retryMs, frozenMemtables: this.frozen.length, path: error.path }, 'flush failed for lack of space: retrying');
  }

  private async build(memtable: Memtable): Promise<BuiltTable> {
    const payload = await serializeEntries(memtable.iterator(), memtable.approximateBytes);
    const tableOptions = {
      blockBytes: this.options.blockBytes,
      restartInterval: this.options.restartInterval,
      // L0 tables get more filter bits: every read probes each of them (bloom.ts).
      bloomBitsPerKey: l0BloomBitsPerKey(this.options.bloomBitsPerKey),
    };
    return this.options.flushInWorker ? buildTableInWorker(payload, tableOptions) : buildTable(payload, tableOptions);
  }

  private async flushOldest(): Promise<void> {
    const frozen = this.frozen[0] as FrozenMemtable;
    const { memtable } = frozen;
    const edit: ManifestEdit = { logCheckpoint: frozen.checkpoint, lastTs: memtable.maxTs };
    const start = performance.now();
    this.retry.attempted();
    this.options.logger.debug({ entries: memtable.count, memtableBytes: memtable.approximateBytes }, 'flush start');
    let table: TableHandle | undefined;
    if (memtable.count > 0) {
      const retried = this.builtForRetry?.memtable === memtable ? this.builtForRetry.built : undefined;
      const built = retried ?? (await this.build(memtable));
      if (this.stopped) return;
      this.builtForRetry = { memtable, built };
      table = await this.writeTable(built);
      edit.addTables = [table.meta];
    }
    try {
      await this.manifest.apply(edit);
    } catch (error) {
      // The edit's append was cut back: no manifest names the table.
      if (isSpaceError(error)) table?.discard();
      throw error;
    }
    const image = this.builtForRetry?.built.image;
    this.builtForRetry = undefined;
    this.install(table);
    releaseToFlushWorker([image]); // written: dropped off the event loop's heap (request-worker.ts release())
    if (this.manifest.needsRotation) await this.diskFull.tolerate('manifest rotation', this.manifest.rotate());
    const fields = { fileNumber: table?.meta.fileNumber, tableBytes: table?.meta.sizeBytes ?? 0, entries: memtable.count };
    this.options.logger.info({ ...fields, durationMs: Math.round(performance.now() - start) }, 'flush end');
    this.onInstalled();
  }

  /** Writes `built` as a new L0 table file, durably; a partial file left by a full disk is removed. */
  private async writeTable(built: BuiltTable): Promise<TableHandle> {
    const fileNumber = this.manifest.allocateFileNumber();
    const path = joinPath(this.dir, tableName(fileNumber));
    try {
      await this.options.vfs.writeFileSynced(path, built.image);
      await this.options.vfs.syncDir(this.dir);
    } catch (error) {
      if (isSpaceError(error)) removeQuietly(this.options.vfs, path);
      throw error;
    }
    this.tableBytesWritten += built.image.length;
    const { smallest, largest, minTs, maxTs, vlogRefs } = built;
    return this.openTable({ level: 0, fileNumber, sizeBytes: built.image.length, minTs, maxTs, smallest, largest, vlogRefs });
  }

  private install(table: TableHandle | undefined): void {
    const frozen = this.frozen.shift() as FrozenMemtable;
    if (table !== undefined) {
      const previous = this.version;
      this.version = previous.withL0Table(table);
      previous.unpin();
    }
    this.flushes++;
    this.commitLog.removeBelow(frozen.checkpoint, this.logSegments);
    this.logSegments = this.logSegments.filter((segment) => segment >= frozen.checkpoint);
  }

  /** Opens the table file `meta` names (already durable and about to be installed). */
  openTable(meta: ManifestTable): TableHandle {
    const path = joinPath(this.dir, tableName(meta.fileNumber));
    const file = this.options.vfs.openRead(path);
    const source = fileSource(path, file);
    const reader = TableReader.open(source, meta.fileNumber, this.cache);
    return new TableHandle(meta, reader, file, (obsolete) => {
      this.cache.evictFile(obsolete.meta.fileNumber);
      obsolete.file.close();
      this.options.vfs.remove(path);
    });
  }
}
