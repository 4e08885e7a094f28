/**
 * IdlePoller: after a connection answered and waits for its client's next message, keeps the
 * event loop polling its sockets (epoll with a zero timeout, one setImmediate turn at a time)
 * for a short while instead of letting the thread sleep in epoll_wait. A closed-loop client's next
 * request then finds the thread awake: no wake-up of a sleeping thread (and, on a VM, of an idle
 * vCPU) on the request's path, and caches still warm (Go's scheduler spins the same way before it
 * parks a thread). It trades CPU for latency: off for an embedded WireServer unless asked
 * (WireOptions.idlePollUs = 0), on in the stratadb server (cli.ts), and it polls only where it pays:
 *
 * - Off (idlePollUs = 0): nothing is scheduled and no clock is read.
 * - Only for a hot connection: one whose client sent its last message within idlePollUs of the
 *   connection starting to wait (WireChannel decides; an idle client never makes it poll).
 * - Bounded: a poll ends idlePollUs after the last arm(); at most one setImmediate chain per
 *   server, whatever the number of connections.
 * - One hot connection at a time: an arm() by a connection other than the last one to arm, within
 *   the window, ends polling. With several busy connections the loop is rarely idle, and polling
 *   would only split epoll's batches of ready sockets into more, smaller turns (measured: fewer
 *   reads per second at 8 connections).
 * - Polls only while polling pays: a poll that catches the client's next request goes on (the
 *   connection arms again while it runs); a poll that ends without one — its window passed, or a
 *   turn found the loop away for more than PREEMPTED_MS (this thread was descheduled, or something
 *   else held the loop) — is a miss. When the share of misses (a moving average, weight
 *   MISS_WEIGHT per poll) passes MISS_SHARE_MAX, polling pauses: BACKOFF_MS, doubling with each
 *   pause up to BACKOFF_MS_MAX until a poll catches a request again. On a machine whose CPUs are
 *   taken (by other processes, or by the client itself when it shares this thread's CPU: then it
 *   cannot send until the poll ends), polls miss, and the server stops spinning.
 */

import { assert } from '../util/index.js';

/** A gap this long between two polling turns means the thread was descheduled. */
export const PREEMPTED_MS = 0.5;
/** Weight of one poll in the moving share of missed polls. */
export const MISS_WEIGHT = 1 / 16;
/** Polling pauses when the moving share of missed polls passes this. */
export const MISS_SHARE_MAX = 0.5;
/** Polling pauses at least this long once polls keep missing. */
export const BACKOFF_MS = 100;
/** The longest pause, after polls missed again and again. */
export const BACKOFF_MS_MAX = 10_000;
/** Upper bound of WireOptions.idlePollUs. */
export const IDLE_POLL_US_MAX = 10_000;

/** The clock and the turn scheduler (injectable for tests). */
export interface IdlePollerClock {
  nowMs(): number;
  schedule(turn: () => void): void;
}

const REAL_CLOCK: IdlePollerClock = {
  nowMs: () => performance.now(),
  schedule: (turn) => setImmediate(turn),
};

export class IdlePoller {
  /** How long a wait counts as hot and a poll lasts (ms). */
  readonly windowMs: number;
  private untilMs = 0;
  private lastTurnMs = 0;
  private pausedUntilMs = 0;
  /** The next pause after contention (BACKOFF_MS … BACKOFF_MS_MAX). */
  private backoffMs = BACKOFF_MS;
  private running = false;
  /** The connection that armed last, and when. */
  private lastSource: object | undefined;
  private lastArmMs = Number.NEGATIVE_INFINITY;
  /** Polling turns run so far (for tests and metrics). */
  turns = 0;
  /** Requests that arrived while polling (the connection armed again during the poll). */
  caughtPolls = 0;
  /** Polls that ended without a request: window passed, or preempted. */
  missedPolls = 0;
  /** Times polling paused because polls kept missing. */
  backoffs = 0;
  /** Moving share of missed polls (0 … 1). */
  private missShare = 0;
  /** When the last poll ended without a request. */
  private missedAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    idlePollUs: number,
    private readonly clock: IdlePollerClock = REAL_CLOCK,
  ) {
    // Options are validated by resolveWireOptions; a bad value here is a programmer error.
    assert(Number.isInteger(idlePollUs) && idlePollUs > 0 && idlePollUs <= IDLE_POLL_US_MAX, `idlePollUs out of range: ${idlePollUs}`);
    this.windowMs = idlePollUs / 1000;
  }

  /** The clock reading connections use to tell hot waits (one reading per wait and per input). */
  nowMs(): number {
    return this.clock.nowMs();
  }

  /**
   * A hot connection (`source`) started waiting at `nowMs`: poll until windowMs from then, unless
   * backing off or another connection armed within the window (then polling ends).
   */
  arm(nowMs: number, source: object): void {
    const shared = source !== this.lastSource && nowMs - this.lastArmMs < this.windowMs;
    this.lastSource = source;
    this.lastArmMs = nowMs;
    if (shared) {
      this.untilMs = 0;
      return;
    }
    if (nowMs < this.pausedUntilMs) return;
    this.untilMs = nowMs + this.windowMs;
    this.lastTurnMs = nowMs;
    if (this.running) {
      // The poll caught this connection's request: polling pays.
      this.caughtPolls++;
      this.missShare -= this.missShare * MISS_WEIGHT;
      this.backoffMs = BACKOFF_MS;
      return;
    }
    this.running = true;
    this.clock.schedule(this.turn);
  }

  /**
   * A connection's input arrived at `nowMs`. Input that arrives while no poll runs, within a
   * window after a poll ran out its window, means polling cannot catch this client: it answers
   * just too slowly, or it could not run while this thread spun (its CPU was this one). Polling
   * pauses.
   */
  input(nowMs: number): void {
    if (this.running || nowMs - this.missedAtMs > this.windowMs) return;
    this.missedAtMs = Number.NEGATIVE_INFINITY;
    this.pause(nowMs);
  }

  /** True while a polling chain is scheduled. */
  get isPolling(): boolean {
    return this.running;
  }

  private readonly turn = (): void => {
    const nowMs = this.clock.nowMs();
    this.turns++;
    const preempted = nowMs - this.lastTurnMs > PREEMPTED_MS;
    if (preempted || nowMs >= this.untilMs) {
      this.miss(nowMs, !preempted);
      return;
    }
    this.lastTurnMs = nowMs;
    this.clock.schedule(this.turn);
  };

  /**
   * Ends a poll that caught no request; pauses polling when most recent polls missed. `ranOut`:
   * it polled its whole window (not cut short by a preemption, which says nothing of the client).
   */
  private miss(nowMs: number, ranOut: boolean): void {
    this.running = false;
    this.missedPolls++;
    if (ranOut) this.missedAtMs = nowMs;
    this.missShare += (1 - this.missShare) * MISS_WEIGHT;
    if (this.missShare > MISS_SHARE_MAX) this.pause(nowMs);
  }

  /** Stops polling for the current pause, and doubles the next one (up to BACKOFF_MS_MAX). */
  private pause(nowMs: number): void {
    this.backoffs++;
    this.pausedUntilMs = nowMs + this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MS_MAX);
    // The share is measured afresh after the pause.
    this.missShare = 0;
  }
}
