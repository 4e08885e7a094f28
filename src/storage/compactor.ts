/**
 * The background scheduler: after every flush (and on open) it runs, one at a time, the most
 * urgent compaction (compaction-picker.ts), else a value-log GC of the segment with the most
 * garbage (vlog-gc.ts), until neither is due. It also applies the L0 write stalls.
 *
 * Invariants:
 * - At most one job runs at a time (see compaction-job.ts for why that keeps inputs installable).
 * - A job that finds no space (errors.ts isSpaceError) has deleted its outputs; background work
 *   pauses and is retried with backoff (retry-backoff.ts), and commit groups that would wait in an
 *   L0 stop stall get its error instead. Any other job failure stops background work and is
 *   reported once through onFail (sticky failure).
 * - L0 stalls: at l0StopTrigger tables a commit group waits until compaction brings L0 below it;
 *   at l0SlowdownTrigger each group waits 1 ms. Both are counted, timed and logged — never silent.
 * - compactAll() runs after the current job and merges every table into one level, then runs GC
 *   until no segment passes the threshold; compactAll(false) (VACUUM) runs only the GC part.
 * - The governor's pressure follows the L0 table count (l0Pressure): whatever job holds the one
 *   background slot, the adaptation never starves it while L0 backs up behind it (every read then
 *   probes more tables, and at l0StopTrigger writers stall).
 */
import type { BackgroundContext } from './background-context.js';
import { newCompactionCounters, runCompaction } from './compaction-job.js';
import { isSpaceError, type StorageIOError } from './errors.js';
import { RetryBackoff } from './retry-backoff.js';
import { pickCompaction, pickFullCompaction, type CompactionPick } from './compaction-picker.js';
import { newGcCounters, pickGc, runGc, type ExactCheck } from './vlog-gc.js';

const SLOWDOWN_MS = 1;

/**
 * The governor's pressure while L0 holds `l0Tables` tables: none below the trigger, a quarter of
 * the budget at it (a trigger of 4), rising by as much per table beyond, the whole budget from
 * 2 × trigger − 1 tables on. Measured in the governor sweep (bench/kv/governor-mechanics.ts):
 * without it the read adaptation cut the rate to an eighth of the budget, L0 grew to the stop
 * trigger (reads probed 18 tables on average) and writers stalled for seconds.
 */
export function l0Pressure(l0Tables: number, trigger: number): number {
  if (l0Tables < trigger) return 0;
  return Math.min(1, (l0Tables - trigger + 1) / trigger);
}

export class Compactor {
  readonly compaction = newCompactionCounters();
  readonly gc = newGcCounters();
  stopStalls = 0;
  stopStallMs = 0;
  slowdownStalls = 0;
  slowdownStallMs = 0;
  stallMsMax = 0;
  /** Told each compaction's duration (metrics); must not throw. */
  onCompaction: ((ms: number) => void) | undefined;
  private task: Promise<void> | undefined;
  private stopped = false;
  private waiters: Array<() => void> = [];
  private readonly cursors: Array<Uint8Array | undefined> = [];
  /** Segment → its last exact liveness check that found it below the threshold. */
  private readonly checked = new Map<number, ExactCheck>();
  /** The error of the last job while it failed for lack of space (cleared by a success). */
  spaceError: StorageIOError | undefined;
  private readonly retry = new RetryBackoff(() => this.schedule());

  constructor(
    private readonly context: BackgroundContext,
    private readonly onFail: (error: unknown) => void,
  ) {
    const { options, flusher, governor } = context;
    governor.pressureOf = () => l0Pressure(flusher.version.levels[0]?.length ?? 0, options.l0CompactionTrigger);
  }

  /** Starts the background loop unless it runs already. */
  schedule(): void {
    if (this.stopped || this.task !== undefined || this.retry.pending) return;
    this.task = this.run(() => this.step()).finally(() => {
      this.task = undefined;
      this.notify();
    });
  }

  /** The commit watch (governor.ts): one commit group's append-to-durable latency (µs). */
  recordCommitUs(latencyUs: number): void {
    this.context.governor.recordCommit(latencyUs);
  }

  /** Runs a paused retry now (space returned). */
  retryNow(): void {
    if (!this.retry.pending) return;
    this.retry.cancel();
    this.schedule();
  }

  get busy(): boolean {
    return this.task !== undefined;
  }

