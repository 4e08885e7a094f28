/**
 * The compaction governor (DESIGN.md, Governor): a token bucket that background writes (compaction
 * and GC outputs) draw from, whose rate adapts to the foreground read p99.
 *
 * Invariants:
 * - The rate stays within [budget × RATE_FLOOR_RATIO, budget]; with an unlimited budget (Infinity)
 *   nothing ever waits.
 * - Adaptation has hysteresis: the rate halves when the windowed p99 passes SLOW_RATIO × the idle
 *   baseline, grows by GROW_FACTOR only when it falls below FAST_RATIO × baseline, and holds in
 *   between. The baseline is learned from windows measured while no background job ran.
 * - With a target p99 (option governorMsP99Target) the target replaces the baseline: the rate
 *   halves when a window's p99 passes the target, grows only below TARGET_FAST_RATIO × target,
 *   holds in between (hysteresis). An unlimited budget is then capped at TARGET_CEILING_BYTES_PER_SEC
 *   while throttled, and unlimited again once the rate grows back to that ceiling.
 * - Every adjustment is counted and reported through onAdjust (the engine logs it); windows whose
 *   p99 passed the target while background work ran are counted as SLO violations.
 * - acquire() lets the bucket go into debt (a write larger than the bucket still proceeds), so a
 *   job never waits forever; the wait is the time the debt takes to repay at the current rate.
 * - record() is O(1) except once per window (a sort of WINDOW_SAMPLES numbers).
 */
const WINDOW_SAMPLES = 256;
const RATE_FLOOR_RATIO = 0.05;
const SLOW_RATIO = 2;
const FAST_RATIO = 1.25;
const SHRINK_FACTOR = 0.5;
const GROW_FACTOR = 1.25;
/** The bucket holds at most this many seconds of the current rate. */
const BURST_SECONDS = 0.05;
/** With a target, the rate grows again only once the p99 falls below this fraction of it. */
const TARGET_FAST_RATIO = 0.8;
/** The budget a target throttles from when backgroundBytesPerSecMax is unlimited. */
const TARGET_CEILING_BYTES_PER_SEC = 256 * 1024 * 1024;

/** One change of the background rate, as onAdjust receives it. */
export interface GovernorAdjustment {
  readonly rateBytesPerSecBefore: number;
  readonly rateBytesPerSec: number;
  /** The p99 of the window that caused it (microseconds). */
  readonly foregroundUsP99: number;
  /** The target (0: none, the learned idle baseline is the reference). */
  readonly targetUsP99: number;
  readonly baselineUsP99: number;
}

export class Governor {
  rateBytesPerSec: number;
  /** The idle p99 in microseconds (0 until measured). */
  baselineUsP99 = 0;
  lastUsP99 = 0;
  throttleMs = 0;
  adjustments = 0;
  backgroundActive = false;
  private tokens = 0;
  private refilledAt = performance.now();
  private readonly window = new Float64Array(WINDOW_SAMPLES);
  /** The window sorted (reused: closing a window, inside a sampled read, allocates nothing). */
  private readonly sorted = new Float64Array(WINDOW_SAMPLES);
  private filled = 0;

  /** Windows whose p99 passed the target while background work ran. */
  sloViolations = 0;

  constructor(
    readonly budgetBytesPerSec: number,
    /** The foreground p99 to hold (microseconds); 0: none. */
    readonly targetUsP99 = 0,
    private readonly onAdjust: (change: GovernorAdjustment) => void = () => {},
  ) {
    this.rateBytesPerSec = budgetBytesPerSec;
  }

  /** Records one foreground operation's latency (microseconds). */
  record(latencyUs: number): void {
    this.window[this.filled++] = latencyUs;
    if (this.filled === WINDOW_SAMPLES) this.closeWindow();
  }

  /** Waits until `bytes` of background I/O fit the budget. */
  async acquire(bytes: number): Promise<void> {
    if (this.rateBytesPerSec === Infinity) return;
    this.refill();
    this.tokens -= bytes;
    if (this.tokens >= 0) return;
    const waitMs = (-this.tokens / this.rateBytesPerSec) * 1000;
    this.throttleMs += waitMs;
    await new Promise<void>((resolve) => setTimeout(resolve, waitMs));
  }

  private refill(): void {
    const now = performance.now();
    const burst = this.rateBytesPerSec * BURST_SECONDS;
    this.tokens = Math.min(burst, this.tokens + ((now - this.refilledAt) / 1000) * this.rateBytesPerSec);
    this.refilledAt = now;
  }

  private closeWindow(): void {
    this.filled = 0;
    const sorted = this.sorted;
    sorted.set(this.window);
    sorted.sort();
    const p99 = sorted[Math.floor(WINDOW_SAMPLES * 0.99)] as number;
    this.lastUsP99 = p99;
    if (!this.backgroundActive) {
      this.baselineUsP99 = this.baselineUsP99 === 0 ? p99 : this.baselineUsP99 * 0.8 + p99 * 0.2;
      return;
    }
    if (this.targetUsP99 > 0) {
      this.followTarget(p99);
      return;
    }
    if (this.baselineUsP99 === 0 || this.budgetBytesPerSec === Infinity) return;
    const floor = this.budgetBytesPerSec * RATE_FLOOR_RATIO;
    if (p99 > this.baselineUsP99 * SLOW_RATIO && this.rateBytesPerSec > floor) {
      this.adjust(Math.max(floor, this.rateBytesPerSec * SHRINK_FACTOR), p99);
    } else if (p99 < this.baselineUsP99 * FAST_RATIO && this.rateBytesPerSec < this.budgetBytesPerSec) {
      this.adjust(Math.min(this.budgetBytesPerSec, this.rateBytesPerSec * GROW_FACTOR), p99);
    }
  }

  /** Adapts the rate to the target p99 (see the invariants). */
  private followTarget(p99: number): void {
    const ceiling = Math.min(this.budgetBytesPerSec, TARGET_CEILING_BYTES_PER_SEC);
    const rate = Math.min(this.rateBytesPerSec, ceiling);
    const floor = ceiling * RATE_FLOOR_RATIO;
    if (p99 > this.targetUsP99) {
      this.sloViolations++;
      if (rate > floor) this.adjust(Math.max(floor, rate * SHRINK_FACTOR), p99);
    } else if (p99 < this.targetUsP99 * TARGET_FAST_RATIO && this.rateBytesPerSec < this.budgetBytesPerSec) {
      const next = rate * GROW_FACTOR;
      this.adjust(next >= ceiling ? this.budgetBytesPerSec : next, p99);
    }
  }

  private adjust(rateBytesPerSec: number, p99: number): void {
    const before = this.rateBytesPerSec;
    this.rateBytesPerSec = rateBytesPerSec;
    this.adjustments++;
    this.onAdjust({ rateBytesPerSecBefore: before, rateBytesPerSec, foregroundUsP99: p99, targetUsP99: this.targetUsP99, baselineUsP99: this.baselineUsP99 });
  }
}
