/**
 * The compaction governor (DESIGN.md, Governor): a token bucket that background writes (compaction
 * and GC outputs) draw from, whose rate adapts to two foreground signals — the read p99 and the
 * commit path's p99 (group-commit append + fdatasync, issue 9) — and to the L0 backlog.
 *
 * Invariants:
 * - The rate stays within [budget × RATE_FLOOR_RATIO, budget]; with an unlimited budget (Infinity)
 *   and no target, only the commit watch ever throttles, from a finite ceiling (below) and never
 *   under RATE_FLOOR_RATIO of it. The read and commit floors never compound.
 * - Read adaptation has hysteresis: the read rate halves when a window's p99 passes SLOW_RATIO ×
 *   the idle baseline, grows by GROW_FACTOR only when it falls below FAST_RATIO × baseline, and
 *   holds in between. Baselines are learned from windows during which no background job ran.
 * - With a target p99 (option governorMsP99Target) the target replaces the read baseline: the rate
 *   halves when a window's p99 passes the target, grows only below TARGET_FAST_RATIO × target,
 *   holds in between (hysteresis). An unlimited budget is then capped at TARGET_CEILING_BYTES_PER_SEC
 *   while throttled, and unlimited again once the rate grows back to that ceiling.
 * - Commit watch (hysteresis too): a window of COMMIT_WINDOW_SAMPLES commit groups during which
 *   background work ran halves the commit rate when its p99 passes COMMIT_SLOW_RATIO × the idle
 *   commit baseline and exceeds it by COMMIT_EXCESS_US_MIN (µs-scale noise of relaxed sync or a
 *   memory Vfs never throttles); below COMMIT_FAST_RATIO × baseline it grows, and the commit limit
 *   is lifted once it reaches the ceiling it started from (the budget, or with an unlimited budget
 *   the rate background jobs were measured to draw, or TARGET_CEILING_BYTES_PER_SEC); in between it
 *   holds. Windows without background work only teach the baseline.
 * - The rate in force is the lower of the read and commit rates, but never below pressure × the
 *   ceiling: the compactor's pressureOf() grows with the L0 backlog (compactor.ts l0Pressure),
 *   since whatever job holds the one background slot delays the L0 compaction, which makes every
 *   read probe more tables and, at l0StopTrigger, stalls writers. A throttled acquire() waits in
 *   slices of WAIT_SLICE_MS and takes the rate again after each, so rising pressure (or a lifted
 *   limit) shortens a wait already begun.
 * - Every adjustment is counted and reported through onAdjust (the engine logs it); read windows
 *   whose p99 passed the target while background work ran are counted as SLO violations.
 * - acquire() lets the bucket go into debt (a write larger than the bucket still proceeds), so a
 *   job never waits forever; the wait is the time the debt takes to repay at the rates in force
 *   (throttleMs counts the time waited). Background outputs draw as they are written, a chunk of
 *   at most PACE_CHUNK_BYTES at a time (vfs.ts; background-context.ts writeNewFileSynced), so the
 *   waits fall between chunks of one file and a big output never reaches the disk in one burst.
 * - record() and recordCommit() are O(1) except once per window (a sort of the window's samples).
 */
const WINDOW_SAMPLES = 256;
/** Commit groups per commit window (a group is one fdatasync: far fewer than reads). */
const COMMIT_WINDOW_SAMPLES = 128;
const RATE_FLOOR_RATIO = 0.05;
const SLOW_RATIO = 2;
const FAST_RATIO = 1.25;
const SHRINK_FACTOR = 0.5;
const GROW_FACTOR = 1.25;
/** The bucket holds at most this many seconds of the current rate. */
const BURST_SECONDS = 0.05;
/** With a target, the rate grows again only once the p99 falls below this fraction of it. */
const TARGET_FAST_RATIO = 0.8;
/** The budget a target (or the commit watch, before any job was measured) throttles from when backgroundBytesPerSecMax is unlimited. */
const TARGET_CEILING_BYTES_PER_SEC = 256 * 1024 * 1024;
const COMMIT_SLOW_RATIO = 2;
const COMMIT_FAST_RATIO = 1.25;
/** A commit window is slow only if its p99 also exceeds the baseline by this much (µs). */
const COMMIT_EXCESS_US_MIN = 500;
/** A throttled acquire() takes the rate again at least this often. */
const WAIT_SLICE_MS = 50;
/** Weight of a new idle window in a baseline (exponential moving average). */
const BASELINE_WEIGHT = 0.2;

