/**
 * The production Vfs over node:fs — the only storage file that imports node:fs.
 *
 * Invariants:
 * - Reads and writes use fs.readSync / fs.writeSync at an explicit position (descriptors are not
 *   O_APPEND, so writeAt() works): an append writes at the tracked size. They are synchronous and
 *   reach the OS before the call returns.
 * - size() is tracked per handle, not read from the file system (a write through another handle
 *   of the same path is not seen); truncate() updates it on every open file of the path. A failed append does not count the prefix it may have written (a short write on a
 *   full disk): the caller cuts the file back to size() with truncate() (append-rollback.ts).
 * - On the libuv thread pool, so the event loop keeps running (issue 9: a call that touches
 *   file-system metadata can wait for the journal, many milliseconds on a busy disk): sync()
 *   (fdatasync); writeFileSynced() (open, writes, syncs: whole new files, tables and manifests),
 *   which syncs every SYNC_EVERY_BYTES so the writeback of a big file never queues far ahead of
 *   a commit's fdatasync, and with a pacer awaits it before each PACE_CHUNK_BYTES chunk (so a
 *   background output reaches the disk at the governor's rate, not in one burst); truncate()
 *   (open, ftruncate, fdatasync, close); syncDir() (open, fsync, close). truncate() sets size()
 *   of every open file of the path when called; nothing writes to a file while it is being cut
 *   (its owner awaits the cut).
 * - remove() renames to `<name>.trash` synchronously, then unlinks on the thread pool.
 * - The lock is a LOCK file created with O_EXCL holding the owner's pid. It is stale (and taken
 *   over) when that pid is dead, or is this process's pid but no engine of this process holds it.
 */
import * as fs from 'node:fs';
import { LockError, StorageIOError } from './errors.js';
import { PACE_CHUNK_BYTES, type Vfs, type VfsFile, type VfsLock, type WritePacer } from './vfs.js';

const heldLocks = new Set<string>();
/** Suffix of a file being deleted (NodeVfs.remove); recovery deletes leftovers. */
export const TRASH_SUFFIX = '.trash';
/** Open files by path: truncate() sets their tracked size (size() is tracked, not fstat'ed). */
const openFiles = new Map<string, Set<NodeFile>>();

function io<T>(operation: string, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof StorageIOError || error instanceof LockError) throw error;
    throw new StorageIOError(operation, path, error);
  }
}

/**
 * writeFileSynced() syncs after every this many bytes (as RocksDB's bytes_per_sync): a 32 MiB
 * table synced once at its end queues 32 MiB of writeback ahead of the commit log's next
 * fdatasync (8 KiB fdatasyncs took up to 20–34 ms meanwhile, 9–12 ms with a sync per 4 MiB).
 */
const SYNC_EVERY_BYTES = 4 * 1024 * 1024;

/** Runs a callback-style node:fs call on the thread pool; its error becomes a StorageIOError. */
function poolCall<T>(operation: string, path: string, call: (done: (error: NodeJS.ErrnoException | null, result?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    call((error, result) => (error ? reject(new StorageIOError(operation, path, error)) : resolve(result as T)));
  });
}

/** Writes data[offset, offset + length) at `offset` of `fd` on the thread pool, whole (a short write goes on). */
async function writeChunk(fd: number, path: string, data: Uint8Array, offset: number, length: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const at = offset + done;
    done += await poolCall<number>('write', path, (callback) => fs.write(fd, data, at, length - done, at, callback));
  }
}

