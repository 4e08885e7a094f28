/**
 * The Engine satisfies the mvcc seam (src/mvcc/versioned-kv.ts) structurally: assigned to a
 * VersionedKv variable (a type-level check) and exercised through it.
 */
import { describe, expect, it } from 'vitest';
import type { VersionedKv } from '../../src/mvcc/versioned-kv.js';
import { Engine, MemoryVfs } from '../../src/storage/index.js';
import { enc } from './storage-helpers.js';

const text = (value: Uint8Array | undefined): string | undefined => (value === undefined ? undefined : Buffer.from(value).toString());

describe('Engine as VersionedKv', () => {
  it('reads at any timestamp, scans at a version, commits atomically and recovers lastTs', async () => {
    const vfs = new MemoryVfs();
    const engine = await Engine.open('/db', { vfs, memtableBytesMax: 1024, flushInWorker: false });
    const kv: VersionedKv = engine;
    expect(kv.lastTs()).toBe(0);
    await kv.commit([{ key: enc('a'), value: enc('a10') }, { key: enc('b'), value: enc('b10') }], 10);
    await kv.commit([{ key: enc('a'), value: enc('a20') }, { key: enc('b'), value: undefined }], 20);
    expect(kv.visibleTs()).toBe(20);
    expect(text(kv.get(enc('a'), 9))).toBeUndefined();
    expect(text(kv.get(enc('a'), 10))).toBe('a10');
    expect(text(kv.get(enc('a'), 19))).toBe('a10');
    expect(text(kv.get(enc('a'), 25))).toBe('a20');
    expect(text(kv.get(enc('b'), 15))).toBe('b10');
    expect(text(kv.get(enc('b'), 20))).toBeUndefined();
    const at15 = [...kv.scan({}, 15)].map((e) => `${text(e.key)}=${text(e.value)}`);
    expect(at15).toEqual(['a=a10', 'b=b10']);
    const reverse = [...kv.scan({ reverse: true, lte: enc('b') }, 20)].map((e) => text(e.key));
    expect(reverse).toEqual(['a']);
    await expect(kv.commit([{ key: enc('c'), value: enc('x') }], 20)).rejects.toThrow(/must exceed/);
    kv.setSafePoint(15);
    expect(engine.safePoint).toBe(15);
    for (let ts = 21; ts < 80; ts++) await kv.commit([{ key: enc(`k${ts}`), value: new Uint8Array(40) }], ts);
    await engine.flush();
    expect(engine.stats().tables).toBeGreaterThan(0);
    expect(text(kv.get(enc('a'), 15))).toBe('a10');
    await engine.close();
    const reopened: VersionedKv = await Engine.open('/db', { vfs });
    expect(reopened.lastTs()).toBe(79);
    expect(reopened.visibleTs()).toBe(79);
    expect(text(reopened.get(enc('a'), 12))).toBe('a10');
    await (reopened as Engine).close();
  });

  it('a scan stopped early is finished (for..of break calls return()); limit and readTs apply', async () => {
    const engine = await Engine.open('/db', { vfs: new MemoryVfs(), flushInWorker: false });
    for (let ts = 1; ts <= 10; ts++) await engine.commit([{ key: enc(`k${ts}`), value: enc('v') }], ts);
    await engine.flush();
    const scan = engine.scan({ gte: enc('k') }, 10);
    let seen = 0;
    for (const entry of scan) {
      expect(Buffer.from(entry.key).toString()).toMatch(/^k/);
      if (++seen === 3) break;
    }
    expect(seen).toBe(3);
    expect(scan.next().done).toBe(true);
    const limited = [...engine.scan({ limit: 4, reverse: true }, 5)].map((e) => Buffer.from(e.key).toString());
    expect(limited).toEqual(['k5', 'k4', 'k3', 'k2']);
    await engine.close();
  });
});
