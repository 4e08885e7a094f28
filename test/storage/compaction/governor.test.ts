/**
 * The governor's adaptation (governor.ts): the rate falls when the foreground p99 passes 2× the
 * idle baseline, holds inside the hysteresis band, rises back (never above the budget) when the
 * p99 falls below 1.25× the baseline, and never drops below the floor.
 *
 * Issue 10, the SLO target (option governorMsP99Target): with a target the rate halves while the
 * foreground p99 is above it, holds between 0.8× the target and the target, grows below that
 * (back to unlimited when the budget is); every adjustment is reported with the old and new rate
 * and the observed p99, counted, and visible in stats().
 *
 * Issue 9, the commit watch: windows of commit-group latencies (append + fdatasync) taken while
 * background work ran throttle it when their p99 passes 2× the idle commit baseline (and exceeds
 * it by 0.5 ms), hold inside the band, grow back below 1.25× and lift the limit at the ceiling they
 * started from; with an unlimited budget that ceiling is the rate background jobs were measured to
 * draw. An L0 backlog (pressure) keeps the rate up whatever the adaptation says.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine, MemoryVfs } from '../../../src/storage/index.js';
import { Governor, type GovernorAdjustment } from '../../../src/storage/governor.js';
import { l0Pressure } from '../../../src/storage/compactor.js';

const WINDOW = 256;
const COMMIT_WINDOW = 128;

function feedCommits(governor: Governor, latencyUs: number, windows = 1): void {
  for (let i = 0; i < COMMIT_WINDOW * windows; i++) governor.recordCommit(latencyUs);
}

function feed(governor: Governor, latencyUs: number, windows = 1): void {
  for (let i = 0; i < WINDOW * windows; i++) governor.record(latencyUs);
}

describe('governor', () => {
  it('adapts to the foreground p99 with hysteresis', () => {
    const budget = 100 * 1024 * 1024;
    const governor = new Governor(budget);
    feed(governor, 10);
    expect(governor.baselineUsP99).toBe(10);
    governor.backgroundActive = true;
    feed(governor, 100);
    expect(governor.rateBytesPerSec).toBe(budget / 2);
    feed(governor, 15, 3);
    expect(governor.rateBytesPerSec, 'inside the band: hold').toBe(budget / 2);
    feed(governor, 10);
    expect(governor.rateBytesPerSec).toBe(budget * 0.625);
    feed(governor, 10, 10);
    expect(governor.rateBytesPerSec, 'never above the budget').toBe(budget);
    feed(governor, 1000, 40);
    expect(governor.rateBytesPerSec, 'never below the floor').toBe(budget * 0.05);
  });

  it('an unlimited budget never throttles', async () => {
    const governor = new Governor(Infinity);
    governor.backgroundActive = true;
    feed(governor, 10);
    feed(governor, 1000);
    await governor.acquire(1 << 30);
    expect(governor.throttleMs).toBe(0);
    expect(governor.rateBytesPerSec).toBe(Infinity);
  });
});

describe('governor target p99', () => {
  it('throttles above the target with hysteresis and reports each adjustment', () => {
    const budget = 64 * 1024 * 1024;
    const changes: GovernorAdjustment[] = [];
    const governor = new Governor(budget, 1000, (change) => changes.push(change));
    feed(governor, 5000);
    expect(governor.rateBytesPerSec, 'no background work: nothing to throttle (the window is the idle baseline)').toBe(budget);
    governor.backgroundActive = true;
    feed(governor, 5000);
    expect(governor.rateBytesPerSec).toBe(budget / 2);
    expect(changes).toEqual([{ signal: 'read', rateBytesPerSecBefore: budget, rateBytesPerSec: budget / 2, foregroundUsP99: 5000, targetUsP99: 1000, baselineUsP99: 5000 }]);
    expect(governor.sloViolations, 'windows over the target while background work ran').toBe(1);
    feed(governor, 900, 3);
    expect(governor.rateBytesPerSec, 'between 0.8× target and the target: hold').toBe(budget / 2);
    feed(governor, 500);
    expect(governor.rateBytesPerSec).toBe((budget / 2) * 1.25);
    feed(governor, 500, 10);
    expect(governor.rateBytesPerSec, 'never above the budget').toBe(budget);
    feed(governor, 5000, 60);
    expect(governor.rateBytesPerSec, 'never below the floor').toBeCloseTo(budget * 0.05, 3);
    expect(governor.adjustments).toBe(changes.length);
    expect(changes.every((c) => c.rateBytesPerSec !== c.rateBytesPerSecBefore)).toBe(true);
  });

  it('with an unlimited budget throttles from a ceiling and returns to unlimited', () => {
    const governor = new Governor(Infinity, 1000);
    governor.backgroundActive = true;
    feed(governor, 3000);
    expect(Number.isFinite(governor.rateBytesPerSec)).toBe(true);
    feed(governor, 100, 20);
    expect(governor.rateBytesPerSec).toBe(Infinity);
  });

  it('without a target follows the learned baseline only', () => {
    const governor = new Governor(Infinity);
    governor.backgroundActive = true;
    feed(governor, 1_000_000, 4);
    expect(governor.rateBytesPerSec).toBe(Infinity);
    expect(governor.sloViolations).toBe(0);
  });

  it('is an engine option, visible in stats()', async () => {
    const engine = await Engine.open('/db', { vfs: new MemoryVfs(), governorMsP99Target: 2.5 });
    expect(engine.stats()).toMatchObject({ governorTargetUsP99: 2500, governorAdjustments: 0, governorSloViolations: 0 });
    await engine.close();
    await expect(Engine.open('/db2', { vfs: new MemoryVfs(), governorMsP99Target: -1 })).rejects.toThrow(/governorMsP99Target/);
  });
});

describe('governor commit watch', () => {
  it('throttles background I/O when the commit p99 rises, with hysteresis', () => {
    const budget = 40 * 1024 * 1024;
    const changes: GovernorAdjustment[] = [];
    const governor = new Governor(budget, 0, (change) => changes.push(change));
    feedCommits(governor, 4000);
    expect(governor.commitBaselineUsP99, 'learned while no background job ran').toBe(4000);
    expect(governor.rateBytesPerSec).toBe(budget);
    governor.backgroundActive = true;
    feedCommits(governor, 7000);
    expect(governor.rateBytesPerSec, 'below 2× the baseline: hold').toBe(budget);
    feedCommits(governor, 9000);
    expect(governor.rateBytesPerSec).toBe(budget / 2);
    expect(changes).toEqual([{ signal: 'commit', rateBytesPerSecBefore: budget, rateBytesPerSec: budget / 2, foregroundUsP99: 9000, targetUsP99: 0, baselineUsP99: 4000 }]);
    feedCommits(governor, 9000);
    expect(governor.rateBytesPerSec).toBe(budget / 4);
    feedCommits(governor, 6000, 3);
    expect(governor.rateBytesPerSec, 'inside the band: hold').toBe(budget / 4);
    feedCommits(governor, 4000);
    expect(governor.rateBytesPerSec).toBe((budget / 4) * 1.25);
    feedCommits(governor, 4000, 10);
    expect(governor.rateBytesPerSec, 'lifted at the ceiling, never above the budget').toBe(budget);
    feedCommits(governor, 100_000, 40);
    expect(governor.rateBytesPerSec, 'never below the floor').toBeCloseTo(budget * 0.05, 3);
    expect(governor.commitAdjustments).toBe(changes.length);
    expect(governor.adjustments).toBe(changes.length);
  });

  it('windows without background work only teach the baseline', () => {
    const governor = new Governor(1e8);
    feedCommits(governor, 3000);
    feedCommits(governor, 30_000, 3);
    expect(governor.rateBytesPerSec).toBe(1e8);
    expect(governor.commitBaselineUsP99).toBeGreaterThan(3000);
    expect(governor.lastCommitUsP99).toBe(30_000);
  });

  it('a window counts as busy when background work ran during any of its samples', () => {
    const governor = new Governor(1e8);
    feedCommits(governor, 2000);
    governor.backgroundActive = true;
    governor.recordCommit(10_000);
    governor.backgroundActive = false;
    for (let i = 1; i < COMMIT_WINDOW; i++) governor.recordCommit(10_000);
    expect(governor.rateBytesPerSec).toBe(5e7);
    expect(governor.commitBaselineUsP99, 'the busy window did not move the baseline').toBe(2000);
  });

  it('ignores microsecond noise (relaxed sync, memory Vfs): the p99 must also exceed the baseline by 0.5 ms', () => {
    const governor = new Governor(1e8);
    feedCommits(governor, 20);
    governor.backgroundActive = true;
    feedCommits(governor, 400, 5);
    expect(governor.rateBytesPerSec).toBe(1e8);
    expect(governor.commitAdjustments).toBe(0);
  });

  it('with an unlimited budget throttles from the measured background rate and returns to unlimited', async () => {
    const governor = new Governor(Infinity);
    feedCommits(governor, 2000);
    governor.backgroundActive = true;
    await governor.acquire(64 * 1024 * 1024);
    expect(governor.throttleMs, 'unlimited: nothing waits').toBe(0);
    const observed = governor.observedBytesPerSec();
    expect(observed).toBeGreaterThan(0);
    feedCommits(governor, 10_000);
    const throttled = governor.rateBytesPerSec;
    expect(Number.isFinite(throttled)).toBe(true);
    expect(throttled).toBeLessThanOrEqual(observed / 2);
    expect(throttled).toBeGreaterThan(0);
    feedCommits(governor, 1000, 20);
    expect(governor.rateBytesPerSec).toBe(Infinity);
  });

  it('the lower of the read and commit limits is in force', () => {
    const budget = 1e8;
    const governor = new Governor(budget);
    feed(governor, 10);
    feedCommits(governor, 2000);
    governor.backgroundActive = true;
    feed(governor, 100);
    expect(governor.rateBytesPerSec, 'read signal').toBe(budget / 2);
    feedCommits(governor, 10_000, 2);
    expect(governor.rateBytesPerSec, 'the commit limit (halved twice from the budget) is lower now').toBe(budget / 4);
    feed(governor, 10, 10);
    expect(governor.rateBytesPerSec, 'reads recovered, commits still slow').toBe(budget / 4);
    feedCommits(governor, 100_000, 40);
    feed(governor, 1000, 40);
    expect(governor.rateBytesPerSec, 'both at their floor: the floors never compound').toBeCloseTo(budget * 0.05, 3);
  });
});

describe('governor pressure (L0 backlog)', () => {
  it('raises the rate in force to pressure × the budget, never above it', () => {
    const budget = 1e8;
    const governor = new Governor(budget);
    feed(governor, 10);
    governor.backgroundActive = true;
    feed(governor, 1000, 10);
    expect(governor.rateBytesPerSec).toBeCloseTo(budget * 0.05, 3);
    governor.pressureOf = () => 0.5;
    expect(governor.rateBytesPerSec).toBe(budget / 2);
    governor.pressureOf = () => 1;
    expect(governor.rateBytesPerSec).toBe(budget);
    governor.pressureOf = () => 0;
    expect(governor.adaptiveRateBytesPerSec).toBeCloseTo(budget * 0.05, 3);
  });

  it('with an unlimited budget is a share of the ceiling the commit watch throttled from', async () => {
    const governor = new Governor(Infinity);
    feedCommits(governor, 2000);
    governor.backgroundActive = true;
    await governor.acquire(1e9);
    feedCommits(governor, 10_000, 3);
    const throttled = governor.rateBytesPerSec;
    const ceiling = throttled * 8;
    governor.pressureOf = () => 0.25;
    expect(governor.rateBytesPerSec, 'a quarter of the ceiling beats an eighth of it').toBeCloseTo(ceiling / 4, 3);
    governor.pressureOf = () => 0.1;
    expect(governor.rateBytesPerSec, 'below the adaptive rate: the adaptive rate').toBe(throttled);
    governor.pressureOf = () => 1;
    expect(governor.rateBytesPerSec).toBe(Infinity);
  });

  it('grows with the L0 table count from the trigger', () => {
    expect([3, 4, 5, 6, 7, 20].map((tables) => l0Pressure(tables, 4))).toEqual([0, 0.25, 0.5, 0.75, 1, 1]);
    expect(l0Pressure(1, 1)).toBe(1);
  });
});

describe('governor waits', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A governor throttled to its floor (5 % of a 1 MB/s budget) with a 100 kB acquire waiting. */
  function throttledWait(): { governor: Governor; done: () => boolean } {
    const governor = new Governor(1e6);
    feed(governor, 10);
    governor.backgroundActive = true;
    feed(governor, 1000, 10);
    expect(governor.rateBytesPerSec).toBeCloseTo(5e4, 3);
    let resolved = false;
    void governor.acquire(1e5).then(() => {
      resolved = true;
    });
    return { governor, done: () => resolved };
  }

  it('a wait repays the debt at the rate in force (2 s at the floor)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    const { governor, done } = throttledWait();
    await vi.advanceTimersByTimeAsync(1900);
    expect(done()).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(done()).toBe(true);
    expect(governor.throttleMs).toBeGreaterThanOrEqual(1950);
  });

  it('rising pressure shortens a wait already begun (the rate is taken again every slice)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    const { governor, done } = throttledWait();
    await vi.advanceTimersByTimeAsync(50);
    governor.pressureOf = () => 1;
    await vi.advanceTimersByTimeAsync(150);
    expect(done(), 'the rest of the debt repaid at the whole budget').toBe(true);
  });
});

