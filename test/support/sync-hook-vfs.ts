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
import type { Vfs, VfsFile } from '../../src/storage/index.js';
import { DelegatingVfs } from './delegating-vfs.js';

export class SyncHookVfs extends DelegatingVfs {
  constructor(
    inner: Vfs,
    private readonly hook: (before: boolean) => void,
  ) {
    super(inner);
  }

  protected override async syncFile(file: VfsFile): Promise<void> {
    this.hook(true);
    await file.sync();
    this.hook(false);
  }

  protected override async aroundDurable(operation: Promise<void>): Promise<void> {
    this.hook(true);
    await operation;
    this.hook(false);
  }

  protected override afterRemove(): void {
    this.hook(false);
  }
}
