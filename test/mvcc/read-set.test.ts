/**
 * ReadSet against a model: whatever was read (points and ranges, narrowed or not) stays inside
 * the recorded set however it is coarsened, and prepared (sorted, merged) lookups agree with the
 * plain ones. Replay with SEED=<n>.
 */
import { describe, expect, it } from 'vitest';
import { ReadSet } from '../../src/mvcc/read-set.js';
import { rangeContains } from '../../src/mvcc/key-range.js';
import type { StringRange } from '../../src/mvcc/key-range.js';
import { Random, seedFrom } from './random.js';

const SEED = seedFrom(5);

function randomRange(random: Random, key: () => string): StringRange {
  const a = key();
  const b = key();
  return {
    low: random.int(8) === 0 ? undefined : a < b ? a : b,
    lowInclusive: random.int(2) === 0,
    high: random.int(8) === 0 ? undefined : a < b ? b : a,
    highInclusive: random.int(2) === 0,
  };
}

describe(`ReadSet (SEED=${SEED})`, () => {
  it('never loses a key that was read, whatever the limits', () => {
    const random = new Random(SEED);
    const key = (): string => String.fromCharCode(97 + random.int(26), 97 + random.int(26));
    for (let round = 0; round < 200; round++) {
      const set = new ReadSet(1 + random.int(6), 1 + random.int(6));
      const fine = new ReadSet(1_000_000, 1_000_000);
      const points: string[] = [];
      const ranges: StringRange[] = [];
      for (let i = 0, n = random.int(30); i < n; i++) {
        if (random.int(2) === 0) {
          const point = key();
          points.push(point);
          set.addPoint(point);
          fine.addPoint(point);
        } else {
          const range = randomRange(random, key);
          ranges.push(range);
          set.addRange(range);
          fine.addRange(range);
        }
      }
      const probes = Array.from({ length: 60 }, key);
      const plain = probes.map((probe) => fine.contains(probe));
      fine.prepare();
      expect(probes.map((probe) => fine.contains(probe))).toEqual(plain);
      set.prepare();
      for (const probe of probes) {
        const read = points.includes(probe) || ranges.some((range) => rangeContains(range, probe));
        expect(fine.contains(probe)).toBe(read);
        if (read) expect(set.contains(probe), `round ${round} probe ${probe}`).toBe(true);
      }
      expect(set.rangeCount()).toBeLessThanOrEqual(7);
    }
  });
});
