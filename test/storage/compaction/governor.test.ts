/**
 * The governor's adaptation (governor.ts): the rate falls when the foreground p99 passes 2× the
 * idle baseline, holds inside the hysteresis band, rises back (never above the budget) when the
 * p99 falls below 1.25× the baseline, and never drops below the floor.
 *
 * Issue 10, the SLO target (option governorMsP99Target): with a target the rate halves while the
 * foreground p99 is above it, holds between 0.8× the target and the target, grows below that
 * (back to unlimited when the budget is); every adjustment is reported with the old and new rate
 * and the observed p99, counted, and visible in stats().
 */
import { describe, expect, it } from 'vitest';
import { Engine, MemoryVfs } from '../../../src/storage/index.js';
import { Governor, type GovernorAdjustment } from '../../../src/storage/governor.js';

const WINDOW = 256;

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
    expect(changes).toEqual([{ rateBytesPerSecBefore: budget, rateBytesPerSec: budget / 2, foregroundUsP99: 5000, targetUsP99: 1000, baselineUsP99: 5000 }]);
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
