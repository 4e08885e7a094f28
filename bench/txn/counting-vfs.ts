/**
 * A Vfs that counts the operations that reach the disk's cache flush (file sync, synced whole-file
 * writes, truncates, directory syncs) — fsyncs per commit.
 */
import type { Vfs } from '../../src/storage/index.js';
import { SyncHookVfs } from '../../test/support/sync-hook-vfs.js';

export class CountingVfs extends SyncHookVfs {
  private readonly counter: { syncs: number };

  constructor(inner: Vfs) {
    const counter = { syncs: 0 };
    super(inner, (before) => {
      if (before) counter.syncs++;
    });
    this.counter = counter;
  }

  get syncs(): number {
    return this.counter.syncs;
  }
}
