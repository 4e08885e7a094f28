import { describe, expect, it } from 'vitest';
import { LiveSnapshots } from '../../src/mvcc/live-snapshots.js';
import { Random, seedFrom } from './random.js';

/** The model: a Map of ts → count, minimum by a scan. */
function modelOldest(model: Map<number, number>): number | undefined {
  let min: number | undefined;
  for (const ts of model.keys()) if (min === undefined || ts < min) min = ts;
  return min;
}

describe('LiveSnapshots', () => {
  it('matches a multiset model: pins mostly at the newest ts, some older ones held long, unpins in any order (property)', () => {
    const seed = seedFrom(0x5eed);
    for (let round = 0; round < 20; round++) {
      const random = new Random(seed + round);
      const live = new LiveSnapshots();
      const model = new Map<number, number>();
      const pinned: number[] = [];
      let newest = 1;
      for (let step = 0; step < 3000; step++) {
        const roll = random.int(10);
        if (roll < 5 || pinned.length === 0) {
          if (random.int(3) === 0) newest++;
          // Mostly the newest ts; sometimes an older one (a scan of an earlier snapshot, a write pin).
          const ts = random.int(8) === 0 ? Math.max(1, newest - random.int(50)) : newest;
          live.pin(ts);
          model.set(ts, (model.get(ts) ?? 0) + 1);
          pinned.push(ts);
        } else {
          // Unpin the newest, the oldest or a random pin; keep a few old ones for long.
          const at = roll === 9 ? random.int(pinned.length) : roll < 8 ? pinned.length - 1 : Math.min(pinned.length - 1, 3);
          const ts = pinned[at] as number;
          pinned.splice(at, 1);
          live.unpin(ts);
          const count = (model.get(ts) as number) - 1;
          if (count === 0) model.delete(ts);
          else model.set(ts, count);
        }
        expect(live.oldest(), `seed ${seed + round} step ${step}`).toBe(modelOldest(model));
        expect(live.size()).toBe(pinned.length);
      }
    }
  });

  it('stays small while an old pin is held and many newer ones come and go', () => {
    const live = new LiveSnapshots();
    live.pin(1);
    for (let ts = 2; ts < 100_000; ts++) {
      live.pin(ts);
      live.pin(ts + 1);
      live.unpin(ts);
      live.unpin(ts + 1);
    }
    expect(live.oldest()).toBe(1);
    expect(live.size()).toBe(1);
    const internals = live as unknown as { head: number; end: number };
    expect(internals.end - internals.head).toBeLessThan(200);
    // Pins released between two held ones are squeezed out.
    for (let ts = 200_000; ts < 200_500; ts++) live.pin(ts);
    for (let ts = 200_001; ts < 200_499; ts++) live.unpin(ts);
    expect(internals.end - internals.head).toBeLessThan(100);
    live.unpin(1);
    expect(live.oldest()).toBe(200_000);
    live.unpin(200_000);
    expect(live.oldest()).toBe(200_499);
    live.unpin(200_499);
    expect(live.oldest()).toBeUndefined();
    expect(live.size()).toBe(0);
  });

  it('refuses to unpin a ts that is not pinned', () => {
    const live = new LiveSnapshots();
    live.pin(5);
    expect(() => live.unpin(4)).toThrow(/unpin of unpinned ts 4/);
    live.unpin(5);
    expect(() => live.unpin(5)).toThrow(/unpin of unpinned ts 5/);
  });
});
