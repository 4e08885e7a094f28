import { describe, expect, it } from 'vitest';
import { ConflictTracker } from '../../src/mvcc/conflict-tracker.js';
import { Random, seedFrom } from './random.js';

describe('ConflictTracker', () => {
  it('answers writtenSince as the full history does, for every snapshot at or above what was released (property)', () => {
    const seed = seedFrom(0x7ac4);
    for (let round = 0; round < 10; round++) {
      const random = new Random(seed + round);
      const keysMax = random.int(2) === 0 ? 1_000_000 : 50;
      const staleKeysMax = random.int(2) === 0 ? 65_536 : 1 + random.int(100);
      const tracker = new ConflictTracker(keysMax, staleKeysMax);
      const history: Array<{ ts: number; keys: string[] }> = [];
      let ts = 0;
      let released = 0;
      for (let step = 0; step < 4000; step++) {
        ts++;
        const keys = new Set<string>();
        for (let n = 1 + random.int(3); n > 0; n--) keys.add(`k${random.int(random.int(2) === 0 ? 20 : 5000)}`);
        tracker.record(ts, keys.size === 1 && random.int(2) === 0 ? ([...keys][0] as string) : [...keys]); // a lone key may come as the string
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
      // Released commits are forgotten: the map holds at most the keys still recorded plus the stale ones tolerated.
      expect(tracker.mapSize()).toBeLessThanOrEqual(tracker.size() + Math.min(keysMax, staleKeysMax));
    }
  });

  it('forgets every commit at or below the released ts', () => {
    const tracker = new ConflictTracker(1_000_000, 100);
    for (let ts = 1; ts <= 5000; ts++) {
      tracker.record(ts, [`key${ts}`]);
      tracker.release(ts - 1);
      expect(tracker.mapSize()).toBeLessThanOrEqual(101);
    }
    expect(tracker.size()).toBe(1);
    expect(tracker.writtenSince('key5000', 4999)).toBe(true);
    expect(tracker.writtenSince('key4000', 4999)).toBe(false);
    expect(tracker.writtenSince('key4990', 4999)).toBe(false); // still in the map, stale
  });

  it('keeps the entries of forgotten commits until a sweep, and overwrites them in place (no map churn per commit)', () => {
    const tracker = new ConflictTracker(1_000_000, 100);
    for (let ts = 1; ts <= 1000; ts++) {
      tracker.record(ts, [`key${ts % 10}`]); // hot keys: each stale entry is overwritten
      tracker.release(ts - 1);
    }
    expect(tracker.size()).toBe(1);
    expect(tracker.mapSize()).toBe(10);
    expect(tracker.writtenSince('key0', 999)).toBe(true);
    expect(tracker.writtenSince('key9', 999)).toBe(false);
    expect(tracker.writtenSince('key1', 999)).toBe(false); // its entry (ts 991) is stale
    for (let ts = 1001; ts <= 1200; ts++) {
      tracker.record(ts, [`cold${ts}`]);
      tracker.release(ts - 1);
    }
    expect(tracker.mapSize()).toBeLessThanOrEqual(101); // swept past 100 stale entries
    expect(tracker.writtenSince('cold1200', 1199)).toBe(true);
  });

  it('answers true for a snapshot below the floor even when the stale entry says otherwise', () => {
    const tracker = new ConflictTracker(2, 100);
    tracker.record(1, ['a']);
    tracker.record(2, ['b']);
    tracker.record(3, ['c']); // past keysMax: commit 1 is forgotten early, floor rises to 1
    expect(tracker.floorTs()).toBe(1);
    expect(tracker.mapSize()).toBe(3);
    expect(tracker.writtenSince('a', 0)).toBe(true);
    expect(tracker.writtenSince('a', 1)).toBe(false);
    expect(tracker.writtenSince('c', 2)).toBe(true);
  });
  it('keeps commits in order across ring growth and wrap-around', () => {
    const tracker = new ConflictTracker(1_000_000);
    let ts = 0;
    for (let cycle = 0; cycle < 3; cycle++) {
      const first = ts + 1;
      for (let n = 0; n < 3000; n++) {
        ts++;
        tracker.record(ts, ts % 2 === 0 ? `k${ts}` : [`k${ts}`, `m${ts}`]);
      }
      const seen: string[] = [];
      expect(tracker.someKeyWrittenSince(ts - 3, (key) => (seen.push(key), false))).toBe(false);
      expect(seen).toEqual([`k${ts}`, `k${ts - 1}`, `m${ts - 1}`, `k${ts - 2}`]);
      expect(tracker.writtenSince(`k${first}`, first - 1)).toBe(true);
      expect(tracker.writtenSince(`m${ts - 1}`, ts - 1)).toBe(false);
      tracker.release(ts - 700); // wraps the ring on the next cycle
      expect(tracker.size()).toBe(700 + 350);
      expect(tracker.writtenSince(`k${ts - 699}`, ts - 700)).toBe(true);
    }
  });
});
