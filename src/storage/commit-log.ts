/**
 * The commit log: segment files `NNNNNN.log` of framed commit groups (log-record.ts,
 * commit-group.ts), one log record per group commit. Replayed
 * from the manifest's checkpoint on open. Format: docs/format.md, "Commit log".
 *
 * Invariants:
 * - Segments are numbered from the engine's file-number counter, so replay order = number order.
 * - Records are written at the log end (logEnd), not at the file's end: the active segment keeps a
 *   zero-filled, durable region ahead of it (log-preallocator.ts) so a group's fdatasync flushes
 *   data only. It is filled further only after small groups (≤ FILL_GROUP_BYTES_MAX): a bulk
 *   group is bandwidth-bound and writes its bytes once. Without positional writes in the Vfs, records are appended (logEnd = file size).
 * - A segment is rotated only between groups (rotate(): at a memtable freeze or at
 *   commitLogSegmentBytesMax), and the previous one was synced first; so only the last segment's
 *   tail can be torn. The previous one is also cut to its log end, durably, before the new one is
 *   created: only the last segment may end in zeros (a crash between the steps leaves the cut
 *   segment last).
 * - A new segment's directory entry and first zero-filled region are made durable off the commit
 *   path (issue 9); sync() waits for the entry as well as the records, so a commit in a segment is
 *   acknowledged only once a crash cannot lose the segment. A failed directory sync is sticky.
 * - An append that fails (for lack of space) is cut back (cutBack()) before the next one: the
 *   segment is truncated to the log end, so a partial record never stays before a later one.
 * - A failed fill (other than for lack of space) fails every later append and sync (sticky).
 * - Segments below the checkpoint hold only commits already in SSTables; they are deleted after
 *   the manifest edit that advanced the checkpoint is durable.
 */
import { assert } from '../util/assert.js';
import { encodeCommitGroup } from './commit-group.js';
import { StorageIOError } from './errors.js';
import { FILL_GROUP_BYTES_MAX, LogPreallocator, type PreallocStats } from './log-preallocator.js';
import { encodeLogRecords } from './log-record.js';
import type { EngineLogger } from './options.js';
import { joinPath, removeQuietly, type Vfs, type VfsFile } from './vfs.js';

function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}

const RESOLVED = Promise.resolve();

export function commitLogName(segment: number): string {
  return `${String(segment).padStart(6, '0')}.log`;
}

export class CommitLog {
  private active: VfsFile | undefined;
  private activeSegmentNumber = 0;
  /** Where the next group record goes in the active segment. */
  private logEnd = 0;
  private prealloc: LogPreallocator | undefined;
  /** The log end before the last failed append, until cutBack(). */
  private cutAt: number | undefined;
  /**
   * The directory sync that makes the active segment's entry durable, started by rotate(); it
   * settles with its error (or undefined) and is cleared once it succeeded and was waited for.
   */
  private entrySync: Promise<unknown> | undefined;
  bytesWritten = 0;
  /** Zero bytes written ahead of the log, and fills stopped by a lack of space. */
  readonly preallocStats: PreallocStats = { zeroBytes: 0, spaceFailures: 0 };

  constructor(
    private readonly vfs: Vfs,
    private readonly dir: string,
    private readonly allocateFileNumber: () => number,
    private readonly logger?: EngineLogger,
  ) {}

  get activeSegment(): number {
    return this.activeSegmentNumber;
  }

  /** Bytes of records in the active segment (its zero-filled region not counted). */
  get activeBytes(): number {
    return this.logEnd;
  }

  /** Bytes ahead of the log end that are zero-filled and durable (0 without preallocation). */
  get preallocatedBytes(): number {
    return Math.max(0, (this.prealloc?.durableEnd ?? 0) - this.logEnd);
  }

  /**
   * Cuts the active segment (already synced) to its log end, durably, then starts a new one and
   * returns its number. The new segment's directory entry and first zero-filled region become
   * durable in the background (issue 9: the commit path waits for one fsync here, not three); the
   * next sync() waits for the entry too, so no commit in it is acknowledged before. On failure the
   * active segment stays in use.
   */
  async rotate(): Promise<number> {
    const startMs = performance.now();
    await this.entryDurable();
    await this.cutActiveToLogEnd();
    const cutMs = performance.now() - startMs;
    const segment = this.allocateFileNumber();
    const path = joinPath(this.dir, commitLogName(segment));
    // Created before the active segment is let go: a create that finds no space leaves it in use.
    let file: VfsFile | undefined;
    let prealloc: LogPreallocator | undefined;
    try {
      file = this.vfs.openAppend(path);
      prealloc = LogPreallocator.open(this.vfs, path, file, this.preallocStats, this.logger);
    } catch (error) {
      file?.close();
      if (file !== undefined) removeQuietly(this.vfs, path);
      this.prealloc?.resume();
      throw error;
    }
    this.entrySync = this.vfs.syncDir(this.dir).then(
      () => undefined,
      (error: unknown) => error,
    );
    prealloc?.prefill();
    this.prealloc?.close();
    this.active?.close();
    this.active = file;
    this.prealloc = prealloc;
    this.activeSegmentNumber = segment;
    this.logEnd = 0;
    this.logger?.debug({ segment, cutMs: roundMs(cutMs), durationMs: roundMs(performance.now() - startMs) }, 'commit log rotated');
    return segment;
  }

