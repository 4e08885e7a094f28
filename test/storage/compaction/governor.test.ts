/**
 * The governor's adaptation (governor.ts): the rate falls when the foreground p99 passes 2× the
 * idle baseline, holds inside the hysteresis band, rises back (never above the budget) when the
 * p99 falls below 1.25× the baseline, and never drops below the floor.
 */
import { describe, expect, it } from 'vitest';
import { Governor } from '../../../src/storage/governor.js';

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
