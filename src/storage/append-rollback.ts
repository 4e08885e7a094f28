/**
 * Cutting a log back after an append that found no space (ENOSPC, EDQUOT). A full disk may take
 * a prefix of an append (a short write) before it fails; those bytes are a partial record that
 * must never be read back, and no later record may follow them. So the append's file is truncated
 * (durably) to its size before the append, and the engine keeps serving (engine.ts).
 *
 * Invariants:
 * - AppendMark remembers the size before the last failed append of one file (or, for a log written
 *   at its log end inside a preallocated region, the offset of the failed write: writeAt()); cut()
 *   truncates the file to it and forgets it, so a second cut() is a no-op.
 * - A failed cut is a StorageIOError with operation 'rollback': never a space error (errors.ts),
 *   so the engine turns it into its sticky failure — the file may end in garbage.
 */
import { assert } from '../util/assert.js';
import { StorageIOError } from './errors.js';
import type { Vfs, VfsFile } from './vfs.js';

export class AppendMark {
  private path: string | undefined;
  private sizeBytes = 0;

  constructor(private readonly vfs: Vfs) {}

  /** Appends `data` to `file`; on failure remembers where to cut back to and rethrows. */
  append(file: VfsFile, data: Uint8Array): void {
    const before = file.size();
    try {
      file.append(data);
    } catch (error) {
      this.path = file.path;
      this.sizeBytes = before;
      throw error;
    }
  }

  /**
   * Writes `data` at `offset`, the log end of a file whose bytes past it are zeros or garbage
   * (log-preallocator.ts); on failure remembers `offset` as where to cut back to and rethrows.
   */
  writeAt(file: VfsFile, offset: number, data: Uint8Array): void {
    const writeAt = file.writeAt;
    assert(writeAt !== undefined, 'writeAt() of a file without positional writes');
    try {
      writeAt.call(file, offset, data);
    } catch (error) {
      this.path = file.path;
      this.sizeBytes = offset;
      throw error;
    }
  }

  /** True after a failed append that was not cut back yet. */
  get pending(): boolean {
    return this.path !== undefined;
  }

  /**
   * Truncates the file of the last failed append back to its size before it (durably); returns
   * that size, or undefined when nothing was pending.
   */
  async cut(): Promise<number | undefined> {
    const path = this.path;
    if (path === undefined) return undefined;
    try {
      await this.vfs.truncate(path, this.sizeBytes);
    } catch (error) {
      // Keep the errno of the truncate's own cause (the Vfs wraps it in a StorageIOError).
      throw new StorageIOError('rollback', path, error instanceof StorageIOError ? (error.cause ?? error) : error);
    }
    this.path = undefined;
    return this.sizeBytes;
  }
}
