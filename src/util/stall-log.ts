/**
 * The stall log (issue 9): event-loop stalls and garbage-collection pauses of at least
 * `stallMsMin`, logged with their length, so a latency spike seen by clients can be matched with
 * what the engine logged at the same moment (flush, compaction, commit-log rotation: debug level).
 *
 * Invariants:
 * - Cheap enough to leave on: one unref'd timer every STALL_TICK_MS and one GC observer; nothing
 *   per statement. A stall is a tick that came at least `stallMsMin` late.
 * - A stall line says how long the event loop was busy in it (`busyMs`, from the event-loop
 *   utilization): busy ≈ stall is synchronous work or GC on this thread (or this process waiting
 *   for a CPU); busy ≈ 0 is the loop idle in its poll while the tick was due (the whole process
 *   or machine held up).
 * - stop() clears the timer and disconnects the observer.
 */
import { constants, performance, PerformanceObserver, type EventLoopUtilization } from 'node:perf_hooks';

/** How often the event loop is sampled (a stall shorter than a tick's lateness is not seen). */
export const STALL_TICK_MS = 10;

/** The logging the stall log needs (a pino logger satisfies it). */
export interface StallLogger {
  info(fields: Record<string, unknown>, message: string): void;
}

export interface StallLog {
  stop(): void;
}

const GC_KINDS: ReadonlyMap<number, string> = new Map([
  [constants.NODE_PERFORMANCE_GC_MINOR, 'scavenge'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'mark-compact'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental-marking'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weak-callbacks'],
]);

function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Starts logging stalls and GC pauses of at least `stallMsMin` (> 0) to `logger`. */
export function startStallLog(logger: StallLogger, stallMsMin: number): StallLog {
  if (!(stallMsMin > 0)) throw new RangeError('stallMsMin must be above 0');
  let lastMs = performance.now();
  let lastUtilization: EventLoopUtilization = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const nowMs = performance.now();
    const lateMs = nowMs - lastMs - STALL_TICK_MS;
    const utilization = performance.eventLoopUtilization();
    if (lateMs >= stallMsMin) {
      const busyMs = performance.eventLoopUtilization(utilization, lastUtilization).active;
      logger.info({ stallMs: roundMs(lateMs), busyMs: roundMs(busyMs) }, 'event loop stall');
    }
    lastMs = nowMs;
    lastUtilization = utilization;
  }, STALL_TICK_MS);
  timer.unref();
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.duration < stallMsMin) continue;
      const kind = (entry as { readonly detail?: { readonly kind?: number } }).detail?.kind ?? -1;
      logger.info({ gc: GC_KINDS.get(kind) ?? String(kind), pauseMs: roundMs(entry.duration) }, 'gc pause');
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop(): void {
      clearInterval(timer);
      observer.disconnect();
    },
  };
}
