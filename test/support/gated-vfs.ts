/**
 * A Vfs (over another, usually a MemoryVfs) whose value-log syncs can be held back: while
 * `holdVlogSyncs` is set, a `.vlog` file's sync waits until release(). For tests of what a commit
 * or a flush may do before the value log is durable (torn groups, copied values).
 */
import type { VfsFile } from '../../src/storage/index.js';
import { DelegatingVfs } from './delegating-vfs.js';

export class GatedVfs extends DelegatingVfs {
  holdVlogSyncs = false;
  private held: Array<() => void> = [];

  /** Stops holding and lets every held sync go on. */
  release(): void {
    this.holdVlogSyncs = false;
    for (const resolve of this.held.splice(0)) resolve();
  }

  protected override async syncFile(file: VfsFile): Promise<void> {
    if (this.holdVlogSyncs && file.path.endsWith('.vlog')) await new Promise<void>((resolve) => this.held.push(resolve));
    await file.sync();
  }
}
