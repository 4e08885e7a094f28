/**
 * A Vfs that forwards every call to another, for test VFSs that change one thing: subclasses
 * override `syncFile` (a file's fsync), `aroundDurable` (whole-file writes, truncates, directory
 * syncs) or `afterRemove`, and inherit the rest unchanged.
 *
 * - Files are wrapped only so that their sync() goes through syncFile(); reads and appends reach
 *   the inner file directly, and so do positional writes and reads (writeAt, readInto) when the inner file has them.
 */
import type { Vfs, VfsFile, VfsLock, WritePacer } from '../../src/storage/index.js';

export class DelegatingVfs implements Vfs {
  constructor(readonly inner: Vfs) {}

  /** A file's fsync; the default just syncs it. */
  protected syncFile(file: VfsFile): Promise<void> {
    return file.sync();
  }

  /** Operations that reach the disk's cache flush, other than a file's fsync. */
  protected aroundDurable(operation: Promise<void>): Promise<void> {
    return operation;
  }

  /** Called after a file was removed. */
  protected afterRemove(): void {}

  private wrap(file: VfsFile): VfsFile {
    return {
      path: file.path,
      size: () => file.size(),
      read: (offset, length) => file.read(offset, length),
      ...(file.readInto === undefined ? {} : { readInto: (offset: number, target: Uint8Array, targetOffset: number, length: number) => file.readInto?.(offset, target, targetOffset, length) ?? 0 }),
      append: (data) => file.append(data),
      ...(file.writeAt === undefined ? {} : { writeAt: (offset: number, data: Uint8Array) => file.writeAt?.(offset, data) }),
      sync: () => this.syncFile(file),
      close: () => file.close(),
    };
  }

  mkdirp(dir: string): void {
    this.inner.mkdirp(dir);
  }
  list(dir: string): string[] {
    return this.inner.list(dir);
  }
  exists(path: string): boolean {
    return this.inner.exists(path);
  }
  openRead(path: string): VfsFile {
    return this.wrap(this.inner.openRead(path));
  }
  openAppend(path: string): VfsFile {
    return this.wrap(this.inner.openAppend(path));
  }
  writeFileSynced(path: string, data: Uint8Array, pace?: WritePacer): Promise<void> {
    return this.aroundDurable(this.inner.writeFileSynced(path, data, pace));
  }
  truncate(path: string, size: number): Promise<void> {
    return this.aroundDurable(this.inner.truncate(path, size));
  }
  remove(path: string): void {
    this.inner.remove(path);
    this.afterRemove();
  }
  syncDir(dir: string): Promise<void> {
    return this.aroundDurable(this.inner.syncDir(dir));
  }
  lock(path: string): VfsLock {
    return this.inner.lock(path);
  }
}
