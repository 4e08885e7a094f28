/**
 * A zero-filled, durable region kept ahead of a log's write position (issue 9): a group's record is
 * written into bytes whose blocks and file size are already durable, so the fdatasync after it
 * flushes data only — no inode or extent metadata, no journal commit. PostgreSQL zero-fills its WAL
 * segments for the same reason. Used by the commit log (commit-log.ts) and the value log
 * (value-log.ts, with smaller chunks, filled only after small groups); format: docs/format.md,
 * "Commit log" and "Value log".
 *
 * Invariants:
 * - Zeros are written only at or past fileEnd, which is at or past every record written (advance()
 *   raises it): a fill never overwrites a record. A chunk is one synchronous write (at most
 *   FILL_CHUNK_MAX_BYTES, ~0.25 ms here), immediately followed by its fsync: no record can be
 *   written into the middle of it, and the window in which a group's fdatasync also has to carry
 *   the new size and zeros is as short as it can be (one or two groups per chunk).
 * - durableEnd ≤ fileEnd: the zeros (and the size) below durableEnd were synced by the fill.
 * - No zeros are written past the shape's fileBytesMax (the value log rotates there: zeros past
 *   it would only be cut off again). createLogSegment() creates a segment with its preallocator.
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
import { assert } from '../util/assert.js';
import { isSpaceError } from './errors.js';
import type { EngineLogger } from './options.js';
import { removeQuietly, type Vfs, type VfsFile } from './vfs.js';

/** The first region of a file, and the least it is extended by. */
export const FILL_CHUNK_MIN_BYTES = 64 * 1024;
/** The most a file is extended by at once (the region ahead grows with the file up to this). */
export const FILL_CHUNK_MAX_BYTES = 1024 * 1024;
/**
 * Fills run only after a group of at most this many bytes (commit log and value log): small groups
 * are sync-bound (the metadata a sync saves is a big share of it), big ones are bandwidth-bound
 * (zeros would double their bytes written). YCSB updates are ~1 KiB per commit; a bulk batch is
 * 100s of KiB.
 */
export const FILL_GROUP_BYTES_MAX = 64 * 1024;
const ZEROS = new Uint8Array(FILL_CHUNK_MAX_BYTES);

/** Counters shared by the preallocators of one log. */
export interface PreallocStats {
  /** Zero bytes written ahead of the log. */
  zeroBytes: number;
  /** Fills stopped by a lack of space (the file then grows by appends). */
  spaceFailures: number;
}

/** How a log's regions are sized, and its name in log lines. */
export interface PreallocShape {
  /** The first region of a file, and the least it is extended by. */
  readonly chunkMinBytes: number;
  /** The most a file is extended by at once (at most FILL_CHUNK_MAX_BYTES). */
  readonly chunkMaxBytes: number;
  /** No zeros past this file size (the log rotates there; a group running past it appends). */
  readonly fileBytesMax?: number;
  readonly logName: string;
}

