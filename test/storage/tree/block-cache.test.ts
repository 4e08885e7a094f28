import { describe, expect, it } from 'vitest';
import { Block } from '../../../src/storage/block.js';
import { BlockCache } from '../../../src/storage/block-cache.js';

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
});
