/**
 * IdlePoller: after a connection answered and waits for its client's next message, keeps the
 * event loop polling its sockets (epoll with a zero timeout, one setImmediate turn at a time)
 * for a short while instead of letting the thread sleep in epoll_wait. A closed-loop client's next
 * request then finds the thread awake: no wake-up of a sleeping thread (and, on a VM, of a halted
 * vCPU) on the request's path (Go's scheduler spins the same way before it parks a thread). It
 * trades CPU for latency: off for an embedded WireServer unless asked (WireOptions.idlePollUs =
 * 0), on in the stratadb server (cli.ts), and it polls only where it pays:
 *
 * - Off (idlePollUs = 0): nothing is scheduled and no clock is read.
 * - Only for a hot connection: one whose client sent its last message within idlePollUs of the
 *   connection starting to wait (WireChannel decides; an idle client never makes it poll).
 * - Bounded: a poll ends idlePollUs after the last arm(); at most one setImmediate chain per
 *   server, whatever the number of connections. A turn that finds the loop away for more than
 *   PREEMPTED_MS (this thread was descheduled, or something else held the loop) ends it too.
 * - One hot connection at a time: an arm() by a connection other than the last one to arm, within
 *   the window, ends polling. With several busy connections the loop is rarely idle, and polling
 *   would only split epoll's batches of ready sockets into more, smaller turns (measured: fewer
 *   reads per second at 8 connections).
 * - Only while it measurably pays. Whether a wake-up costs more than polling depends on the
 *   machine and the minute: on the 2-vCPU VM of issue 9, polling cut a one-connection client's
 *   median round trip from 199 to 129 µs in one run and raised it from 68 to 93 µs in another
 *   (when the client has to share the polling thread's CPU, polling delays it). So the poller
 *   measures the clients' turnaround (from an answer to the next message, as this thread sees it:
 *   its own wake-up included when it slept; WireChannel reports it) in blocks of BLOCK_SAMPLES,
 *   one block polling and one sleeping, and keeps polling for the next RUN_BLOCKS blocks only if
 *   the polling block's mean turnaround was at least GAIN_SHARE_MIN below the sleeping one's;
 *   otherwise it sleeps for them. Then it measures again. The mean, not the median: a client
 *   that polling keeps off the CPU now and then waits a whole window those times, which a median
 *   hides (measured: p50 lower, p90 300 µs higher); the mean is what a closed loop's rate follows.
 */

import { assert } from '../util/index.js';

/** A gap this long between two polling turns means the thread was descheduled. */
export const PREEMPTED_MS = 0.5;
/** Turnarounds per measuring block (each mode's mean is taken over one block). */
export const BLOCK_SAMPLES = 64;
/** Blocks run in the chosen mode between two measurements. */
export const RUN_BLOCKS = 30;
/** Polling is chosen when its mean turnaround is at least this share below sleeping's. */
export const GAIN_SHARE_MIN = 0.1;
/** Turnarounds longer than this many windows are the client's think time, not measured. */
export const SAMPLE_WINDOWS_MAX = 4;
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

/** Measuring polling, measuring sleeping, or running the mode chosen from the two. */
type Phase = 'measurePolling' | 'measureSleeping' | 'run';

export class IdlePoller {
  /** How long a wait counts as hot and a poll lasts (ms). */
  readonly windowMs: number;
  private untilMs = 0;
  private lastTurnMs = 0;
  private running = false;
  /** The connection that armed last, and when. */
  private lastSource: object | undefined;
  private lastArmMs = Number.NEGATIVE_INFINITY;
  /** Whether arm() polls now (the phase's mode). */
  private polling = true;
  private phase: Phase = 'measurePolling';
  private readonly samples = new Float64Array(BLOCK_SAMPLES);
  private sampleCount = 0;
  private pollingMeanMs = 0;
  private runBlocksLeft = 0;
  /** Polling turns run so far (for tests and metrics). */
  turns = 0;
  /** Requests that arrived while polling (the connection armed again during the poll). */
  caughtPolls = 0;
  /** Polls that ended without a request: window passed, or preempted. */
  missedPolls = 0;
  /** Measurements that chose polling, and sleeping. */
  pollingChosen = 0;
  sleepingChosen = 0;

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

  /** True when arm() polls in the current phase. */
  get pollsNow(): boolean {
    return this.polling;
  }

  /**
   * A hot connection (`source`) started waiting at `nowMs`: poll until windowMs from then, unless
   * sleeping is the current mode or another connection armed within the window (then polling ends).
   */
  arm(nowMs: number, source: object): void {
    const shared = source !== this.lastSource && nowMs - this.lastArmMs < this.windowMs;
    this.lastSource = source;
    this.lastArmMs = nowMs;
    if (shared) {
      this.untilMs = 0;
      return;
    }
    if (!this.polling) return;
    this.untilMs = nowMs + this.windowMs;
    this.lastTurnMs = nowMs;
    if (this.running) {
      // The poll caught this connection's request.
      this.caughtPolls++;
      return;
    }
    this.running = true;
    this.clock.schedule(this.turn);
  }

  /**
   * A hot connection's client answered `turnaroundMs` after the connection began to wait. Longer
   * than SAMPLE_WINDOWS_MAX windows is think time, not counted.
   */
  turnaround(turnaroundMs: number): void {
    if (turnaroundMs > this.windowMs * SAMPLE_WINDOWS_MAX) return;
    this.samples[this.sampleCount++] = turnaroundMs;
    if (this.sampleCount < BLOCK_SAMPLES) return;
    this.sampleCount = 0;
    this.endBlock();
  }

  /** True while a polling chain is scheduled. */
  get isPolling(): boolean {
    return this.running;
  }

  private endBlock(): void {
    switch (this.phase) {
      case 'measurePolling':
        this.pollingMeanMs = meanOf(this.samples);
        this.phase = 'measureSleeping';
        this.polling = false;
        return;
      case 'measureSleeping': {
        const sleepingMeanMs = meanOf(this.samples);
        this.polling = this.pollingMeanMs <= sleepingMeanMs * (1 - GAIN_SHARE_MIN);
        if (this.polling) this.pollingChosen++;
        else this.sleepingChosen++;
        this.phase = 'run';
        this.runBlocksLeft = RUN_BLOCKS;
        return;
      }
      case 'run':
        if (--this.runBlocksLeft > 0) return;
        this.phase = 'measurePolling';
        this.polling = true;
        return;
    }
  }

  private readonly turn = (): void => {
    const nowMs = this.clock.nowMs();
    this.turns++;
    if (nowMs - this.lastTurnMs > PREEMPTED_MS || nowMs >= this.untilMs) {
      this.running = false;
      this.missedPolls++;
      return;
    }
    this.lastTurnMs = nowMs;
    this.clock.schedule(this.turn);
  };
}

function meanOf(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}
