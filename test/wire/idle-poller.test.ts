import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKOFF_MS, BACKOFF_MS_MAX, MISS_WEIGHT, IDLE_POLL_US_MAX, IdlePoller, PREEMPTED_MS, type IdlePollerClock } from '../../src/wire/idle-poller.js';
import { resolveWireOptions, WireConfigError } from '../../src/wire/index.js';
import { AssertionError } from '../../src/util/index.js';
import { startServer, type Running } from './harness.js';

/** Two connections (arm()'s sources). */
const A = {};
const B = {};

/** A clock the test advances by hand; scheduled turns run when the test says so. */
class ManualClock implements IdlePollerClock {
  timeMs = 1000;
  private queue: Array<() => void> = [];

  nowMs(): number {
    return this.timeMs;
  }

  schedule(turn: () => void): void {
    this.queue.push(turn);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Runs the scheduled turns once each, `stepMs` apart. */
  runTurns(stepMs: number): void {
    const turns = this.queue;
    this.queue = [];
    for (const turn of turns) {
      this.timeMs += stepMs;
      turn();
    }
  }
}

/** Arms are ignored until `pauseMs` after the contended turn just run; the arm at that moment polls. */
function expectPausedFor(clock: ManualClock, poller: IdlePoller, pauseMs: number): void {
  clock.timeMs += pauseMs - 1;
  poller.arm(clock.timeMs, A);
  expect(clock.pending).toBe(0);
  clock.timeMs += 1;
  poller.arm(clock.timeMs, A);
  expect(clock.pending).toBe(1);
}

describe('IdlePoller', () => {
  it('polls in turns until its window after the last arm has passed, then stops', () => {
    const clock = new ManualClock();
    const poller = new IdlePoller(250, clock);
    poller.arm(clock.timeMs, A);
    expect(poller.isPolling).toBe(true);
    let turns = 0;
    while (clock.pending > 0) {
      clock.runTurns(0.0625);
      turns++;
    }
    // 0.25 ms of 0.0625 ms turns: it stops at the first turn at or past the window's end.
    expect(turns).toBe(4);
    expect(poller.isPolling).toBe(false);
    expect(poller.backoffs).toBe(0);
  });

  it('keeps one chain however often it is armed, and an arm extends the window', () => {
    const clock = new ManualClock();
    const poller = new IdlePoller(200, clock);
    poller.arm(clock.timeMs, A);
    poller.arm(clock.timeMs, A);
    expect(clock.pending).toBe(1);
    clock.runTurns(0.1);
    poller.arm(clock.timeMs, A);
    expect(clock.pending).toBe(1);
    clock.runTurns(0.1);
    clock.runTurns(0.1);
    expect(poller.isPolling).toBe(false);
    expect(poller.turns).toBe(3);
  });

  it('goes on while polls catch requests, and pauses once most recent polls missed', () => {
    const clock = new ManualClock();
    const poller = new IdlePoller(1000, clock);
    /** One poll that runs out its window (a miss); `caught` requests arrive during it first. */
    const poll = (caught: number): void => {
      poller.arm(clock.timeMs, A);
      for (let i = 0; i < caught; i++) {
        clock.runTurns(0.1);
        poller.arm(clock.timeMs, A);
      }
      while (clock.pending > 0) clock.runTurns(0.1);
    };
    // A client that stops now and then (one miss per two requests caught) keeps polling on.
    for (let i = 0; i < 30; i++) poll(2);
    expect(poller.caughtPolls).toBe(60);
    expect(poller.missedPolls).toBe(30);
    expect(poller.backoffs).toBe(0);
    // Polls that catch nothing (the client cannot send while this thread spins): polling pauses.
    let misses = 0;
    while (poller.backoffs === 0) {
      poll(0);
      misses++;
    }
    expect(misses).toBeGreaterThan(1);
    expect(misses).toBeLessThan(1 / MISS_WEIGHT);
    expectPausedFor(clock, poller, BACKOFF_MS);
    while (clock.pending > 0) clock.runTurns(0.1);
    // Missing on after the pause: the next pause is twice as long.
    while (poller.backoffs === 1) poll(0);
    expectPausedFor(clock, poller, 2 * BACKOFF_MS);
    // A poll that catches a request again resets the pause.
    clock.runTurns(0.1);
    poller.arm(clock.timeMs, A);
    while (clock.pending > 0) clock.runTurns(0.1);
    while (poller.backoffs === 2) poll(0);
    expectPausedFor(clock, poller, BACKOFF_MS);
  });

  it('ends a poll whose turn finds the loop was away (preempted) as a miss, not a sign of the client', () => {
    const clock = new ManualClock();
    const poller = new IdlePoller(1000, clock);
    poller.arm(clock.timeMs, A);
    clock.runTurns(0.1);
    expect(poller.isPolling).toBe(true);
    clock.runTurns(PREEMPTED_MS + 0.1);
    expect(poller.isPolling).toBe(false);
    expect(poller.missedPolls).toBe(1);
    // Cut short, it says nothing of the client: input right after it does not pause polling.
    poller.input(clock.timeMs + 0.05);
    expect(poller.backoffs).toBe(0);
  });

  it('pauses when input arrives within a window after a missed poll (the client could not be caught)', () => {
    const clock = new ManualClock();
    const poller = new IdlePoller(300, clock);
    poller.arm(clock.timeMs, A);
    while (clock.pending > 0) clock.runTurns(0.1);
    expect(poller.missedPolls).toBe(1);
    // Input long after the miss: an idle client, polling goes on.
    clock.timeMs += 5;
    poller.input(clock.timeMs);
    expect(poller.backoffs).toBe(0);
    poller.arm(clock.timeMs, A);
    while (clock.pending > 0) clock.runTurns(0.1);
    // Input just after the miss: the client answers just too slowly, or this thread's spinning
    // kept it from running. Polling pauses.
    clock.timeMs += 0.05;
    poller.input(clock.timeMs);
    expect(poller.backoffs).toBe(1);
    expectPausedFor(clock, poller, BACKOFF_MS);
    // Input while a poll runs is what polling is for.
    poller.input(clock.timeMs);
    expect(poller.backoffs).toBe(1);
  });

  it('stops polling when a second connection arms within the window, and polls for one alone again', () => {
    const clock = new ManualClock();
    const poller = new IdlePoller(1000, clock);
    poller.arm(clock.timeMs, A);
    clock.runTurns(0.1);
    poller.arm(clock.timeMs, B);
    clock.runTurns(0.1);
    expect(poller.isPolling).toBe(false);
    // B alone, after A's window: polls again.
    clock.timeMs += 2;
    poller.arm(clock.timeMs, B);
    expect(poller.isPolling).toBe(true);
    poller.arm(clock.timeMs, B);
    expect(clock.pending).toBe(1);
  });

  it('never pauses longer than BACKOFF_MS_MAX', () => {
    const clock = new ManualClock();
    const poller = new IdlePoller(100, clock);
    while (poller.backoffs < 20) {
      clock.timeMs += BACKOFF_MS_MAX;
      poller.arm(clock.timeMs, A);
      clock.runTurns(PREEMPTED_MS + 0.1);
    }
    clock.timeMs += BACKOFF_MS_MAX;
    poller.arm(clock.timeMs, A);
    expect(clock.pending).toBe(1);
  });

  it('is validated as a wire option: off by default, bounded', () => {
    expect(resolveWireOptions({}).idlePollUs).toBe(0);
    expect(resolveWireOptions({ idlePollUs: 250 }).idlePollUs).toBe(250);
    expect(() => resolveWireOptions({ idlePollUs: IDLE_POLL_US_MAX + 1 })).toThrow(WireConfigError);
    expect(() => resolveWireOptions({ idlePollUs: -1 })).toThrow(WireConfigError);
    expect(() => new IdlePoller(0)).toThrow(AssertionError);
  });
});

describe('a server with idlePollUs', () => {
  let running: Running;

  beforeAll(async () => {
    running = await startServer({ idlePollUs: 2000 });
  });

  afterAll(async () => {
    await running.stop();
  });

  it('answers a closed loop of prepared statements and polls between them', async () => {
    const poller = running.server.idlePoller;
    expect(poller).toBeDefined();
    const client = await running.client();
    for (let i = 0; i < 50; i++) {
      const result = await client.query({ name: 'get-int', text: 'SELECT $1::int', values: [i] });
      expect(result.rows[0]).toEqual({ '?column?': i });
    }
    // The loop's requests came within the window of the previous answers: the server polled
    // (unless this machine descheduled it every time, which counts as backing off).
    expect((poller?.turns ?? 0) + (poller?.backoffs ?? 0)).toBeGreaterThan(0);
  });

  it('has no poller unless asked', async () => {
    const plain = await startServer();
    try {
      expect(plain.server.idlePoller).toBeUndefined();
      const client = await plain.client();
      expect((await client.query('SELECT 1')).rows).toHaveLength(1);
    } finally {
      await plain.stop();
    }
  });
});
