import { describe, expect, it } from 'vitest';
import { ValueCache } from '../../src/storage/value-cache.js';
import { open } from '../../src/storage/index.js';
import { MemoryVfs } from '../../src/storage/vfs-memory.js';
import { ValueLog } from '../../src/storage/value-log.js';

const bytes = (n: number, fill: number): Buffer => Buffer.alloc(n, fill);
/** What one cached value of n bytes is charged (value + per-entry overhead). */
const chargeOf = (cache: ValueCache, n: number): number => {
  const probe = new ValueCache(cache.capacityBytes);
  probe.set(0, 0, bytes(n, 0));
  return probe.usedBytes;
};

describe('ValueCache', () => {
  it('hands out copies, never its own buffer', () => {
    const cache = new ValueCache(1 << 20);
    cache.set(3, 100, bytes(10, 7));
    const first = cache.get(3, 100) as Uint8Array;
    expect(Buffer.from(first).equals(bytes(10, 7))).toBe(true);
    first.fill(0);
    expect(Buffer.from(cache.get(3, 100) as Uint8Array).equals(bytes(10, 7))).toBe(true);
    expect(cache.hits).toBe(2);
    expect(cache.get(3, 101)).toBeUndefined();
    expect(cache.misses).toBe(1);
  });

  it('stays within its capacity and evicts unreferenced entries first (second chance)', () => {
    const charge = chargeOf(new ValueCache(1 << 20), 100);
    const cache = new ValueCache(charge * 3);
    cache.set(1, 0, bytes(100, 1));
    cache.set(1, 200, bytes(100, 2));
    cache.set(1, 400, bytes(100, 3));
    expect(cache.usedBytes).toBe(charge * 3);
    expect(cache.get(1, 0)).toBeDefined(); // the oldest is now referenced
    cache.set(1, 600, bytes(100, 4)); // evicts (1, 200): the oldest unreferenced one
    expect(cache.usedBytes).toBe(charge * 3);
    expect(cache.get(1, 200)).toBeUndefined();
    expect(cache.get(1, 0)).toBeDefined();
    expect(cache.get(1, 400)).toBeDefined();
    expect(cache.get(1, 600)).toBeDefined();
    // Queue now (oldest first): 400, 0, 600, all referenced. One sweep unmarks them all, then the
    // oldest of the queue goes.
    cache.set(1, 800, bytes(100, 5));
    expect(cache.usedBytes).toBe(charge * 3);
    expect(cache.get(1, 400)).toBeUndefined();
    expect(cache.get(1, 0)).toBeDefined();
  });

  it('keeps segments apart, and does not cache what does not fit', () => {
    const cache = new ValueCache(1 << 20);
    cache.set(5, 64, bytes(8, 1));
    expect(cache.get(6, 64)).toBeUndefined();
    cache.set(6, 64, bytes(8, 2));
    expect(Buffer.from(cache.get(6, 64) as Uint8Array).equals(bytes(8, 2))).toBe(true);
    expect(Buffer.from(cache.get(5, 64) as Uint8Array).equals(bytes(8, 1))).toBe(true);
    cache.set(6, 0, bytes(2 << 20, 0));
    expect(cache.get(6, 0)).toBeUndefined();
    const off = new ValueCache(0);
    off.set(1, 0, bytes(1, 1));
    expect(off.get(1, 0)).toBeUndefined();
    expect(off.usedBytes).toBe(0);
  });

  it('keeps offsets past 1 GiB and replaces a value set twice in place', () => {
    const cache = new ValueCache(1 << 20);
    cache.set(1, 2 ** 32 - 16, bytes(4, 1));
    expect(Buffer.from(cache.get(1, 2 ** 32 - 16) as Uint8Array).equals(bytes(4, 1))).toBe(true);
    const before = cache.usedBytes;
    cache.set(1, 2 ** 32 - 16, bytes(8, 2));
    expect(cache.usedBytes).toBe(before + 4);
    expect(Buffer.from(cache.get(1, 2 ** 32 - 16) as Uint8Array).equals(bytes(8, 2))).toBe(true);
  });
});

describe('engine reads through the value cache', () => {
  it('returns the same bytes cached or not, and a caller changing them changes nothing', async () => {
    const vfs = new MemoryVfs();
    const db = await open('/db', { vfs, valueThreshold: 16, valueCacheBytes: 1 << 20 });
    const key = Buffer.from('k');
    const value = bytes(200, 9);
    await db.put(key, value);
    const first = db.get(key) as Uint8Array;
    expect(Buffer.from(first).equals(value)).toBe(true);
    first.fill(0);
    const second = db.get(key) as Uint8Array;
    expect(Buffer.from(second).equals(value)).toBe(true);
    await db.put(key, bytes(200, 3));
    expect(Buffer.from(db.get(key) as Uint8Array).equals(bytes(200, 3))).toBe(true);
    await db.close();
  });
});

describe('ValueLog with a value cache', () => {
  it('caches what a write() handed to the OS, and what a read found', async () => {
    const vfs = new MemoryVfs();
    vfs.mkdirp('/v');
    let next = 1;
    const cache = new ValueCache(1 << 20);
    const vlog = new ValueLog(vfs, '/v', 1 << 20, () => next++, cache);
    await vlog.rotateIfFull();
    const a = vlog.append(Buffer.from('a'), bytes(50, 1));
    const b = vlog.append(Buffer.from('bb'), bytes(70, 2));
    expect(cache.usedBytes).toBe(0); // staged only: nothing is cached before the write
    vlog.write();
    expect(Buffer.from(vlog.read(a, Buffer.from('a'))).equals(bytes(50, 1))).toBe(true);
    expect(Buffer.from(vlog.read(b, Buffer.from('bb'))).equals(bytes(70, 2))).toBe(true);
    expect(cache.hits).toBe(2);
    // A read that missed (a cold cache) fills it.
    const cold = new ValueLog(vfs, '/v', 1 << 20, () => next++, new ValueCache(1 << 20));
    cold.openExisting([a.segment]);
    expect(Buffer.from(cold.read(b, Buffer.from('bb'))).equals(bytes(70, 2))).toBe(true);
    expect(cold.cache.misses).toBe(1);
    expect(Buffer.from(cold.read(b, Buffer.from('bb'))).equals(bytes(70, 2))).toBe(true);
    expect(cold.cache.hits).toBe(1);
    vlog.close();
    cold.close();
  });
});
