/**
 * Reads timed while writes run beside them in the same thread, as a server meets a mixed load
 * (governor-sweep.ts): READS_PER_TURN reads per event-loop turn, turn after turn, and fsynced
 * write batches started between the turns. Two ways to offer the writes:
 *
 * - closed loop (`intervalMs` 0, one in flight): the next batch starts as soon as the last one is
 *   durable, so the write rate is whatever the machine sustains — it saturates this 2-core machine
 *   (the writer's commits, the flushes, compactions and GC they cause, and the reads);
 * - paced (`intervalMs` > 0): a batch starts every `intervalMs`, up to `inFlightMax` at once — a
 *   fixed offered write rate, as db_bench's readwhilewriting with a write rate limit measures a
 *   rate limiter, so the background budget and not the offered load decides what runs beside
 *   the reads. A writer that falls behind catches up at most `inFlightMax` batches at a time;
 *   the rate achieved is returned.
 *
 * The writes come from `write(batchIndex)`; the same loop also times the reads beside writes that
 * are not the engine's (the fsync control, fsync-writer.ts).
 */

export interface WritePacing {
  /** Milliseconds between batch starts; 0 = closed loop (start when the last one is durable). */
  readonly intervalMs: number;
  readonly inFlightMax: number;
}

export const CLOSED_LOOP: WritePacing = { intervalMs: 0, inFlightMax: 1 };

/**
 * Runs for `seconds`: `reads(count, out)` times `count` reads into `out` every turn, `write` is
 * started as `pacing` says. Returns the batches written (all durable when it returns).
 */
export async function readWhileWriting(
  seconds: number,
  pacing: WritePacing,
  write: (batchIndex: number) => Promise<unknown>,
  reads: (count: number, out: number[]) => void,
  readsPerTurn: number,
  out: number[],
): Promise<number> {
  let inFlight = 0;
  let batches = 0;
  let failure: unknown;
  const done = (): void => {
    inFlight--;
  };
  const failed = (error: unknown): void => {
    inFlight--;
    failure ??= error;
  };
  const start = performance.now();
  let nextStartMs = start;
  while (performance.now() - start < seconds * 1000 && failure === undefined) {
    if (inFlight < pacing.inFlightMax && performance.now() >= nextStartMs) {
      nextStartMs = pacing.intervalMs === 0 ? start : nextStartMs + pacing.intervalMs;
      inFlight++;
      write(batches++).then(done, failed);
    }
    reads(readsPerTurn, out);
    await new Promise((resolve) => setImmediate(resolve));
  }
  while (inFlight > 0) await new Promise((resolve) => setImmediate(resolve));
  if (failure !== undefined) throw failure;
  return batches;
}

/** The pacing that offers `bytesPerSec` in batches of `batchBytes`, at most 4 batches in flight. */
export function pacedWrites(bytesPerSec: number, batchBytes: number): WritePacing {
  return { intervalMs: (batchBytes / bytesPerSec) * 1000, inFlightMax: 4 };
}
