/**
 * The file-system interface of the storage engine (DESIGN.md, I/O and threads). Every byte the
 * engine reads or writes goes through a Vfs: `vfs-node.ts` in production, `vfs-memory.ts` (crash
 * simulation) and `vfs-fault.ts` (error injection) in tests.
 *
 * Invariants:
 * - Reads are synchronous and positional; appends (and positional writes) are synchronous (they
 *   reach the OS, not the disk); only sync() makes bytes durable, and it is asynchronous so group
 *   commit can batch behind it. A sync() makes every byte written to the file durable, through
 *   whichever of its open handles it was written (fdatasync: the page cache is per file).
 * - writeAt() is optional (a wrapping Vfs may not offer it): the commit log then only appends and
 *   keeps no preallocated region (log-preallocator.ts).
 * - Every failure is thrown as a StorageIOError naming the operation and the path (errno kept).
 * - A failed append may leave a prefix of its data in the file (a short write on a full disk);
 *   truncate() back to the size before the append removes it, and from then on size() of every
 *   open file of that path reports the truncated size.
 * - Metadata operations (create, remove, rename) of a path are durable once syncDir() of its
 *   directory resolves.
 * - lock() is exclusive across processes and within one process; a second lock() of a held path
 *   throws LockError at once.
 * - writeFileSynced() with a pacer awaits it before each chunk of at most PACE_CHUNK_BYTES, with
 *   that chunk's length, before the chunk is written: the lengths add up to the data's length when
 *   the write completes, and no byte is written ahead of its pacer call. Without one, the write
 *   runs unpaced (the commit path, flushes and manifests never pass one).
 */

/**
 * Called before each chunk of a paced whole-file write with the chunk's length; the write goes on
 * when it resolves (background outputs draw from the governor's token bucket through it).
 */
export type WritePacer = (bytes: number) => Promise<void>;

/** The largest chunk a paced writeFileSynced() writes per pacer call (and NodeVfs per write call). */
export const PACE_CHUNK_BYTES = 1024 * 1024;

/** A file opened for positional reads and appends. */
export interface VfsFile {
  readonly path: string;
  /** Current size in bytes (including appended bytes not yet synced). */
  size(): number;
  /** Reads exactly `length` bytes at `offset` into a fresh buffer; fewer only at end of file. */
  read(offset: number, length: number): Uint8Array;
  /**
   * Reads up to `length` bytes at `offset` into target[targetOffset…]; returns the count (fewer only
   * at end of file). Optional (a wrapping Vfs may not offer it): readers then use read() and copy
   * (read-into.ts), so the foreground read path can avoid a fresh buffer per read.
   */
  readInto?(offset: number, target: Uint8Array, targetOffset: number, length: number): number;
  /** Appends `data` at the end of the file. */
  append(data: Uint8Array): void;
  /**
   * Writes `data` at `offset` (over existing bytes, or past the end: a gap reads as zeros); size()
   * becomes at least offset + data.length. Like append(), a failure may leave a prefix written.
   */
  writeAt?(offset: number, data: Uint8Array): void;
  /** Makes every appended byte durable (fdatasync). */
  sync(): Promise<void>;
  close(): void;
}

/** A held lock; release() frees it. */
export interface VfsLock {
  release(): void;
}

export interface Vfs {
  mkdirp(dir: string): void;
  /** File names (not paths) in `dir`, unsorted. */
  list(dir: string): string[];
  exists(path: string): boolean;
  /** Opens an existing file for reads (and appends). */
  openRead(path: string): VfsFile;
  /** Opens `path` for appends, creating it empty when absent. */
  openAppend(path: string): VfsFile;
  /**
   * Replaces the whole content of `path` (creating it) and syncs it; `pace`, when given, is awaited
   * before each chunk (see the invariants). A wrapping Vfs may drop it (the write is then unpaced).
   */
  writeFileSynced(path: string, data: Uint8Array, pace?: WritePacer): Promise<void>;
  /** Cuts `path` to `size` bytes and syncs it. */
  truncate(path: string, size: number): Promise<void>;
  remove(path: string): void;
  /** Makes the creations, removals and renames in `dir` durable. */
  syncDir(dir: string): Promise<void>;
  /** Takes the exclusive lock `path` (see the invariants above). */
  lock(path: string): VfsLock;
}

/** Joins a directory and a file name with '/'. */
export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/**
 * Removes `path`, ignoring a failure: for the partial output of a job that failed for lack of
 * space (a file no manifest names; the next open deletes it if this cannot).
 */
export function removeQuietly(vfs: Vfs, path: string): void {
  try {
    vfs.remove(path);
  } catch {
    // Left for recovery: it removes files of these patterns that the manifest does not name.
  }
}