/** Which foreground signal caused an adjustment. */
export type GovernorSignal = 'read' | 'commit';

/** One change of the background rate, as onAdjust receives it. */
export interface GovernorAdjustment {
  readonly signal: GovernorSignal;
  readonly rateBytesPerSecBefore: number;
  readonly rateBytesPerSec: number;
  /** The p99 of the window that caused it (microseconds): reads, or commit groups for 'commit'. */
  readonly foregroundUsP99: number;
  /** The target (0: none, the learned idle baseline is the reference). */
  readonly targetUsP99: number;
  readonly baselineUsP99: number;
}

/** A window of latency samples; its p99 is taken when it fills. */
class LatencyWindow {
  private readonly samples: Float64Array;
  /** The window sorted (reused: closing a window, inside a sampled operation, allocates nothing). */
  private readonly sorted: Float64Array;
  private filled = 0;
  private busy = false;
  /** The p99 of the last window closed, and whether background work ran during it. */
  p99 = 0;
  wasBusy = false;

  constructor(size: number) {
    this.samples = new Float64Array(size);
    this.sorted = new Float64Array(size);
  }

  /** Adds a sample taken while background work ran (busy) or not; true when it closed the window. */
  add(latencyUs: number, busy: boolean): boolean {
    this.samples[this.filled++] = latencyUs;
    if (busy) this.busy = true;
    if (this.filled < this.samples.length) return false;
    this.sorted.set(this.samples);
    this.sorted.sort();
    this.p99 = this.sorted[Math.floor(this.samples.length * 0.99)] as number;
    this.wasBusy = this.busy;
    this.filled = 0;
    this.busy = false;
    return true;
  }
}

export class Governor {
  /** The limit the read signal (baseline or target) sets. */
  private readRateBytesPerSec: number;
  /** The limit the commit watch sets (Infinity: none). */
  private commitRateBytesPerSec = Infinity;
  /** The rate the commit watch started throttling from (lifted when it grows back to it). */
  private commitCeilingBytesPerSec = 0;
  /** The idle read p99 in microseconds (0 until measured). */
  baselineUsP99 = 0;
  lastUsP99 = 0;
  /** The idle commit-group p99 in microseconds (0 until measured). */
  commitBaselineUsP99 = 0;
  lastCommitUsP99 = 0;
  throttleMs = 0;
  adjustments = 0;
  /** Adjustments the commit watch made (also counted in adjustments). */
  commitAdjustments = 0;
  /**
   * 0 … 1: the share of the ceiling background jobs get whatever the adaptation says (the
   * compactor sets it to follow the L0 backlog; see the invariants).
   */
  pressureOf: () => number = () => 0;
  private tokens = 0;
  private refilledAt = performance.now();
  private readonly reads = new LatencyWindow(WINDOW_SAMPLES);
  private readonly commits = new LatencyWindow(COMMIT_WINDOW_SAMPLES);
  private active = false;
  private activeSinceMs = 0;
  private activeMs = 0;
  private activeBytes = 0;

  /** Read windows whose p99 passed the target while background work ran. */
  sloViolations = 0;

  constructor(
    readonly budgetBytesPerSec: number,
    /** The foreground p99 to hold (microseconds); 0: none. */
    readonly targetUsP99 = 0,
    private readonly onAdjust: (change: GovernorAdjustment) => void = () => {},
  ) {
    this.readRateBytesPerSec = budgetBytesPerSec;
  }