/** The commit log's regions: 64 KiB doubling with the file up to 1 MiB. */
export const COMMIT_LOG_SHAPE: PreallocShape = { chunkMinBytes: FILL_CHUNK_MIN_BYTES, chunkMaxBytes: FILL_CHUNK_MAX_BYTES, logName: 'commit log' };

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
    private readonly shape: PreallocShape,
  ) {
    assert(shape.chunkMinBytes > 0 && shape.chunkMinBytes <= shape.chunkMaxBytes && shape.chunkMaxBytes <= FILL_CHUNK_MAX_BYTES, 'preallocation chunk bounds');
    this.fileEnd = handle.size();
  }

  /**
   * A preallocator for the log file `path` whose records go through `file`, or undefined when the
   * Vfs does not offer positional writes (then the log only appends).
   */
  static open(vfs: Vfs, path: string, file: VfsFile, stats: PreallocStats, logger?: EngineLogger, shape: PreallocShape = COMMIT_LOG_SHAPE): LogPreallocator | undefined {
    if (file.writeAt === undefined) return undefined;
    const handle = vfs.openAppend(path);
    const writeAt = handle.writeAt?.bind(handle);
    if (writeAt === undefined) {
      handle.close();
      return undefined;
    }
    return new LogPreallocator(handle, writeAt, stats, logger, shape);
  }

  /** Fills and syncs the first region (a new file, before it takes records); throws `failure`. */
  async prepare(): Promise<void> {
    const bytes = this.chunkBytes();
    if (bytes > 0) await this.fill(bytes);
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * Starts filling the first region of a new file without waiting for it (a failure shows in
   * `failure`, a lack of space stops filling): records written meanwhile land in its zeros.
   */
  prefill(): void {
    this.advance(this.fileEnd);
  }

  /**
   * Records were written up to `logEnd`: starts a fill when the zeros ahead run short (unless
   * `fill` is false: the owner only wants the end tracked, e.g. during a bulk load).
   */
  advance(logEnd: number, fill = true): void {
    if (logEnd > this.fileEnd) this.fileEnd = logEnd;
    if (!fill || this.running !== undefined || this.stopped || this.spaceless || this.failure !== undefined) return;
    const chunk = this.chunkBytes();
    if (chunk === 0 || this.fileEnd - logEnd >= chunk / 2) return;
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

  /**
   * Stops filling and cuts the file at `path` to `logEnd`, durably, when zeros (or a part-written
   * fill) lie past it — a log segment being rotated out. After a cut filling may go on
   * (truncated()); after none it stays stopped. A failed cut resumes filling and throws.
   */
  async cutTo(vfs: Vfs, path: string, logEnd: number): Promise<void> {
    await this.stop();
    if (this.fileEnd === logEnd && !this.tailUnknown) return;
    try {
      await vfs.truncate(path, logEnd);
    } catch (error) {
      this.resume();
      throw error;
    }
    this.truncated(logEnd);
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

  /**
   * How far to extend the file: doubling with its size from the minimum up to the maximum, and
   * not past fileBytesMax (0: nothing to fill).
   */
  private chunkBytes(): number {
    const chunk = Math.min(this.shape.chunkMaxBytes, Math.max(this.shape.chunkMinBytes, this.fileEnd));
    return Math.max(0, Math.min(chunk, (this.shape.fileBytesMax ?? Infinity) - this.fileEnd));
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
        this.logger?.warn({ path: error.path, errno: error.errno, spaceFailures: this.stats.spaceFailures }, `${this.shape.logName}: no space to preallocate; appending past the end`);
      } else {
        this.failure = error instanceof Error ? error : new Error(String(error));
      }
    }
  }
}

/** A new log segment and its preallocator (undefined: the segment only appends). */
export interface NewLogSegment {
  readonly file: VfsFile;
  readonly prealloc: LogPreallocator | undefined;
}

/**
 * Creates the empty log segment `path` in `dir`, with a preallocator of `shape` (none when
 * undefined); resolves once its directory entry — and, with `prefill`, its first zero-filled
 * region — is durable. On failure nothing of it is left open (the file is removed quietly), so
 * the caller's active segment stays in use.
 */
export async function createLogSegment(
  vfs: Vfs,
  dir: string,
  path: string,
  prealloc: { readonly stats: PreallocStats; readonly shape: PreallocShape | undefined; readonly prefill: boolean; readonly logger: EngineLogger | undefined },
): Promise<NewLogSegment> {
  let file: VfsFile | undefined;
  let fill: LogPreallocator | undefined;
  try {
    file = vfs.openAppend(path);
    if (prealloc.shape !== undefined) fill = LogPreallocator.open(vfs, path, file, prealloc.stats, prealloc.logger, prealloc.shape);
    await Promise.all([vfs.syncDir(dir), prealloc.prefill ? fill?.prepare() : undefined]);
    return { file, prealloc: fill };
  } catch (error) {
    fill?.close();
    file?.close();
    if (file !== undefined) removeQuietly(vfs, path);
    throw error;
  }
}
