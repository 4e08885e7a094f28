import { describe, expect, it } from 'vitest';
import { CLOSED_LOOP, pacedWrites, readWhileWriting } from './read-while-writing.js';

/** A write source that records how many of its writes were in flight at once; each ends after `turns` event-loop turns. */
function writes(turns: number): { write: (batch: number) => Promise<void>; started: number[]; inFlightMax: () => number; inFlight: () => number } {
  const started: number[] = [];
  let inFlight = 0;
  let most = 0;
  const write = async (batch: number): Promise<void> => {
    started.push(batch);
    most = Math.max(most, ++inFlight);
    for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
    inFlight--;
  };
  return { write, started, inFlightMax: () => most, inFlight: () => inFlight };
}

const countReads = (count: number, out: number[]): void => {
  for (let i = 0; i < count; i++) out.push(1);
};

describe('readWhileWriting', () => {
  it('closed loop: one batch at a time, numbered in order, all durable when it returns', async () => {
    const source = writes(3);
    const out: number[] = [];
    const batches = await readWhileWriting(0.02, CLOSED_LOOP, source.write, countReads, 10, out);
    expect(batches).toBeGreaterThan(0);
    expect(source.started).toEqual([...Array(batches).keys()]);
    expect(source.inFlightMax()).toBe(1);
    expect(source.inFlight()).toBe(0);
    expect(out.length % 10).toBe(0);
    expect(out.length).toBeGreaterThan(0);
  });

  it('paced: never more batches in flight than the pacing allows', async () => {
    const source = writes(50);
    const pacing = { intervalMs: 0.01, inFlightMax: 3 };
    const batches = await readWhileWriting(0.02, pacing, source.write, countReads, 1, []);
    expect(batches).toBeGreaterThan(0);
    expect(source.inFlightMax()).toBeLessThanOrEqual(3);
    expect(source.inFlight()).toBe(0);
  });

  it('rejects with the first failed write, after the others finished', async () => {
    const source = writes(2);
    const failing = (batch: number): Promise<void> => (batch === 1 ? Promise.reject(new Error('disk full')) : source.write(batch));
    await expect(readWhileWriting(5, CLOSED_LOOP, failing, countReads, 1, [])).rejects.toThrow('disk full');
    expect(source.inFlight()).toBe(0);
  });

  it('pacedWrites spaces batches by their bytes over the rate', () => {
    expect(pacedWrites(8e6, 52_000)).toEqual({ intervalMs: 6.5, inFlightMax: 4 });
  });
});
