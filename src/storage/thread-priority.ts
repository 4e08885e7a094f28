/**
 * The CPU priority of the engine's background threads (the compaction worker and the flush
 * worker): each lowers its own nice value when it starts, as RocksDB lowers its background
 * threads' priority, so on a busy machine the event loop's foreground reads win the CPU over a
 * merge or a table build running flat out.
 *
 * Invariants:
 * - Linux keeps a nice value per thread: os.setPriority() with no pid lowers only the calling
 *   thread, never the event loop's.
 * - Where lowering is not permitted, the thread runs at normal priority (no error).
 */
import { setPriority } from 'node:os';

/** The nice value of background threads. */
export const BACKGROUND_NICE = 10;

/** Lowers the calling thread's CPU priority to BACKGROUND_NICE (see the invariants). */
export function lowerThreadPriority(): void {
  try {
    setPriority(BACKGROUND_NICE);
  } catch {
    // Not permitted here: the thread runs at normal priority.
  }
}