  /** Appends the commit records of one group as one framed group record (commit-group.ts), one write call. */
  append(records: readonly Uint8Array[]): void {
    this.appendRecord(encodeLogRecords([encodeCommitGroup(records)]));
  }

  /** Appends one group already framed as a log record (CommitGroupBuffer.encodeRecord), one write call. */
  appendRecord(data: Uint8Array): void {
    const file = this.active;
    assert(file !== undefined, 'append before the first rotate()');
    assert(this.cutAt === undefined, 'append before the cut-back of a failed one');
    this.throwIfFillFailed();
    const at = this.logEnd;
    try {
      if (this.prealloc !== undefined && file.writeAt !== undefined) file.writeAt(at, data);
      else file.append(data);
    } catch (error) {
      this.cutAt = at;
      throw error;
    }
    this.logEnd = at + data.length;
    this.bytesWritten += data.length;
    this.prealloc?.advance(this.logEnd, data.length <= FILL_GROUP_BYTES_MAX);
  }

  /** After append() failed for lack of space: cuts the segment back to the log end before it (durably). */
  async cutBack(): Promise<void> {
    const at = this.cutAt;
    const file = this.active;
    if (at === undefined || file === undefined) return;
    await this.prealloc?.stop();
    try {
      await this.vfs.truncate(file.path, at);
    } catch (error) {
      // Keep the errno of the truncate's own cause (the Vfs wraps it in a StorageIOError).
      throw new StorageIOError('rollback', file.path, error instanceof StorageIOError ? (error.cause ?? error) : error);
    }
    this.cutAt = undefined;
    this.prealloc?.truncated(at);
  }

  /** Makes every record of the active segment durable, and its directory entry (after a rotation). */
  async sync(): Promise<void> {
    if (this.active === undefined) return;
    if (this.entrySync === undefined) await this.active.sync();
    else await Promise.all([this.active.sync(), this.entryDurable()]);
    this.throwIfFillFailed();
  }

  /**
   * sync() without an async frame in the common case (no new segment's directory entry pending):
   * the active file's own sync promise (failures reject it, never throw). Once it settled, the
   * caller calls afterSync().
   */
  startSync(): Promise<void> {
    if (this.active === undefined) return RESOLVED;
    try {
      return this.entrySync === undefined ? this.active.sync() : this.sync();
    } catch (error) {
      return Promise.reject(error); // never a synchronous throw: the caller counts its reactions
    }
  }

  /** After startSync() succeeded: throws when the fill of the region ahead failed (sticky). */
  afterSync(): void {
    this.throwIfFillFailed();
  }

  /** Waits for the active segment's directory entry to be durable; throws if its sync failed (sticky). */
  private async entryDurable(): Promise<void> {
    const pending = this.entrySync;
    if (pending === undefined) return;
    const error = await pending;
    if (error !== undefined) throw error;
    if (this.entrySync === pending) this.entrySync = undefined;
  }

  /** Deletes the segments numbered below `checkpoint` among `segments`. */
  removeBelow(checkpoint: number, segments: readonly number[]): void {
    for (const segment of segments) {
      if (segment < checkpoint && segment !== this.activeSegmentNumber) {
        this.vfs.remove(joinPath(this.dir, commitLogName(segment)));
      }
    }
  }

  close(): void {
    this.prealloc?.close();
    this.prealloc = undefined;
    this.active?.close();
    this.active = undefined;
  }

  private throwIfFillFailed(): void {
    const failure = this.prealloc?.failure;
    if (failure !== undefined) throw failure;
  }

  /** Stops the active segment's fill and cuts its zero-filled region off, durably. */
  private async cutActiveToLogEnd(): Promise<void> {
    const prealloc = this.prealloc;
    const file = this.active;
    if (prealloc === undefined || file === undefined) return;
    await prealloc.stop();
    if (prealloc.fileEnd === this.logEnd && !prealloc.tailUnknown) return;
    try {
      await this.vfs.truncate(file.path, this.logEnd);
    } catch (error) {
      prealloc.resume();
      throw error;
    }
    prealloc.truncated(this.logEnd);
  }
}