class NodeFile implements VfsFile {
  private sizeBytes: number;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly fd: number,
  ) {
    this.sizeBytes = io('fstat', path, () => fs.fstatSync(fd).size);
    let files = openFiles.get(path);
    if (files === undefined) openFiles.set(path, (files = new Set()));
    files.add(this);
  }

  /** The file was truncated to `size` through another descriptor (NodeVfs.truncate). */
  truncated(size: number): void {
    this.sizeBytes = size;
  }

  size(): number {
    return this.sizeBytes;
  }

  read(offset: number, length: number): Uint8Array {
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = io('read', this.path, () => fs.readSync(this.fd, out, done, length - done, offset + done));
      if (n === 0) return out.subarray(0, done);
      done += n;
    }
    return out;
  }

  readInto(offset: number, target: Uint8Array, targetOffset: number, length: number): number {
    // A try/catch rather than io(): no closure per read on the foreground path.
    let done = 0;
    try {
      while (done < length) {
        const n = fs.readSync(this.fd, target, targetOffset + done, length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
    } catch (error) {
      throw new StorageIOError('read', this.path, error);
    }
    return done;
  }

  append(data: Uint8Array): void {
    this.writeAt(this.sizeBytes, data);
  }

  writeAt(offset: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      done += io('write', this.path, () => fs.writeSync(this.fd, data, done, data.length - done, offset + done));
    }
    this.sizeBytes = Math.max(this.sizeBytes, offset + data.length);
  }

  sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      fs.fdatasync(this.fd, (error) => (error ? reject(new StorageIOError('fdatasync', this.path, error)) : resolve()));
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const files = openFiles.get(this.path);
    files?.delete(this);
    if (files?.size === 0) openFiles.delete(this.path);
    io('close', this.path, () => fs.closeSync(this.fd));
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

function tryCreateLock(path: string): boolean {
  try {
    const fd = fs.openSync(path, 'wx');
    fs.writeSync(fd, String(process.pid));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') return false;
    throw new StorageIOError('lock', path, error);
  }
}

function lockIsStale(path: string): boolean {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch {
    return false;
  }
  const pid = Number.parseInt(text, 10);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return !heldLocks.has(path);
  return !pidAlive(pid);
}

export class NodeVfs implements Vfs {
  mkdirp(dir: string): void {
    io('mkdir', dir, () => fs.mkdirSync(dir, { recursive: true }));
  }

  list(dir: string): string[] {
    return io('readdir', dir, () => fs.readdirSync(dir));
  }

  exists(path: string): boolean {
    return fs.existsSync(path);
  }

  openRead(path: string): VfsFile {
    return new NodeFile(path, io('open', path, () => fs.openSync(path, 'r')));
  }

  openAppend(path: string): VfsFile {
    return new NodeFile(path, io('open', path, () => fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_CREAT)));
  }

  async writeFileSynced(path: string, data: Uint8Array, pace?: WritePacer): Promise<void> {
    // Opened, written and synced on the libuv thread pool (a big table must not block the event
    // loop, e.g. while the kernel throttles writers of dirty pages).
    const fd = await poolCall<number>('open', path, (done) => fs.open(path, 'w', done));
    try {
      let unsynced = 0;
      for (let offset = 0; offset < data.length; offset += PACE_CHUNK_BYTES) {
        const length = Math.min(PACE_CHUNK_BYTES, data.length - offset);
        if (pace !== undefined) await pace(length);
        await writeChunk(fd, path, data, offset, length);
        unsynced += length;
        if (unsynced >= SYNC_EVERY_BYTES && offset + length < data.length) {
          await poolCall<void>('fdatasync', path, (callback) => fs.fdatasync(fd, callback));
          unsynced = 0;
        }
      }
      await poolCall<void>('fdatasync', path, (callback) => fs.fdatasync(fd, callback));
    } finally {
      await poolCall<void>('close', path, (callback) => fs.close(fd, callback));
    }
  }

  async truncate(path: string, size: number): Promise<void> {
    for (const open of openFiles.get(path) ?? []) open.truncated(size);
    const fd = await poolCall<number>('open', path, (done) => fs.open(path, 'r+', done));
    try {
      await poolCall<void>('truncate', path, (done) => fs.ftruncate(fd, size, done));
      await poolCall<void>('fdatasync', path, (done) => fs.fdatasync(fd, done));
    } finally {
      await poolCall<void>('close', path, (done) => fs.close(fd, done));
    }
  }

  /**
   * Renames the file away at once (its name is free and list/exists agree from now on), then
   * unlinks it on the thread pool: freeing a big file can wait for its pages' writeback, which
   * must not stall the event loop. A `.trash` file a crash leaves behind is deleted on open.
   */
  remove(path: string): void {
    const trash = path.endsWith(TRASH_SUFFIX) ? path : path + TRASH_SUFFIX;
    if (trash !== path) {
      try {
        fs.renameSync(path, trash);
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return;
        throw new StorageIOError('unlink', path, error);
      }
    }
    fs.unlink(trash, () => {});
  }

  async syncDir(dir: string): Promise<void> {
    const fd = await poolCall<number>('open', dir, (done) => fs.open(dir, 'r', done));
    try {
      await poolCall<void>('fsync', dir, (done) => fs.fsync(fd, done));
    } finally {
      fs.close(fd, () => {});
    }
  }

  lock(path: string): VfsLock {
    if (!tryCreateLock(path)) {
      if (!lockIsStale(path)) throw new LockError(path);
      io('unlink', path, () => fs.rmSync(path, { force: true }));
      if (!tryCreateLock(path)) throw new LockError(path);
    }
    heldLocks.add(path);
    return {
      release: (): void => {
        if (!heldLocks.delete(path)) return;
        fs.rmSync(path, { force: true });
      },
    };
  }
}
