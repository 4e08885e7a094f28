import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK_SAMPLES, GAIN_SHARE_MIN, IDLE_POLL_US_MAX, IdlePoller, PREEMPTED_MS, RUN_BLOCKS, SAMPLE_WINDOWS_MAX, type IdlePollerClock } from '../../src/wire/idle-poller.js';
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

/** Feeds one block of turnarounds of `ms` each. */
function feedBlock(poller: IdlePoller, ms: number): void {
  for (let i = 0; i < BLOCK_SAMPLES; i++) poller.turnaround(ms);
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
    expect(poller.missedPolls).toBe(1);
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
    expect(poller.caughtPolls).toBe(2);
  });

  it('ends a poll whose turn finds the loop was away (preempted)', () => {
    const clock = new ManualClock();
    const poller = new IdlePoller(1000, clock);
    poller.arm(clock.timeMs, A);
    clock.runTurns(0.1);
    expect(poller.isPolling).toBe(true);
    clock.runTurns(PREEMPTED_MS + 0.1);
    expect(poller.isPolling).toBe(false);
    expect(poller.missedPolls).toBe(1);
  });

  it('measures a block polling and a block sleeping, and runs the faster mode for RUN_BLOCKS blocks', () => {
    const clock = new ManualClock();
    const poller = new IdlePoller(300, clock);
    // Polling first: a 0.1 ms median turnaround.
    expect(poller.pollsNow).toBe(true);
    feedBlock(poller, 0.1);
    // Sleeping next: arm() does not poll; 0.2 ms.
    expect(poller.pollsNow).toBe(false);
    poller.arm(clock.timeMs, A);
    expect(clock.pending).toBe(0);
    feedBlock(poller, 0.2);
    expect(poller.pollingChosen).toBe(1);
    expect(poller.pollsNow).toBe(true);
    for (let i = 0; i < RUN_BLOCKS - 1; i++) feedBlock(poller, 0.5);
    expect(poller.pollsNow).toBe(true);
    feedBlock(poller, 0.5);
    // Measuring again: polling no faster than sleeping (the client shares this CPU) → sleep.
    expect(poller.pollsNow).toBe(true);
    feedBlock(poller, 0.09);
    feedBlock(poller, 0.07);
    expect(poller.sleepingChosen).toBe(1);
    expect(poller.pollsNow).toBe(false);
    poller.arm(clock.timeMs, A);
    expect(clock.pending).toBe(0);
  });

  it('wants polling at least GAIN_SHARE_MIN faster on average, and ignores think time', () => {
    const poller = new IdlePoller(300);
    // Polling only a little faster: sleeping is kept (polling costs CPU).
    feedBlock(poller, 0.1 * (1 - GAIN_SHARE_MIN / 2));
    feedBlock(poller, 0.1);
    expect(poller.sleepingChosen).toBe(1);
    for (let i = 0; i < RUN_BLOCKS; i++) feedBlock(poller, 0.1);
    // Polling faster for most requests, but one in six waits out the window (the client could
    // not run while this thread polled): slower on average, so sleeping is kept. Turnarounds past
    // SAMPLE_WINDOWS_MAX windows (the client thinking) are not samples at all.
    for (let i = 0; i < BLOCK_SAMPLES; i++) poller.turnaround(i % 6 === 0 ? 0.35 : 0.05);
    for (let i = 0; i < 1000; i++) poller.turnaround(0.3 * SAMPLE_WINDOWS_MAX + 0.01);
    expect(poller.pollsNow).toBe(false);
    feedBlock(poller, 0.1);
    expect(poller.sleepingChosen).toBe(2);
    for (let i = 0; i < RUN_BLOCKS; i++) feedBlock(poller, 0.1);
    // Without the starved requests polling wins.
    feedBlock(poller, 0.05);
    feedBlock(poller, 0.1);
    expect(poller.pollingChosen).toBe(1);
    expect(poller.pollsNow).toBe(true);
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
    // A 10 ms window: every statement of the loop below counts as a busy client's.
    running = await startServer({ idlePollUs: 10_000 });
  });

  afterAll(async () => {
    await running.stop();
  });

  it('answers a closed loop of prepared statements, polls between them and measures the turnarounds', async () => {
    const poller = running.server.idlePoller;
    expect(poller).toBeDefined();
    const client = await running.client();
    for (let i = 0; i < 2 * BLOCK_SAMPLES + 10; i++) {
      const result = await client.query({ name: 'get-int', text: 'SELECT $1::int', values: [i] });
      expect(result.rows[0]).toEqual({ '?column?': i });
    }
    // It polled in the first block, then measured a block sleeping and chose one of the two.
    expect(poller?.turns ?? 0).toBeGreaterThan(0);
    expect((poller?.pollingChosen ?? 0) + (poller?.sleepingChosen ?? 0)).toBe(1);
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
