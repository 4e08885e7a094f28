/**
 * Foreground read accounting in stats() (issue 10's "bytes read per component"): data blocks read
 * from disk after a block-cache miss count as table bytes, value-log records of point reads as
 * value-log bytes; cache hits (block cache, value cache) and memtable reads count nothing.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVfs, open } from '../../src/storage/index.js';

describe('engine read accounting', () => {
  it('counts table block reads after cache misses and value-log reads, not cache hits', async () => {
    const db = await open('/db', { vfs: new MemoryVfs(), valueThreshold: 64, valueCacheBytes: 0, flushInWorker: false });
    await db.put(Buffer.from('small'), Buffer.alloc(10, 1));
    await db.put(Buffer.from('large'), Buffer.alloc(500, 2));
    expect(Buffer.from((await db.get(Buffer.from('large'))) as Uint8Array).equals(Buffer.alloc(500, 2))).toBe(true);
    const inMemtable = db.stats();
    expect(inMemtable.tableBytesRead).toBe(0);
    expect(inMemtable.vlogBytesRead).toBeGreaterThanOrEqual(500); // the value log holds the large value already
    await db.flush();
    const before = db.stats();
    await db.get(Buffer.from('small'));
    const afterMiss = db.stats();
    expect(afterMiss.tableBytesRead).toBeGreaterThan(before.tableBytesRead);
    expect(afterMiss.vlogBytesRead).toBe(before.vlogBytesRead);
    await db.get(Buffer.from('small'));
    expect(db.stats().tableBytesRead).toBe(afterMiss.tableBytesRead); // a cache hit reads nothing
    await db.get(Buffer.from('large'));
    expect(db.stats().vlogBytesRead - afterMiss.vlogBytesRead).toBeGreaterThanOrEqual(500);
    await db.close();
  });

  it('counts no value-log bytes for a value the value cache holds', async () => {
    const db = await open('/db', { vfs: new MemoryVfs(), valueThreshold: 64, flushInWorker: false });
    await db.put(Buffer.from('large'), Buffer.alloc(500, 2));
    await db.flush();
    // Written, then read: asked for twice, so the read's miss is kept and the next read is a hit.
    expect(Buffer.from((await db.get(Buffer.from('large'))) as Uint8Array).equals(Buffer.alloc(500, 2))).toBe(true);
    const afterMiss = db.stats().vlogBytesRead;
    expect(afterMiss).toBeGreaterThanOrEqual(500);
    expect(Buffer.from((await db.get(Buffer.from('large'))) as Uint8Array).equals(Buffer.alloc(500, 2))).toBe(true);
    expect(db.stats().vlogBytesRead).toBe(afterMiss);
    expect(db.stats().valueCacheHits).toBe(1);
    await db.close();
  });
});
