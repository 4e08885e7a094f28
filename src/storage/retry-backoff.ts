/**
 * When background work (flush, compaction, GC) failed for lack of space, it is retried later: the
 * first retry after RETRY_MS_MIN, each further one after twice the previous delay, at most
 * RETRY_MS_MAX. A success resets the delay.
 *
 * Invariants:
 * - At most one retry is pending; its timer is unref'd (it never keeps the process alive).
 * - cancel() drops a pending retry (the caller runs the work itself, e.g. an explicit flush()).
 * - A writer blocked by the failing work may run it sooner (waitTurn()), but attempts stay at
 *   least RETRY_MS_MIN apart, so a full disk is probed at most every RETRY_MS_MIN.
 */
export const RETRY_MS_MIN = 50;
export const RETRY_MS_MAX = 5000;

export class RetryBackoff {
  private timer: NodeJS.Timeout | undefined;
  private delayMs = 0;
  private attemptedMs = -Infinity;

  constructor(private readonly retry: () => void) {}

  /** True while a retry is scheduled. */
  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** Schedules the retry after the next delay; returns that delay in milliseconds. */
  later(): number {
    this.cancel();
    this.delayMs = Math.min(RETRY_MS_MAX, Math.max(RETRY_MS_MIN, this.delayMs * 2));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.retry();
    }, this.delayMs);
    this.timer.unref();
    return this.delayMs;
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Records that an attempt of the work starts now. */
  attempted(): void {
    this.attemptedMs = performance.now();
  }

  /** Resolves once RETRY_MS_MIN passed since the last attempt (a writer may then run one). */
  async waitTurn(): Promise<void> {
    const waitMs = RETRY_MS_MIN - (performance.now() - this.attemptedMs);
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  }

  /** After a success: the next failure waits RETRY_MS_MIN again. */
  reset(): void {
    this.delayMs = 0;
  }
}
