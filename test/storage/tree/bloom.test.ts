import { describe, expect, it } from 'vitest';
import { bloomHash, bloomMayContain, bloomMayContainHash, bloomProbes, buildBloom, l0BloomBitsPerKey, legacyBloomHash } from '../../../src/storage/bloom.js';
import { Prng, testSeed } from './tree-helpers.js';

function key(i: number, prefix = 7): Buffer {
  const k = Buffer.alloc(12);
  k.writeUInt32BE(prefix, 0);
  k.writeUInt32BE(i, 8);
  return k;
}

describe('bloom filter', () => {
  it('has no false negatives and ~1% false positives at 10 bits per key', () => {
    const n = 20000;
    const keys: Buffer[] = [];
    for (let i = 0; i < n; i++) keys.push(key(i));
    const filter = buildBloom(keys, 10);
    expect(filter.length).toBe(Math.ceil((n * 10) / 512) * 64 + 1);
    for (const k of keys) expect(bloomMayContain(filter, k)).toBe(true);
    let fp = 0;
    const probes = 50000;
    for (let i = 0; i < probes; i++) if (bloomMayContain(filter, key(n + i))) fp++;
    const rate = fp / probes;
    console.log(`bloom false positive rate at 10 bits/key: ${(rate * 100).toFixed(2)}%`);
    expect(rate).toBeLessThan(0.02);
    expect(rate).toBeGreaterThan(0.002); // a filter that says "no" too often would be broken elsewhere
  });

  it('works over random keys of any length, given as keys or hashes', () => {
    const rng = new Prng(testSeed('bloom random'));
    const keys: Buffer[] = [];
    for (let i = 0; i < 3000; i++) keys.push(rng.bytes(rng.int(40)));
    const hashes = new Uint32Array(keys.length + 10);
    keys.forEach((k, i) => (hashes[i] = bloomHash(k)));
    const a = buildBloom(keys, 10);
    const b = buildBloom(hashes, 10, keys.length);
    expect(Buffer.compare(a, b)).toBe(0);
    for (const k of keys) expect(bloomMayContainHash(a, bloomHash(k))).toBe(true);
    let fp = 0;
    for (let i = 0; i < 10000; i++) if (bloomMayContain(a, rng.bytes(41))) fp++;
    expect(fp / 10000).toBeLessThan(0.03);
  });

  it('hashes ranges like the sliced bytes, and tiny or reserved filters match everything', () => {
    const data = Buffer.from('xxhello worldyy');
    expect(bloomHash(data, 2, 13)).toBe(bloomHash(Buffer.from('hello world')));
    expect(bloomMayContain(new Uint8Array(0), Buffer.from('a'))).toBe(true);
    expect(bloomMayContain(Uint8Array.from([...new Uint8Array(64), 31]), Buffer.from('a'))).toBe(true);
    expect(bloomMayContain(Uint8Array.from([...new Uint8Array(64), 0x40]), Buffer.from('a'))).toBe(true);
    expect(bloomMayContain(Uint8Array.from([...new Uint8Array(64), 0x40 + 31]), Buffer.from('a'))).toBe(true);
    expect(bloomProbes(10)).toBe(7);
    expect(bloomProbes(0.5)).toBe(1);
    expect(bloomProbes(100)).toBe(30);
    const empty = buildBloom([], 10);
    expect(empty.length).toBe(65); // one 64-byte line + tag (k | HASH_V2)
    expect(empty[64]).toBe(0x40 | 7);
    expect(bloomMayContain(empty, Buffer.from('a'))).toBe(false);
  });

  it('L0 tables get 6 more bits per key: ~10× fewer false positives on the governor sweep keys', () => {
    expect([0, 1, 10, 32, 60].map(l0BloomBitsPerKey)).toEqual([0, 7, 16, 38, 64]);
    const decimal = (i: number): Buffer => Buffer.from(String(i).padStart(16, '0'));
    const n = 20000;
    const keys: Buffer[] = [];
    for (let i = 0; i < n; i++) keys.push(decimal(2 * i));
    const rates = [10, l0BloomBitsPerKey(10)].map((bits) => {
      const filter = buildBloom(keys, bits);
      for (const k of keys) expect(bloomMayContain(filter, k)).toBe(true);
      let fp = 0;
      for (let i = 0; i < 5 * n; i++) if (bloomMayContain(filter, decimal(2 * i + 1))) fp++;
      return fp / (5 * n);
    });
    console.log(`bloom false positives, sweep keys: 10 bits/key ${(100 * (rates[0] as number)).toFixed(2)}%, L0 ${l0BloomBitsPerKey(10)} bits/key ${(100 * (rates[1] as number)).toFixed(3)}%`);
    expect(rates[1] as number).toBeLessThan(0.003);
    expect(rates[1] as number).toBeLessThan((rates[0] as number) / 4);
  });

  it('keeps ~1% false positives for zero-padded decimal keys, whose legacy hashes collide', () => {
    const decimal = (i: number): Buffer => Buffer.from(String(i).padStart(16, '0'));
    const n = 20000;
    const hashes = new Set<number>();
    const legacy = new Set<number>();
    for (let i = 0; i < 200_000; i++) {
      hashes.add(bloomHash(decimal(i)));
      legacy.add(legacyBloomHash(decimal(i)));
    }
    // A random 32-bit hash collides ~5 times in 200,000 keys; the legacy hash thousands of times.
    expect(200_000 - hashes.size).toBeLessThan(50);
    expect(200_000 - legacy.size).toBeGreaterThan(1000);
    const keys: Buffer[] = [];
    for (let i = 0; i < n; i++) keys.push(decimal(2 * i));
    const filter = buildBloom(keys, 10);
    for (const k of keys) expect(bloomMayContain(filter, k)).toBe(true);
    let fp = 0;
    for (let i = 0; i < n; i++) if (bloomMayContain(filter, decimal(2 * i + 1))) fp++;
    expect(fp / n).toBeLessThan(0.015);
  });

  it('hashes as docs/format.md says: murmur3_x86_32, and the legacy hash of older filters', () => {
    // Golden values (the murmur3 ones agree with the reference algorithm, seed 0xbc9f1d34).
    const golden: Array<[string, number, number]> = [
      ['', 1058500998, 1058500998],
      ['a', 1840933717, 3310406543],
      ['hello world', 3736132724, 1398443769],
      ['0000000000012345', 2988909607, 3085405304],
    ];
    for (const [text, murmur, legacy] of golden) {
      expect(bloomHash(Buffer.from(text))).toBe(murmur);
      expect(legacyBloomHash(Buffer.from(text))).toBe(legacy);
    }
  });

  it('reads filters built with the legacy hash (tag = k) with that hash: no false negatives', () => {
    const rng = new Prng(testSeed('bloom legacy'));
    const keys: Buffer[] = [];
    for (let i = 0; i < 2000; i++) keys.push(rng.bytes(1 + rng.int(30)));
    // A filter as written before HASH_V2: legacy hashes, tag byte = k.
    const filter = buildBloom(Uint32Array.from(keys.map((k) => legacyBloomHash(k))), 10);
    filter[filter.length - 1] = bloomProbes(10);
    for (const k of keys) {
      expect(bloomMayContain(filter, k)).toBe(true);
      expect(bloomMayContainHash(filter, bloomHash(k), k)).toBe(true);
      // Without the key, a legacy filter cannot be probed: it matches.
      expect(bloomMayContainHash(filter, 0)).toBe(true);
    }
    let fp = 0;
    for (let i = 0; i < 10000; i++) if (bloomMayContain(filter, rng.bytes(33))) fp++;
    expect(fp / 10000).toBeLessThan(0.03);
  });
});
