/**
 * A Vfs that delegates to another and calls `hook(before)` around every operation that reaches
 * the disk's cache flush (file sync, synced whole-file writes, truncates, directory syncs), and
 * `hook(false)` after a remove. Crash tests take crash images in the hook; the transaction bench
 * counts fsyncs with it (`hook(true)` once per flush).
 *
 * - writeFileSynced starts the write before calling `hook(true)`: the memory Vfs replaces the
 *   content at once and syncs after a turn, so an image taken in between may keep any prefix of the
 *   new content (a torn table, manifest or superblock) — exactly the case crash tests want.
 */
import type { Vfs, VfsFile, VfsLock } from '../../src/storage/index.js';

export class SyncHookVfs implements Vfs {
  constructor(
    readonly inner: Vfs,
    private readonly hook: (before: boolean) => void,
  ) {}

  private wrap(file: VfsFile): VfsFile {
    const hook = this.hook;
    return {
      path: file.path,
      size: () => file.size(),
      read: (offset, length) => file.read(offset, length),
      append: (data) => file.append(data),
      sync: async () => {
        hook(true);
        await file.sync();
        hook(false);
      },
      close: () => file.close(),
    };
  }

  private async around(operation: Promise<void>): Promise<void> {
    this.hook(true);
    await operation;
    this.hook(false);
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
    return this.around(this.inner.writeFileSynced(path, data));
  }
  truncate(path: string, size: number): Promise<void> {
    return this.around(this.inner.truncate(path, size));
  }
  remove(path: string): void {
    this.inner.remove(path);
    this.hook(false);
  }
  syncDir(dir: string): Promise<void> {
    return this.around(this.inner.syncDir(dir));
  }
  lock(path: string): VfsLock {
    return this.inner.lock(path);
  }
}
