import { describe, expect, it } from 'vitest';
import { Block } from '../../../src/storage/block.js';
import { BlockCache } from '../../../src/storage/block-cache.js';
import { Prng, testSeed } from './tree-helpers.js';

function block(bytes: number): Block {
  const data = new Uint8Array(bytes);
  data[bytes - 4] = 1; // one restart at 0
  return new Block(data, 'f', 0);
}

describe('BlockCache', () => {
  it('evicts least recently used blocks to stay within capacity', () => {
    const cache = new BlockCache(100);
    const a = block(40);
    const b = block(40);
    cache.set(1, 0, a);
    cache.set(1, 40, b);
    expect(cache.get(1, 0)).toBe(a); // a is now the most recent
    cache.set(2, 0, block(40)); // evicts b
    expect(cache.get(1, 40)).toBeUndefined();
    expect(cache.get(1, 0)).toBe(a);
    expect(cache.usedBytes).toBe(80);
    expect(cache.hits).toBe(2);
    expect(cache.misses).toBe(1);
  });

  it('replaces an existing entry, skips blocks larger than the capacity, evicts a whole file', () => {
    const cache = new BlockCache(100);
    cache.set(1, 0, block(30));
    cache.set(1, 0, block(50));
    expect(cache.usedBytes).toBe(50);
    cache.set(3, 0, block(200));
    expect(cache.get(3, 0)).toBeUndefined();
    cache.set(1, 50, block(20));
    cache.set(2, 0, block(20));
    cache.evictFile(1);
    expect(cache.usedBytes).toBe(20);
    expect(cache.get(1, 0)).toBeUndefined();
    expect(cache.get(1, 50)).toBeUndefined();
    expect(cache.get(2, 0)).toBeDefined();
    cache.evictFile(42);
    cache.set(4, 0, block(90)); // evicts file 2
    expect(cache.get(2, 0)).toBeUndefined();
    expect(cache.usedBytes).toBe(90);
  });

  it('keeps usedBytes within capacity and equal to what it holds; never returns a replaced or evicted block (property)', () => {
    const rng = new Prng(testSeed('block cache property'));
    const cache = new BlockCache(400);
    const latest = new Map<string, Block>();
    const held = cache.slotsOf(9, 4); // a reader's array, kept across evictFile(9)
    let forgotten = false;
    for (let op = 0; op < 5000; op++) {
      const file = 1 + rng.int(9);
      const index = rng.int(6);
      const id = `${file}/${index}`;
      const r = rng.int(10);
      if (r < 4) {
        const b = block(8 + rng.int(120));
        if (file === 9) cache.insert(held, index, b);
        else cache.set(file, index, b);
        latest.set(id, b);
      } else if (r < 9) {
        const got = file === 9 ? cache.lookup(held, index) : cache.get(file, index);
        if (got !== undefined) expect(got).toBe(latest.get(id));
      } else {
        cache.evictFile(file);
        // After the first evictFile(9) the cache has forgotten `held`: what the reader puts there stays.
        if (file !== 9 || !forgotten) for (let i = 0; i < 6; i++) latest.delete(`${file}/${i}`);
        if (file === 9) forgotten = true;
      }
      expect(cache.usedBytes).toBeLessThanOrEqual(400);
    }
    let sum = 0;
    for (const id of latest.keys()) {
      const [file, index] = id.split('/').map(Number) as [number, number];
      const got = file === 9 ? cache.lookup(held, index) : cache.get(file, index);
      if (got !== undefined) sum += got.charge;
    }
    expect(cache.usedBytes).toBe(sum);
  });
});

describe('BlockCache buffer recycling', () => {
  it('hands an evicted block’s buffer to the next acquire(), charges whole buffers, never recycles a lent block', () => {
    const cache = new BlockCache(1024);
    const first = cache.acquire(300);
    expect(first.length).toBe(512); // rounded up
    first[296] = 1; // restart count 1
    const cached = new Block(first.subarray(0, 300), 'f', 0);
    cache.insert(cache.slotsOf(1), 0, cached, first);
    expect(cache.usedBytes).toBe(512);
    cache.set(1, 1, block(600)); // evicts block 0: its buffer becomes a spare
    expect(cache.lookup(cache.slotsOf(1), 0)).toBeUndefined();
    expect(cache.acquire(300)).toBe(first);
    expect(cache.buffersAllocated).toBe(1);
    // Too small a spare is not used; a spare more than twice the need is not either.
    cache.release(first);
    expect(cache.acquire(600)).not.toBe(first);
    expect(cache.acquire(100)).not.toBe(first);
    expect(cache.acquire(200)).toBe(first);

    const lentBuffer = cache.acquire(300);
    lentBuffer[296] = 1;
    const lent = new Block(lentBuffer.subarray(0, 300), 'f', 0);
    cache.insert(cache.slotsOf(2), 0, lent, lentBuffer);
    lent.lent = true;
    cache.evictFile(2);
    expect(cache.acquire(300)).not.toBe(lentBuffer);
  });

  it('does not recycle the buffer of a block too large to cache (the caller still reads it)', () => {
    const cache = new BlockCache(0);
    const buffer = cache.acquire(100);
    buffer[96] = 1;
    cache.insert(cache.slotsOf(1), 0, new Block(buffer.subarray(0, 100), 'f', 0), buffer);
    expect(cache.usedBytes).toBe(0);
    expect(cache.acquire(100)).not.toBe(buffer);
  });
});