  /** True while a background job (compaction, GC) runs; set by the compactor. */
  get backgroundActive(): boolean {
    return this.active;
  }

  set backgroundActive(active: boolean) {
    if (active === this.active) return;
    const now = performance.now();
    if (active) this.activeSinceMs = now;
    else this.activeMs += now - this.activeSinceMs;
    this.active = active;
  }

  /** The lower of the read and commit limits (what the adaptation alone allows). */
  get adaptiveRateBytesPerSec(): number {
    return Math.min(this.readRateBytesPerSec, this.commitRateBytesPerSec);
  }

  /** The rate in force: the adaptive limit, raised to pressure × the ceiling. */
  get rateBytesPerSec(): number {
    const adaptive = this.adaptiveRateBytesPerSec;
    if (adaptive === Infinity) return adaptive;
    const pressure = this.pressureOf();
    if (pressure <= 0) return adaptive;
    if (pressure >= 1) return Math.max(adaptive, this.budgetBytesPerSec);
    return Math.max(adaptive, this.pressureCeiling() * pressure);
  }

  /** What pressure is a share of: the budget, or when unlimited the ceiling the lower limit throttled from. */
  private pressureCeiling(): number {
    if (Number.isFinite(this.budgetBytesPerSec)) return this.budgetBytesPerSec;
    return this.commitRateBytesPerSec <= this.readRateBytesPerSec ? this.commitCeilingBytesPerSec : TARGET_CEILING_BYTES_PER_SEC;
  }

  /** Bytes per second background jobs drew from the bucket while they ran (0 until measured). */
  observedBytesPerSec(): number {
    const ms = this.activeMs + (this.active ? performance.now() - this.activeSinceMs : 0);
    return ms > 0 ? (this.activeBytes / ms) * 1000 : 0;
  }

  /** Records one foreground read's latency (microseconds). */
  record(latencyUs: number): void {
    if (this.reads.add(latencyUs, this.active)) this.closeReadWindow(this.reads.p99, this.reads.wasBusy);
  }

  /** Records one commit group's append-to-durable latency (microseconds): the commit watch. */
  recordCommit(latencyUs: number): void {
    if (this.commits.add(latencyUs, this.active)) this.closeCommitWindow(this.commits.p99, this.commits.wasBusy);
  }

  /** Waits until `bytes` of background I/O fit the budget. */
  async acquire(bytes: number): Promise<void> {
    this.activeBytes += bytes;
    let rate = this.rateBytesPerSec;
    if (rate === Infinity) return;
    this.refill(rate);
    this.tokens -= bytes;
    while (this.tokens < 0) {
      const startMs = performance.now();
      await new Promise<void>((resolve) => setTimeout(resolve, Math.min(WAIT_SLICE_MS, (-this.tokens / rate) * 1000)));
      this.throttleMs += performance.now() - startMs;
      rate = this.rateBytesPerSec;
      if (rate === Infinity) {
        this.tokens = 0;
        return;
      }
      this.refill(rate);
    }
  }

  private refill(rate: number): void {
    const now = performance.now();
    this.tokens = Math.min(rate * BURST_SECONDS, this.tokens + ((now - this.refilledAt) / 1000) * rate);
    this.refilledAt = now;
  }

  private closeReadWindow(p99: number, busy: boolean): void {
    this.lastUsP99 = p99;
    if (!busy) {
      this.baselineUsP99 = this.baselineUsP99 === 0 ? p99 : this.baselineUsP99 * (1 - BASELINE_WEIGHT) + p99 * BASELINE_WEIGHT;
      return;
    }
    if (this.targetUsP99 > 0) {
      this.followTarget(p99);
      return;
    }
    if (this.baselineUsP99 === 0 || this.budgetBytesPerSec === Infinity) return;
    const floor = this.budgetBytesPerSec * RATE_FLOOR_RATIO;
    const rate = this.readRateBytesPerSec;
    if (p99 > this.baselineUsP99 * SLOW_RATIO && rate > floor) {
      this.adjustRead(Math.max(floor, rate * SHRINK_FACTOR), p99);
    } else if (p99 < this.baselineUsP99 * FAST_RATIO && rate < this.budgetBytesPerSec) {
      this.adjustRead(Math.min(this.budgetBytesPerSec, rate * GROW_FACTOR), p99);
    }
  }

