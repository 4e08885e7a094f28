/**
 * The background scheduler: after every flush (and on open) it runs, one at a time, the most
 * urgent compaction (compaction-picker.ts), else a value-log GC of the segment with the most
 * garbage (vlog-gc.ts), until neither is due. It also applies the L0 write stalls.
 *
 * Invariants:
 * - At most one job runs at a time (see compaction-job.ts for why that keeps inputs installable).
 * - A job failure stops background work and is reported once through onFail (sticky failure).
 * - L0 stalls: at l0StopTrigger tables a commit group waits until compaction brings L0 below it;
 *   at l0SlowdownTrigger each group waits 1 ms. Both are counted, timed and logged — never silent.
 * - compactAll() runs after the current job and merges every table into one level, then runs GC
 *   until no segment passes the threshold.
 */
import type { BackgroundContext } from './background-context.js';
import { newCompactionCounters, runCompaction } from './compaction-job.js';
import { pickCompaction, pickFullCompaction } from './compaction-picker.js';
import { newGcCounters, pickGc, runGc, type ExactCheck } from './vlog-gc.js';

const SLOWDOWN_MS = 1;

export class Compactor {
  readonly compaction = newCompactionCounters();
  readonly gc = newGcCounters();
  stopStalls = 0;
  stopStallMs = 0;
  slowdownStalls = 0;
  slowdownStallMs = 0;
  stallMsMax = 0;
  private task: Promise<void> | undefined;
  private stopped = false;
  private waiters: Array<() => void> = [];
  private readonly cursors: Array<Uint8Array | undefined> = [];
  /** Segment → its last exact liveness check that found it below the threshold. */
  private readonly checked = new Map<number, ExactCheck>();

  constructor(
    private readonly context: BackgroundContext,
    private readonly onFail: (error: unknown) => void,
  ) {}

  /** Starts the background loop unless it runs already. */
  schedule(): void {
    if (this.stopped || this.task !== undefined) return;
    this.task = this.run(() => this.step()).finally(() => {
      this.task = undefined;
      this.notify();
    });
  }

  get busy(): boolean {
    return this.task !== undefined;
  }

  /** Resolves once no job runs. */
  async idle(): Promise<void> {
    while (this.task !== undefined) await this.task;
  }

  /** Full compaction and GC, for admin use (see the invariants). */
  async compactAll(): Promise<void> {
    await this.idle();
    if (this.stopped) return;
    let full = true;
    this.task = this.run(async () => {
      if (full) {
        full = false;
        const pick = pickFullCompaction(this.context.flusher.version);
        if (pick !== undefined) await runCompaction(this.context, pick, this.compaction);
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
  }

  stop(): void {
    this.stopped = true;
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
    this.stopStalls++;
    while (l0() >= options.l0StopTrigger && !this.stopped) {
      this.schedule();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    const ms = performance.now() - start;
    this.stopStallMs += ms;
    this.stallMsMax = Math.max(this.stallMsMax, ms);
    options.logger.warn({ stallMs: Math.round(ms), l0Tables: l0() }, 'write stall: L0 reached l0StopTrigger');
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
      try {
        more = await step();
        if (this.context.manifest.needsRotation) await this.context.manifest.rotate();
      } catch (error) {
        this.stopped = true;
        this.onFail(error);
      } finally {
        this.context.governor.backgroundActive = false;
      }
      this.notify();
      if (!more) return;
    }
  }

  private async step(): Promise<boolean> {
    const pick = pickCompaction(this.context.flusher.version, this.context.options, this.cursors);
    if (pick !== undefined) {
      await runCompaction(this.context, pick, this.compaction);
      return true;
    }
    return this.gcStep();
  }

  private async gcStep(): Promise<boolean> {
    const pick = await pickGc(this.context, this.checked);
    if (pick === undefined || this.stopped) return false;
    await runGc(this.context, pick, this.gc);
    this.checked.delete(pick.segment);
    return true;
  }
}
