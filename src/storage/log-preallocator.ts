/**
 * A zero-filled, durable region kept ahead of a log's write position (issue 9): a group's record is
 * written into bytes whose blocks and file size are already durable, so the fdatasync after it
 * flushes data only — no inode or extent metadata, no journal commit. PostgreSQL zero-fills its WAL
 * segments for the same reason. Used by the commit log (commit-log.ts); format: docs/format.md,
 * "Commit log".
 *
 * Invariants:
 * - Zeros are written only at or past fileEnd, which is at or past every record written (advance()
 *   raises it): a fill never overwrites a record. A chunk is one synchronous write (at most
 *   FILL_CHUNK_MAX_BYTES, ~0.25 ms here), immediately followed by its fsync: no record can be
 *   written into the middle of it, and the window in which a group's fdatasync also has to carry
 *   the new size and zeros is as short as it can be (one or two groups per chunk).
 * - durableEnd ≤ fileEnd: the zeros (and the size) below durableEnd were synced by the fill.
 * - Off the commit path: advance() only starts a fill; a group never waits for one. A group that
 *   runs past the filled end is still correct (its own sync then carries the metadata).
 * - A fill write that finds no space is counted and logged, and this file is not filled again (its
 *   records are appended past the end, as without preallocation). Any other failed fill write or
 *   fill fsync is kept in `failure`, which the log owner makes sticky (a failed fsync leaves the
 *   page cache untrusted; errors.ts).
 * - The fill has its own handle: Linux reports a writeback error to each open file description, so
 *   the fill's fsync cannot swallow an error that the commit's fsync must see.
 * - Once stop() resolved, no fill runs and none starts until resume(). After a failed fill write
 *   the file may hold zeros past fileEnd (a short write): `tailUnknown` says so, and the owner
 *   then cuts the file to its log end whatever fileEnd says.
 */
import { isSpaceError } from './errors.js';
import type { EngineLogger } from './options.js';
import type { Vfs, VfsFile } from './vfs.js';

/** The first region of a file, and the least it is extended by. */
export const FILL_CHUNK_MIN_BYTES = 64 * 1024;
/** The most a file is extended by at once (the region ahead grows with the file up to this). */
export const FILL_CHUNK_MAX_BYTES = 1024 * 1024;
const ZEROS = new Uint8Array(FILL_CHUNK_MAX_BYTES);

/** Counters shared by the preallocators of one log. */
export interface PreallocStats {
  /** Zero bytes written ahead of the log. */
  zeroBytes: number;
  /** Fills stopped by a lack of space (the file then grows by appends). */
  spaceFailures: number;
}

/** How far to extend a file of `fileEnd` bytes: doubling from the minimum up to the maximum. */
function chunkBytes(fileEnd: number): number {
  return Math.min(FILL_CHUNK_MAX_BYTES, Math.max(FILL_CHUNK_MIN_BYTES, fileEnd));
}

type PositionalWrite = (offset: number, data: Uint8Array) => void;

export class LogPreallocator {
  /** Bytes of the file: records and zeros (see tailUnknown). */
  fileEnd: number;
  /** End of the zeros made durable by a fill. */
  durableEnd = 0;
  /** A failed fill write or fsync other than a lack of space (the owner makes it sticky). */
  failure: Error | undefined;
  /** The file may extend past fileEnd (a fill write failed part-way). */
  tailUnknown = false;
  private running: Promise<void> | undefined;
  private stopped = false;
  private spaceless = false;

  private constructor(
    private readonly handle: VfsFile,
    private readonly writeAt: PositionalWrite,
    private readonly stats: PreallocStats,
    private readonly logger: EngineLogger | undefined,
  ) {
    this.fileEnd = handle.size();
  }

  /**
   * A preallocator for the log file `path` whose records go through `file`, or undefined when the
   * Vfs does not offer positional writes (then the log only appends).
   */
  static open(vfs: Vfs, path: string, file: VfsFile, stats: PreallocStats, logger?: EngineLogger): LogPreallocator | undefined {
    if (file.writeAt === undefined) return undefined;
    const handle = vfs.openAppend(path);
    const writeAt = handle.writeAt?.bind(handle);
    if (writeAt === undefined) {
      handle.close();
      return undefined;
    }
    return new LogPreallocator(handle, writeAt, stats, logger);
  }

  /** Fills and syncs the first region (a new file, before it takes records); throws `failure`. */
  async prepare(): Promise<void> {
    await this.fill(chunkBytes(this.fileEnd));
    if (this.failure !== undefined) throw this.failure;
  }

  /** Records were written up to `logEnd`: starts a fill when the zeros ahead run short. */
  advance(logEnd: number): void {
    if (logEnd > this.fileEnd) this.fileEnd = logEnd;
    if (this.running !== undefined || this.stopped || this.spaceless || this.failure !== undefined) return;
    const chunk = chunkBytes(this.fileEnd);
    if (this.fileEnd - logEnd >= chunk / 2) return;
    this.running = this.fill(chunk).finally(() => {
      this.running = undefined;
    });
  }

  /** Stops filling; resolves once no fill runs (a fill in its fsync is waited for). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** The file was cut to `size` (after stop()); filling may go on. */
  truncated(size: number): void {
    this.fileEnd = size;
    this.durableEnd = Math.min(this.durableEnd, size);
    this.tailUnknown = false;
    this.stopped = false;
  }

  /** Filling may go on after a stop() whose cut did not happen. */
  resume(): void {
    this.stopped = false;
  }

  /** Stops filling and closes the fill's handle once no fill runs. */
  close(): void {
    this.stopped = true;
    const closeHandle = (): void => {
      try {
        this.handle.close();
      } catch {
        // Only the fill's own descriptor: the records' handle is closed (and checked) by the owner.
      }
    };
    if (this.running === undefined) closeHandle();
    else void this.running.then(closeHandle);
  }

  /** Writes `bytes` zeros at fileEnd (one write), then syncs them. Never rejects. */
  private async fill(bytes: number): Promise<void> {
    try {
      this.tailUnknown = true;
      this.writeAt(this.fileEnd, ZEROS.subarray(0, bytes));
      this.tailUnknown = false;
      this.fileEnd += bytes;
      this.stats.zeroBytes += bytes;
      const end = this.fileEnd;
      await this.handle.sync();
      this.durableEnd = Math.max(this.durableEnd, end);
    } catch (error) {
      if (isSpaceError(error)) {
        this.spaceless = true;
        this.stats.spaceFailures++;
        this.logger?.warn({ path: error.path, errno: error.errno, spaceFailures: this.stats.spaceFailures }, 'commit log: no space to preallocate; appending past the end');
      } else {
        this.failure = error instanceof Error ? error : new Error(String(error));
      }
    }
  }
}
