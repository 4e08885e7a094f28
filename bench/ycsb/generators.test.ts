/** The YCSB generators: key names, FNV hash, zipfian and scrambled zipfian, operation and value choice. */
import { describe, expect, it } from 'vitest';
import { fnvhash64, ycsbKey } from './fnv-hash.js';
import { RandomSource } from './random-source.js';
import { ITEM_COUNT, ScrambledZipfianGenerator, ZETAN } from './scrambled-zipfian-generator.js';
import { chooseOperation, FIELD_LENGTH, fieldValue, KeyChooser, WORKLOADS } from './workload.js';
import { zeta, ZipfianGenerator } from './zipfian-generator.js';

describe('fnvhash64 / ycsbKey', () => {
  it('names records as YCSB does', () => {
    expect(ycsbKey(0)).toBe('user6284781860667377211');
    expect(ycsbKey(1)).toBe('user8517097267634966620');
  });

  it('is non-negative for ordinary inputs and wraps like a Java long', () => {
    let negatives = 0;
    for (let i = 0; i < 1000; i++) if (fnvhash64(BigInt(i * 7919)) < 0n) negatives++;
    expect(negatives).toBe(0);
    expect(fnvhash64(-1n)).toBe(fnvhash64(0xffffffffffffffffn));
  });
});

describe('RandomSource', () => {
  it('is deterministic per seed and uniform in [0, 1)', () => {
    const a = new RandomSource(7);
    const b = new RandomSource(7);
    let sum = 0;
    let [low, high, differences] = [Infinity, -Infinity, 0];
    for (let i = 0; i < 10_000; i++) {
      const value = a.nextDouble();
      if (value !== b.nextDouble()) differences++;
      low = Math.min(low, value);
      high = Math.max(high, value);
      sum += value;
    }
    expect(differences).toBe(0);
    expect(low).toBeGreaterThanOrEqual(0);
    expect(high).toBeLessThan(1);
    expect(sum / 10_000).toBeCloseTo(0.5, 1);
  });
});

describe('ZipfianGenerator', () => {
  it('draws rank 0 with probability 1/zeta(n) and rank 1 with 1/(2^theta zeta(n))', () => {
    const generator = new ZipfianGenerator(0, 999, 0.99);
    const random = new RandomSource(1);
    const counts = new Map<number, number>();
    const draws = 200_000;
    let [low, high] = [Infinity, -Infinity];
    for (let i = 0; i < draws; i++) {
      const value = generator.next(random);
      low = Math.min(low, value);
      high = Math.max(high, value);
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    expect(low).toBe(0);
    expect(high).toBeLessThanOrEqual(1000);
    const zetan = zeta(1000, 0.99);
    expect((counts.get(0) ?? 0) / draws).toBeCloseTo(1 / zetan, 2);
    expect((counts.get(1) ?? 0) / draws).toBeCloseTo(1 / (2 ** 0.99 * zetan), 2);
  });
});

describe('ScrambledZipfianGenerator', () => {
  it("uses YCSB's precomputed zeta for 10^10 items", () => {
    expect(ITEM_COUNT).toBe(10_000_000_000);
    expect(ZETAN).toBeCloseTo(26.469, 3);
  });

  it('spreads the popular items over [min, max], the most popular at fnvhash64(0) % n', () => {
    const generator = new ScrambledZipfianGenerator(0, 100_000);
    const random = new RandomSource(3);
    const counts = new Map<number, number>();
    const draws = 100_000;
    let [low, high] = [Infinity, -Infinity];
    for (let i = 0; i < draws; i++) {
      const value = generator.next(random);
      low = Math.min(low, value);
      high = Math.max(high, value);
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    expect(low).toBeGreaterThanOrEqual(0);
    expect(high).toBeLessThanOrEqual(100_000);
    const hottest = Number(fnvhash64(0n) % 100_001n);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] as [number, number];
    expect(top[0]).toBe(hottest);
    expect(top[1] / draws).toBeCloseTo(1 / ZETAN, 2);
  });
});

describe('KeyChooser', () => {
  it('never returns a record past the last loaded one', () => {
    const chooser = new KeyChooser(10);
    const random = new RandomSource(5);
    const seen = new Set<number>();
    for (let i = 0; i < 5_000; i++) seen.add(chooser.next(random));
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('workload operations and values', () => {
  it('follows the workload proportions', () => {
    const random = new RandomSource(9);
    const counts = { read: 0, update: 0, rmw: 0 };
    for (let i = 0; i < 20_000; i++) counts[chooseOperation(WORKLOADS.A, random)]++;
    expect(counts.read / 20_000).toBeCloseTo(0.5, 1);
    expect(counts.rmw).toBe(0);
    const c = new Set<string>();
    for (let i = 0; i < 1_000; i++) c.add(chooseOperation(WORKLOADS.C, random));
    expect([...c]).toEqual(['read']);
    const f = { read: 0, update: 0, rmw: 0 };
    for (let i = 0; i < 20_000; i++) f[chooseOperation(WORKLOADS.F, random)]++;
    expect(f.update).toBe(0);
    expect(f.rmw / 20_000).toBeCloseTo(0.5, 1);
  });

  it("makes 100-character values in YCSB's character range", () => {
    const value = fieldValue(new RandomSource(11), Buffer.alloc(FIELD_LENGTH));
    expect(value).toHaveLength(100);
    expect(value).toMatch(/^[\x20-\x7f]{100}$/);
  });
});
