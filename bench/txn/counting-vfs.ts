/**
 * A Vfs that delegates to another and counts the operations that reach the disk's cache flush
 * (file sync, synced whole-file writes, truncates, directory syncs) — fsyncs per commit.
 */
import type { Vfs, VfsFile, VfsLock } from '../../src/storage/index.js';

export class CountingVfs implements Vfs {
  syncs = 0;

  constructor(private readonly inner: Vfs) {}

  private wrap(file: VfsFile): VfsFile {
    return {
      path: file.path,
      size: () => file.size(),
      read: (offset, length) => file.read(offset, length),
      append: (data) => file.append(data),
      sync: () => {
        this.syncs++;
        return file.sync();
      },
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
  writeFileSynced(path: string, data: Uint8Array): Promise<void> {
    this.syncs++;
    return this.inner.writeFileSynced(path, data);
  }
  truncate(path: string, size: number): Promise<void> {
    this.syncs++;
    return this.inner.truncate(path, size);
  }
  remove(path: string): void {
    this.inner.remove(path);
  }
  syncDir(dir: string): Promise<void> {
    this.syncs++;
    return this.inner.syncDir(dir);
  }
  lock(path: string): VfsLock {
    return this.inner.lock(path);
  }
}