  /** Resolves once no job runs. */
  async idle(): Promise<void> {
    while (this.task !== undefined) await this.task;
  }

  /** Full compaction (unless merge is false) and GC, for admin use (see the invariants). */
  async compactAll(merge = true): Promise<void> {
    await this.idle();
    if (this.stopped) return;
    this.retry.cancel();
    this.spaceError = undefined;
    let full = merge;
    this.task = this.run(async () => {
      if (full) {
        full = false;
        const pick = pickFullCompaction(this.context.flusher.version);
        if (pick !== undefined) await this.compact(pick);
        return true;
      }
      return this.gcStep();
    }).finally(() => {
      this.task = undefined;
      this.notify();
    });
    await this.idle();
    this.schedule();
    await this.idle();
    if (this.spaceError !== undefined) throw this.spaceError;
  }

  stop(): void {
    this.stopped = true;
    this.retry.cancel();
    this.notify();
  }

  /** Applies the L0 stalls before a commit group (see the invariants). */
  async waitForL0Room(): Promise<void> {
    const { options } = this.context;
    const l0 = (): number => this.context.flusher.version.levels[0]?.length ?? 0;
    if (l0() < options.l0SlowdownTrigger || this.stopped) return;
    const start = performance.now();
    if (l0() < options.l0StopTrigger) {
      this.slowdownStalls++;
      await new Promise((resolve) => setTimeout(resolve, SLOWDOWN_MS));
      this.slowdownStallMs += performance.now() - start;
      return;
    }
    const stalled = (): boolean => l0() >= options.l0StopTrigger && !this.stopped;
    if (this.spaceError !== undefined) {
      // Writers drive the retries (attempts stay RETRY_MS_MIN apart): writes resume once space returns.
      await this.retry.waitTurn();
      this.retryNow();
      await this.idle();
      if (stalled() && this.spaceError !== undefined) throw this.spaceError;
      if (!stalled()) return;
    }
    this.stopStalls++;
    options.logger.debug({ l0Tables: l0() }, 'write stall start: L0 reached l0StopTrigger');
    while (stalled() && this.spaceError === undefined) {
      this.schedule();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    const ms = performance.now() - start;
    this.stopStallMs += ms;
    this.stallMsMax = Math.max(this.stallMsMax, ms);
    options.logger.warn({ stallMs: Math.round(ms), l0Tables: l0() }, 'write stall: L0 reached l0StopTrigger');
    if (stalled() && this.spaceError !== undefined) throw this.spaceError;
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private async run(step: () => Promise<boolean>): Promise<void> {
    while (!this.stopped) {
      let more = false;
      this.context.governor.backgroundActive = true;
      this.retry.attempted();
      try {
        more = await step();
        if (this.context.manifest.needsRotation) await this.context.diskFull.tolerate('manifest rotation', this.context.manifest.rotate());
        this.succeeded();
      } catch (error) {
        more = false;
        if (isSpaceError(error)) this.retryLater(error);
        else {
          this.stopped = true;
          this.onFail(error);
        }
      } finally {
        this.context.governor.backgroundActive = false;
      }
      this.notify();
      if (!more) return;
    }
  }

  private succeeded(): void {
    this.spaceError = undefined;
    this.retry.reset();
    this.context.diskFull.leave('compaction');
  }

  private retryLater(error: StorageIOError): void {
    this.spaceError = error;
    this.context.diskFull.enter(error, 'compaction');
    const retryMs = this.retry.later();
    this.context.options.logger.warn({ retryMs, path: error.path }, 'compaction or GC failed for lack of space: retrying');
  }

  private async step(): Promise<boolean> {
    const pick = pickCompaction(this.context.flusher.version, this.context.options, this.cursors);
    if (pick !== undefined) {
      await this.compact(pick);
      return true;
    }
    return this.gcStep();
  }

  private async compact(pick: CompactionPick): Promise<void> {
    const msBefore = this.compaction.compactionMs;
    await runCompaction(this.context, pick, this.compaction);
    // A trivial move renames a table: it is not timed as a compaction.
    if (!pick.trivialMove) this.onCompaction?.(this.compaction.compactionMs - msBefore);
  }

  private async gcStep(): Promise<boolean> {
    const pick = await pickGc(this.context, this.checked);
    if (pick === undefined || this.stopped) return false;
    await runGc(this.context, pick, this.gc);
    this.checked.delete(pick.segment);
    return true;
  }
}
