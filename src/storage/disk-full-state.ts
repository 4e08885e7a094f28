/**
 * The engine's disk-full state: entered when a commit group, flush, compaction or GC finds no
 * space (ENOSPC, EDQUOT on a write or create — errors.ts isSpaceError), left when the kind of
 * work that entered it (`where`) succeeds again. While in it, failed commits get the space error (SQLSTATE 53100
 * above), reads are served as always, and background work is retried with backoff.
 *
 * Invariants:
 * - Each transition is logged once: entering at error (where, errno, path, operation), leaving at
 *   info with how long it lasted; the space errors in between (of any work) are only counted, so
 *   a full disk that fails commits and flushes alike logs one episode, not one line per failure.
 * - Only space errors enter it; any other failure (a failed fsync included) fails the engine
 *   (sticky) instead.
 */
import { isSpaceError, type StorageIOError } from './errors.js';
import type { EngineLogger } from './options.js';

export class DiskFullState {
  private sinceMs: number | undefined;
  private enteredBy = '';
  /** Times the engine entered the state. */
  episodes = 0;
  /** Space errors seen (commit groups and background jobs that failed for lack of space). */
  errors = 0;

  constructor(private readonly logger: EngineLogger) {}

  get active(): boolean {
    return this.sinceMs !== undefined;
  }

  /** Records a space error of `where` ('commit', 'flush', 'compaction', 'gc', …). */
  enter(error: StorageIOError, where: string): void {
    this.errors++;
    if (this.sinceMs !== undefined) return;
    this.sinceMs = performance.now();
    this.enteredBy = where;
    this.episodes++;
    this.logger.error(
      { where, errno: error.errno, path: error.path, operation: error.operation },
      'disk full: writes fail (reads continue) until space returns',
    );
  }

  /** Records a success of `where`: leaves the state if that kind of work entered it. */
  leave(where: string): void {
    if (this.sinceMs === undefined || where !== this.enteredBy) return;
    const durationMs = Math.round(performance.now() - this.sinceMs);
    this.sinceMs = undefined;
    this.logger.info({ where, durationMs, spaceErrors: this.errors }, 'disk space available again: writes resume');
  }

  /**
   * Awaits work that lack of space only postpones (a manifest rotation, retried at its next
   * occasion): a space error is recorded and swallowed, any other error is thrown.
   */
  async tolerate(where: string, work: Promise<void>): Promise<void> {
    try {
      await work;
    } catch (error) {
      if (!isSpaceError(error)) throw error;
      this.enter(error, where);
      return;
    }
    this.leave(where);
  }
}
