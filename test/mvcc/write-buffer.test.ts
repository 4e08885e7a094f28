import { describe, expect, it } from 'vitest';
import { WriteBuffer, type BufferedWrite } from '../../src/mvcc/write-buffer.js';

/** A seeded xorshift, so a failure replays. */
function prng(seed: number): (n: number) => number {
  let x = seed | 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

function entry(key: string, value: string | undefined, sinceTs: number): BufferedWrite {
  return { key: Buffer.from(key, 'latin1'), value: value === undefined ? undefined : Buffer.from(value), sinceTs };
}

describe('WriteBuffer', () => {
  it('matches a Map model through one key, many keys, deletes and savepoints (property)', () => {
    const random = prng(20261121);
    for (let round = 0; round < 200; round++) {
      const buffer = new WriteBuffer();
      let model = new Map<string, BufferedWrite>();
      const saved: Array<Map<string, BufferedWrite>> = [];
      const keySpace = 1 + random(4);
      for (let step = 0; step < 30; step++) {
        const op = random(10);
        const key = `k${random(keySpace)}`;
        if (op < 6) {
          const write = entry(key, random(4) === 0 ? undefined : `v${step}`, step);
          buffer.set(key, write);
          model.set(key, write);
        } else if (op === 6) {
          expect(buffer.savepoint()).toBe(saved.length);
          saved.push(new Map(model));
        } else if (op === 7 && saved.length > 0) {
          const handle = random(saved.length);
          buffer.rollbackTo(handle);
          model = new Map(saved[handle]);
          saved.length = handle + 1;
        } else if (op === 8 && saved.length > 0) {
          const handle = random(saved.length);
          buffer.release(handle);
          saved.length = handle;
        }
        expect(buffer.size()).toBe(model.size);
        expect([...buffer.sortedKeys()]).toEqual([...model.keys()].sort());
        let bytes = 0;
        for (const [k, w] of model) {
          expect(buffer.get(k)).toBe(w);
          bytes += w.key.length + (w.value?.length ?? 0);
        }
        expect(buffer.bytes()).toBe(bytes);
        const writes = buffer.writes();
        const batchKeys = buffer.keyStrings();
        // A lone key is the string itself; otherwise an array in the order of writes().
        if (typeof batchKeys === 'string') expect(model.size).toBe(1);
        const keyStrings = typeof batchKeys === 'string' ? [batchKeys] : batchKeys;
        expect(keyStrings.slice().sort()).toEqual([...model.keys()].sort());
        expect(writes.map((w, i) => w === model.get(keyStrings[i] as string))).toEqual(writes.map(() => true));
        const visited: string[] = [];
        expect(buffer.some((k) => (visited.push(k), false))).toBe(false);
        expect(visited.sort()).toEqual([...model.keys()].sort());
      }
    }
  });
});
