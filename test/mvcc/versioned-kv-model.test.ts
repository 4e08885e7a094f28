/**
 * The seam, differentially: a naive model (every commit kept in a list), MemoryVersionedKv and
 * the real Engine (in-memory VFS, tiny memtable so SSTables are involved) get the same seeded
 * commits and must answer the same gets and scans (bounds, reverse, limits) at every readTs —
 * before and after setSafePoint() + compaction, for reads at or above the safe point.
 * Replay with SEED=<n>.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import type { KvRange, KvWrite, Ts, VersionedKv } from '../../src/mvcc/index.js';
import { Engine, MemoryVfs } from '../../src/storage/index.js';
import { compareBytes, fromUtf8, utf8 } from '../../src/util/index.js';
import { Random, seedFrom } from './random.js';

const SEED = seedFrom(7);
const text = (value: Uint8Array | undefined): string | undefined => (value === undefined ? undefined : fromUtf8(value));

class NaiveModel {
  readonly commits: Array<{ ts: Ts; writes: readonly KvWrite[] }> = [];
  get(key: Uint8Array, readTs: Ts): Uint8Array | undefined {
    let value: Uint8Array | undefined;
    for (const commit of this.commits) {
      if (commit.ts > readTs) break;
      for (const write of commit.writes) if (compareBytes(write.key, key) === 0) value = write.value;
    }
    return value;
  }
  scan(range: KvRange, readTs: Ts): string[] {
    const keys = new Map<string, Uint8Array>();
    for (const commit of this.commits) for (const write of commit.writes) keys.set(fromUtf8(write.key), write.key);
    const inRange = [...keys.values()].filter((key) => {
      if (range.gte !== undefined && compareBytes(key, range.gte) < 0) return false;
      if (range.gt !== undefined && compareBytes(key, range.gt) <= 0) return false;
      if (range.lte !== undefined && compareBytes(key, range.lte) > 0) return false;
      if (range.lt !== undefined && compareBytes(key, range.lt) >= 0) return false;
      return true;
    });
    inRange.sort(compareBytes);
    if (range.reverse === true) inRange.reverse();
    const out: string[] = [];
    for (const key of inRange) {
      if (out.length >= (range.limit ?? Infinity)) break;
      const value = this.get(key, readTs);
      if (value !== undefined) out.push(`${fromUtf8(key)}=${fromUtf8(value)}`);
    }
    return out;
  }
}

function randomRange(random: Random, key: () => Uint8Array): KvRange {
  const range: { gte?: Uint8Array; gt?: Uint8Array; lte?: Uint8Array; lt?: Uint8Array; reverse?: boolean; limit?: number } = {};
  const low = random.int(3);
  if (low === 1) range.gte = key();
  if (low === 2) range.gt = key();
  const high = random.int(3);
  if (high === 1) range.lte = key();
  if (high === 2) range.lt = key();
  if (random.int(2) === 0) range.reverse = true;
  if (random.int(3) === 0) range.limit = random.int(6);
  return range;
}

function scanOf(kv: VersionedKv, range: KvRange, readTs: Ts): string[] {
  return [...kv.scan(range, readTs)].map((e) => `${fromUtf8(e.key)}=${fromUtf8(e.value)}`);
}

describe(`VersionedKv implementations agree with a naive model (SEED=${SEED})`, () => {
  it('on seeded commits, gets and scans, across safe points', async () => {
    const random = new Random(SEED);
    const model = new NaiveModel();
    const memory = new MemoryVersionedKv({ compactDirtyKeysMin: 8 });
    const engine = await Engine.open('/model', { vfs: new MemoryVfs(), memtableBytesMax: 2048, flushInWorker: false, valueThreshold: 16 });
    const kvs: VersionedKv[] = [memory, engine as VersionedKv];
    const key = (): Uint8Array => utf8(`k${String(random.int(40)).padStart(2, '0')}`);
    let safe = 0;
    for (let ts = 1; ts <= 300; ts++) {
      const writes: KvWrite[] = [];
      const seen = new Set<string>();
      for (let i = 0, n = 1 + random.int(4); i < n; i++) {
        const k = key();
        if (seen.has(fromUtf8(k))) continue;
        seen.add(fromUtf8(k));
        writes.push({ key: k, value: random.int(4) === 0 ? undefined : utf8(`v${ts}-${'x'.repeat(random.int(30))}`) });
      }
      model.commits.push({ ts, writes });
      await Promise.all(kvs.map((kv) => kv.commit(writes, ts)));
      if (ts % 25 === 0) {
        safe = ts - random.int(20);
        for (const kv of kvs) kv.setSafePoint(safe);
        memory.compact();
      }
      for (let q = 0; q < 3; q++) {
        const readTs = safe + random.int(ts - safe + 1);
        const probe = key();
        const expected = text(model.get(probe, readTs));
        for (const kv of kvs) expect(text(kv.get(probe, readTs)), `get at ${readTs}`).toBe(expected);
        const range = randomRange(random, key);
        const expectedScan = model.scan(range, readTs);
        for (const kv of kvs) expect(scanOf(kv, range, readTs), `scan ${JSON.stringify(range)} at ${readTs}`).toEqual(expectedScan);
      }
    }
    expect(engine.stats().tables).toBeGreaterThan(0);
    expect(memory.versionCount()).toBeLessThan(model.commits.reduce((n, c) => n + c.writes.length, 0));
    await engine.close();
  });
});
