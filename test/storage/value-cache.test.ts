import { describe, expect, it } from 'vitest';
import { ValueCache } from '../../src/storage/value-cache.js';
import { open } from '../../src/storage/index.js';
import { MemoryVfs } from '../../src/storage/vfs-memory.js';
import { ValueLog } from '../../src/storage/value-log.js';
import { Doorkeeper } from '../../src/storage/doorkeeper.js';

const bytes = (n: number, fill: number): Buffer => Buffer.alloc(n, fill);
const K = Buffer.from('key');
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
    const first = cache.get(3, 100, K) as Uint8Array;
    expect(Buffer.from(first).equals(bytes(10, 7))).toBe(true);
    first.fill(0);
    expect(Buffer.from(cache.get(3, 100, K) as Uint8Array).equals(bytes(10, 7))).toBe(true);
    expect(cache.hits).toBe(2);
    expect(cache.get(3, 101, K)).toBeUndefined();
    expect(cache.misses).toBe(1);
  });

  it('stays within its capacity and evicts unreferenced entries first (second chance)', () => {
    const charge = chargeOf(new ValueCache(1 << 20), 100);
    const cache = new ValueCache(charge * 3);
    cache.set(1, 0, bytes(100, 1));
    cache.set(1, 200, bytes(100, 2));
    cache.set(1, 400, bytes(100, 3));
    expect(cache.usedBytes).toBe(charge * 3);
    expect(cache.get(1, 0, K)).toBeDefined(); // the oldest is now referenced
    cache.set(1, 600, bytes(100, 4)); // evicts (1, 200): the oldest unreferenced one
    expect(cache.usedBytes).toBe(charge * 3);
    expect(cache.get(1, 200, K)).toBeUndefined();
    expect(cache.get(1, 0, K)).toBeDefined();
    expect(cache.get(1, 400, K)).toBeDefined();
    expect(cache.get(1, 600, K)).toBeDefined();
    // Queue now (oldest first): 400, 0, 600, all referenced. One sweep unmarks them all, then the
    // oldest of the queue goes.
    cache.set(1, 800, bytes(100, 5));
    expect(cache.usedBytes).toBe(charge * 3);
    expect(cache.get(1, 400, K)).toBeUndefined();
    expect(cache.get(1, 0, K)).toBeDefined();
  });

  it('keeps segments apart, and does not cache what does not fit', () => {
    const cache = new ValueCache(1 << 20);
    cache.set(5, 64, bytes(8, 1));
    expect(cache.get(6, 64, K)).toBeUndefined();
    cache.set(6, 64, bytes(8, 2));
    expect(Buffer.from(cache.get(6, 64, K) as Uint8Array).equals(bytes(8, 2))).toBe(true);
    expect(Buffer.from(cache.get(5, 64, K) as Uint8Array).equals(bytes(8, 1))).toBe(true);
    cache.set(6, 0, bytes(2 << 20, 0));
    expect(cache.get(6, 0, K)).toBeUndefined();
    const off = new ValueCache(0);
    off.set(1, 0, bytes(1, 1));
    expect(off.get(1, 0, K)).toBeUndefined();
    expect(off.usedBytes).toBe(0);
  });

  it('keeps offsets past 1 GiB and replaces a value set twice in place', () => {
    const cache = new ValueCache(1 << 20);
    cache.set(1, 2 ** 32 - 16, bytes(4, 1));
    expect(Buffer.from(cache.get(1, 2 ** 32 - 16, K) as Uint8Array).equals(bytes(4, 1))).toBe(true);
    const before = cache.usedBytes;
    cache.set(1, 2 ** 32 - 16, bytes(8, 2));
    expect(cache.usedBytes).toBe(before + 4);
    expect(Buffer.from(cache.get(1, 2 ** 32 - 16, K) as Uint8Array).equals(bytes(8, 2))).toBe(true);
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

describe('Doorkeeper', () => {
  it('knows a key the second time, and forgets everything once half its bits are set', () => {
    const door = new Doorkeeper(64);
    expect(door.remember(Buffer.from('x'))).toBe(false);
    expect(door.remember(Buffer.from('x'))).toBe(true);
    let fresh = 0;
    for (let i = 0; fresh < 40; i++) if (!door.remember(Buffer.from(`k${i}`))) fresh++;
    // 40 new bits cannot all fit under the half-full limit of 32: the window was reset on the way.
    expect(door.remember(Buffer.from('x'))).toBe(false);
  });
});

describe('ValueCache admission (doorkeeper)', () => {
  it('keeps a value only once its key was asked for before, and a hit keeps the key known', () => {
    const cache = new ValueCache(1 << 20);
    const a = Buffer.from('a');
    cache.offer(1, 0, a, bytes(10, 1)); // first sight of 'a': not kept
    expect(cache.get(1, 0, a)).toBeUndefined();
    cache.offer(1, 0, a, bytes(10, 1)); // seen before: kept
    expect(Buffer.from(cache.get(1, 0, a) as Uint8Array).equals(bytes(10, 1))).toBe(true);
    const kept = cache.usedBytes;
    // A written value of the same key (a new position) is kept at once: the key is known.
    cache.offer(1, 64, a, bytes(10, 2));
    expect(cache.usedBytes).toBeGreaterThan(kept);
    // The cache keeps its own copy of what it was offered.
    const offered = bytes(10, 3);
    cache.offer(1, 128, a, offered);
    offered.fill(0);
    expect(Buffer.from(cache.get(1, 128, a) as Uint8Array).equals(bytes(10, 3))).toBe(true);
  });

  it('lets keys asked for once pass by, and keeps them the second time', () => {
    const cache = new ValueCache(1 << 20); // room for all of them
    const cold = (i: number): Buffer => Buffer.from(`cold-${i}`);
    for (let i = 0; i < 500; i++) cache.offer(10, i * 200, cold(i), bytes(100, 2));
    // Without admission all 500 would be held; with it, only doorkeeper collisions are.
    expect(cache.entryCount).toBeLessThan(50);
    for (let i = 0; i < 500; i++) cache.offer(10, i * 200, cold(i), bytes(100, 2));
    expect(cache.entryCount).toBe(500);
  });
});

describe('ValueLog with a value cache', () => {
  it('caches a value asked for twice (written, then read), and writes through a key read lately', async () => {
    const vfs = new MemoryVfs();
    vfs.mkdirp('/v');
    let next = 1;
    const cache = new ValueCache(1 << 20);
    const vlog = new ValueLog(vfs, '/v', 1 << 20, () => next++, cache);
    await vlog.rotateIfFull();
    const keyA = Buffer.from('a');
    const a = vlog.append(keyA, bytes(50, 1));
    vlog.write();
    // The write was the key's first sight (not kept); the first read misses and is kept.
    expect(Buffer.from(vlog.read(a, keyA)).equals(bytes(50, 1))).toBe(true);
    expect(Buffer.from(vlog.read(a, keyA)).equals(bytes(50, 1))).toBe(true);
    expect([cache.misses, cache.hits]).toEqual([1, 1]);
    const a2 = vlog.append(keyA, bytes(60, 2)); // an update of the hot key
    expect(cache.usedBytes).toBe(chargeOf(cache, 50)); // staged only: nothing new before the write
    vlog.write();
    expect(Buffer.from(vlog.read(a2, keyA)).equals(bytes(60, 2))).toBe(true);
    expect([cache.misses, cache.hits]).toEqual([1, 2]); // written through
    vlog.close();
  });
});