  /** Adapts the read rate to the target p99 (see the invariants). */
  private followTarget(p99: number): void {
    const ceiling = Math.min(this.budgetBytesPerSec, TARGET_CEILING_BYTES_PER_SEC);
    const rate = Math.min(this.readRateBytesPerSec, ceiling);
    const floor = ceiling * RATE_FLOOR_RATIO;
    if (p99 > this.targetUsP99) {
      this.sloViolations++;
      if (rate > floor) this.adjustRead(Math.max(floor, rate * SHRINK_FACTOR), p99);
    } else if (p99 < this.targetUsP99 * TARGET_FAST_RATIO && this.readRateBytesPerSec < this.budgetBytesPerSec) {
      const next = rate * GROW_FACTOR;
      this.adjustRead(next >= ceiling ? this.budgetBytesPerSec : next, p99);
    }
  }

  /** The commit watch (see the invariants). */
  private closeCommitWindow(p99: number, busy: boolean): void {
    this.lastCommitUsP99 = p99;
    const baseline = this.commitBaselineUsP99;
    if (!busy) {
      this.commitBaselineUsP99 = baseline === 0 ? p99 : baseline * (1 - BASELINE_WEIGHT) + p99 * BASELINE_WEIGHT;
      return;
    }
    if (baseline === 0) return;
    const rate = this.commitRateBytesPerSec;
    if (p99 > baseline * COMMIT_SLOW_RATIO && p99 - baseline > COMMIT_EXCESS_US_MIN) {
      if (rate === Infinity) this.commitCeilingBytesPerSec = this.commitCeiling();
      // The floor is a share of the budget (or of the ceiling when unlimited), as for reads: the
      // two signals never compound below it.
      const floor = this.commitCeilingBytesPerSec * RATE_FLOOR_RATIO;
      const from = Math.min(rate, this.commitCeilingBytesPerSec);
      if (from > floor) this.adjustCommit(Math.max(floor, from * SHRINK_FACTOR), p99);
    } else if (p99 < baseline * COMMIT_FAST_RATIO && rate !== Infinity) {
      const next = rate * GROW_FACTOR;
      this.adjustCommit(next >= this.commitCeilingBytesPerSec ? Infinity : next, p99);
    }
  }

  /** The finite rate the commit watch throttles from: the budget, else what jobs were seen to draw. */
  private commitCeiling(): number {
    if (Number.isFinite(this.budgetBytesPerSec)) return this.budgetBytesPerSec;
    const observed = this.observedBytesPerSec();
    return observed > 0 ? Math.min(observed, TARGET_CEILING_BYTES_PER_SEC) : TARGET_CEILING_BYTES_PER_SEC;
  }

  private adjustRead(rateBytesPerSec: number, p99: number): void {
    const before = this.adaptiveRateBytesPerSec;
    this.readRateBytesPerSec = rateBytesPerSec;
    this.report('read', before, p99, this.targetUsP99, this.baselineUsP99);
  }

  private adjustCommit(rateBytesPerSec: number, p99: number): void {
    const before = this.adaptiveRateBytesPerSec;
    this.commitRateBytesPerSec = rateBytesPerSec;
    this.commitAdjustments++;
    this.report('commit', before, p99, 0, this.commitBaselineUsP99);
  }

  private report(signal: GovernorSignal, before: number, p99: number, targetUsP99: number, baselineUsP99: number): void {
    this.adjustments++;
    this.onAdjust({ signal, rateBytesPerSecBefore: before, rateBytesPerSec: this.adaptiveRateBytesPerSec, foregroundUsP99: p99, targetUsP99, baselineUsP99 });
  }
}