describe('governor commit watch in the engine', () => {
  it('every commit group reports its append-to-durable latency to the governor', async () => {
    const engine = await Engine.open('/db', { vfs: new MemoryVfs() });
    for (let ts = 1; ts <= COMMIT_WINDOW; ts++) await engine.commit([{ key: Buffer.from(`k${ts}`), value: Buffer.from('v') }], ts);
    const governor = engine['governor'];
    expect(governor.lastCommitUsP99, 'one window of groups closed').toBeGreaterThan(0);
    expect(governor.commitBaselineUsP99, 'no background job ran: the window taught the baseline').toBe(governor.lastCommitUsP99);
    expect(governor.commitAdjustments).toBe(0);
    await engine.close();
  });

  it('stats() shows the commit watch: last window p99, its idle baseline and the commit-signal adjustments', async () => {
    const engine = await Engine.open('/db', { vfs: new MemoryVfs(), backgroundBytesPerSecMax: 1e8 });
    expect(engine.stats()).toMatchObject({ commitUsP99Last: 0, commitBaselineUsP99: 0, governorCommitAdjustments: 0 });
    for (let ts = 1; ts <= COMMIT_WINDOW; ts++) await engine.commit([{ key: Buffer.from(`k${ts}`), value: Buffer.from('v') }], ts);
    const first = engine.stats();
    expect(first.commitUsP99Last).toBeGreaterThan(0);
    expect(first.commitBaselineUsP99).toBe(first.commitUsP99Last);
    const governor = engine['governor'];
    feedCommits(governor, 2000, 3);
    const baselineUs = governor.commitBaselineUsP99;
    expect(engine.stats().commitBaselineUsP99).toBe(baselineUs);
    // Slow whatever the real commits of the first window measured (a loaded machine included).
    const slowUs = Math.round(10 * baselineUs) + 1000;
    governor.backgroundActive = true;
    feedCommits(governor, slowUs, 2);
    governor.backgroundActive = false;
    const after = engine.stats();
    expect(after.commitUsP99Last).toBe(slowUs);
    expect(after.commitBaselineUsP99, 'busy windows do not move the baseline').toBe(baselineUs);
    expect(after.governorCommitAdjustments).toBe(2);
    expect(after.governorAdjustments, 'commit-signal adjustments are adjustments too').toBe(2);
    expect(after.backgroundRateBytesPerSec).toBe(2.5e7);
    await engine.close();
  });
});
