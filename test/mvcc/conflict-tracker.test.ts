import { describe, expect, it } from 'vitest';
import { ConflictTracker } from '../../src/mvcc/conflict-tracker.js';
import { Random, seedFrom } from './random.js';

describe('ConflictTracker', () => {
  it('answers writtenSince as the full history does, for every snapshot at or above what was released (property)', () => {
    const seed = seedFrom(0x7ac4);
    for (let round = 0; round < 10; round++) {
      const random = new Random(seed + round);
      const keysMax = random.int(2) === 0 ? 1_000_000 : 50;
      const tracker = new ConflictTracker(keysMax);
      const history: Array<{ ts: number; keys: string[] }> = [];
      let ts = 0;
      let released = 0;
      for (let step = 0; step < 4000; step++) {
        ts++;
        const keys = new Set<string>();
        for (let n = 1 + random.int(3); n > 0; n--) keys.add(`k${random.int(random.int(2) === 0 ? 20 : 5000)}`);
        tracker.record(ts, [...keys]);
        history.push({ ts, keys: [...keys] });
        if (random.int(4) === 0) {
          released = Math.min(ts, released + random.int(8));
          tracker.release(released);
        }
        for (let probe = 0; probe < 3; probe++) {
          const key = `k${random.int(random.int(2) === 0 ? 20 : 5000)}`;
          const since = released + random.int(ts - released + 1);
          const expected = since < tracker.floorTs() || history.some((commit) => commit.ts > since && commit.keys.includes(key));
          expect(tracker.writtenSince(key, since), `seed ${seed + round} step ${step} ${key} since ${since}`).toBe(expected);
        }
      }
      // Released commits are forgotten: the map holds at most the keys still recorded.
      const map = (tracker as unknown as { lastCommit: Map<string, number> }).lastCommit;
      expect(map.size).toBeLessThanOrEqual(tracker.size());
    }
  });

  it('forgets every commit at or below the released ts', () => {
    const tracker = new ConflictTracker(1_000_000);
    for (let ts = 1; ts <= 5000; ts++) {
      tracker.record(ts, [`key${ts}`]);
      tracker.release(ts - 1);
    }
    expect(tracker.size()).toBe(1);
    const map = (tracker as unknown as { lastCommit: Map<string, number> }).lastCommit;
    expect(map.size).toBe(1);
    expect(tracker.writtenSince('key5000', 4999)).toBe(true);
    expect(tracker.writtenSince('key4000', 4999)).toBe(false);
  });
});
