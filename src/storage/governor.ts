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
  private filled = 0;

  constructor(readonly budgetBytesPerSec: number) {
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
    const sorted = Float64Array.from(this.window).sort();
    const p99 = sorted[Math.floor(WINDOW_SAMPLES * 0.99)] as number;
    this.lastUsP99 = p99;
    if (!this.backgroundActive) {
      this.baselineUsP99 = this.baselineUsP99 === 0 ? p99 : this.baselineUsP99 * 0.8 + p99 * 0.2;
      return;
    }
    if (this.baselineUsP99 === 0 || this.budgetBytesPerSec === Infinity) return;
    const floor = this.budgetBytesPerSec * RATE_FLOOR_RATIO;
    if (p99 > this.baselineUsP99 * SLOW_RATIO && this.rateBytesPerSec > floor) {
      this.rateBytesPerSec = Math.max(floor, this.rateBytesPerSec * SHRINK_FACTOR);
      this.adjustments++;
    } else if (p99 < this.baselineUsP99 * FAST_RATIO && this.rateBytesPerSec < this.budgetBytesPerSec) {
      this.rateBytesPerSec = Math.min(this.budgetBytesPerSec, this.rateBytesPerSec * GROW_FACTOR);
      this.adjustments++;
    }
  }
}
