import { describe, expect, it } from 'vitest';
import { KIND_POINTER, KIND_TOMBSTONE, KIND_VALUE, encodeInternalKey, internalTs } from '../../../src/storage/internal-key.js';
import { Memtable } from '../../../src/storage/memtable.js';
import { checkAgainstModel, modelEntry, modelGet, Prng, randomEntries, sortEntries, testSeed, type ModelEntry } from './tree-helpers.js';

const b = (s: string): Buffer => Buffer.from(s);

function fill(entries: readonly ModelEntry[], rng: Prng): Memtable {
  const m = new Memtable();
  const shuffled = entries.slice();
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j] as ModelEntry, shuffled[i] as ModelEntry];
  }
  for (const e of shuffled) m.add(e.userKey, e.ts, e.kind, e.value);
  return m;
}

describe('Memtable', () => {
  it('gets the newest version at or below readTs, tombstones included', () => {
    const m = new Memtable();
    m.add(b('k'), 5, KIND_VALUE, b('v5'));
    m.add(b('k'), 10, KIND_TOMBSTONE, b(''));
    m.add(b('k'), 20, KIND_POINTER, b('p20'));
    m.add(b('j'), 7, KIND_VALUE, b('j7'));
    expect(m.get(b('k'), 4)).toBeUndefined();
    expect(m.get(b('k'), 5)).toMatchObject({ kind: KIND_VALUE, ts: 5 });
    expect(Buffer.from(m.get(b('k'), 9)?.value ?? []).toString()).toBe('v5');
    expect(m.get(b('k'), 15)).toMatchObject({ kind: KIND_TOMBSTONE, ts: 10 });
    expect(m.get(b('k'), 2 ** 53)).toMatchObject({ kind: KIND_POINTER, ts: 20 });
    expect(m.get(b('kk'), 100)).toBeUndefined();
    expect(m.get(b(''), 100)).toBeUndefined();
    expect(m.count).toBe(4);
    expect(m.minTs).toBe(5);
    expect(m.maxTs).toBe(20);
    expect(m.approximateBytes).toBeGreaterThan(0);
  });

  it('replaces the value of an existing (key, ts, kind) and copies its inputs', () => {
    const m = new Memtable();
    const key = b('key');
    const value = b('one');
    m.add(key, 3, KIND_VALUE, value);
    key[0] = 0x7a;
    value[0] = 0x7a;
    expect(Buffer.from(m.get(b('key'), 3)?.value ?? []).toString()).toBe('one');
    m.add(b('key'), 3, KIND_VALUE, b('two'));
    expect(m.count).toBe(1);
    expect(Buffer.from(m.get(b('key'), 3)?.value ?? []).toString()).toBe('two');
  });

  it('stores large values in dedicated arena chunks', () => {
    const m = new Memtable();
    const big = Buffer.alloc(300 * 1024, 7);
    m.add(b('a'), 1, KIND_VALUE, big);
    m.add(b('b'), 1, KIND_VALUE, b('small'));
    expect(Buffer.compare(m.get(b('a'), 1)?.value ?? new Uint8Array(), big)).toBe(0);
    expect(Buffer.from(m.get(b('b'), 1)?.value ?? []).toString()).toBe('small');
  });

  it('matches the model under random gets and iterator moves (property)', () => {
    const rng = new Prng(testSeed('memtable property'));
    for (let round = 0; round < 20; round++) {
      const entries = randomEntries(rng, rng.int(400), { keySpace: 1 + rng.int(80) });
      const m = fill(entries, rng);
      expect(m.count).toBe(entries.length);
      for (let i = 0; i < 200; i++) {
        const e = entries[rng.int(entries.length)];
        const userKey = e !== undefined && rng.int(4) > 0 ? e.userKey : rng.bytes(rng.int(5), 4);
        const readTs = rng.int(110);
        const want = modelGet(entries, userKey, readTs);
        const got = m.get(userKey, readTs);
        if (want === undefined) expect(got).toBeUndefined();
        else expect({ kind: got?.kind, ts: got?.ts, v: Buffer.from(got?.value ?? []).toString('hex') }).toEqual({ kind: want.kind, ts: want.ts, v: want.value.toString('hex') });
      }
      expect(checkAgainstModel(m.iterator(), entries, rng, 300)).toBe(300);
    }
  });

  it('finds keys through its hash index: long keys, many distinct keys (index growth), many versions (property)', () => {
    const rng = new Prng(testSeed('memtable hash index'));
    for (const opts of [{ keySpace: 12000, tsMax: 4, longKeys: true }, { keySpace: 40, tsMax: 400, longKeys: true }, { keySpace: 3, tsMax: 1000 }]) {
      const entries = randomEntries(rng, 5000, opts);
      const m = fill(entries, rng);
      for (let i = 0; i < 2000; i++) {
        const e = entries[rng.int(entries.length)] as ModelEntry;
        // Present keys, and absent ones that differ from a present key only in their last byte or length.
        const pick = rng.int(4);
        const userKey = pick === 0 ? Buffer.concat([e.userKey, Buffer.from([rng.int(4)])]) : pick === 1 ? e.userKey.subarray(0, Math.max(0, e.userKey.length - 1)) : e.userKey;
        const readTs = 1 + rng.int(opts.tsMax + 1);
        const want = modelGet(entries, userKey, readTs);
        const got = m.get(userKey, readTs);
        expect(got === undefined ? undefined : { kind: got.kind, ts: got.ts, v: Buffer.from(got.value).toString('hex') }).toEqual(
          want === undefined ? undefined : { kind: want.kind, ts: want.ts, v: want.value.toString('hex') },
        );
      }
    }
  });

  it('lets adds happen while an iterator is open: entries ahead of it are visited', () => {
    const rng = new Prng(testSeed('memtable concurrent adds'));
    const m = new Memtable();
    for (let i = 0; i < 100; i += 2) m.add(Buffer.from([i]), 1, KIND_VALUE, Buffer.from([i]));
    const it = m.iterator();
    it.seekToFirst();
    const seen: number[] = [];
    while (it.valid()) {
      const k = it.key()[0] as number;
      seen.push(k);
      const add = rng.int(100) | 1; // odd keys, some ahead and some behind
      m.add(Buffer.from([add]), 1, KIND_VALUE, Buffer.from([add]));
      it.next();
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i] as number).toBeGreaterThan(seen[i - 1] as number);
    const all: number[] = [];
    for (it.seekToFirst(); it.valid(); it.next()) all.push(it.key()[0] as number);
    for (const k of seen) expect(all).toContain(k);
    expect(all.length).toBe(m.count);
    // Reverse also sees every entry in order.
    const back: number[] = [];
    for (it.seekToLast(); it.valid(); it.prev()) back.push(it.key()[0] as number);
    expect(back.reverse()).toEqual(all);
  });

  it('iterates internal keys with their trailers, newest version first', () => {
    const m = new Memtable();
    m.add(b('x'), 1, KIND_VALUE, b('1'));
    m.add(b('x'), 2, KIND_VALUE, b('2'));
    const it = m.iterator();
    it.seekToFirst();
    expect(internalTs(it.key())).toBe(2);
    it.next();
    expect(Buffer.compare(it.key(), encodeInternalKey(b('x'), 1, KIND_VALUE))).toBe(0);
    it.next();
    expect(it.valid()).toBe(false);
  });

  it('keeps order with many entries (growth of the node arrays)', () => {
    const rng = new Prng(testSeed('memtable growth'));
    const entries: ModelEntry[] = [];
    for (let i = 0; i < 5000; i++) entries.push(modelEntry(rng.bytes(8), 1 + i, KIND_VALUE, rng.bytes(4)));
    sortEntries(entries);
    const m = fill(entries, rng);
    expect(checkAgainstModel(m.iterator(), entries, rng, 2000)).toBe(2000);
  });

  it('appends mostly-ascending loads (tail fast path) and still orders stragglers and replays (property)', () => {
    const rng = new Prng(testSeed('memtable ascending'));
    for (let round = 0; round < 10; round++) {
      const entries = randomEntries(rng, 300 + rng.int(300), { keySpace: 200, longKeys: round % 2 === 1 });
      const m = new Memtable();
      // Sorted order with a few entries moved later, and some adds repeated (a replayed log).
      const order = entries.slice();
      for (let i = 0; i < order.length; i++) {
        if (rng.int(10) === 0) {
          const j = Math.min(order.length - 1, i + rng.int(20));
          [order[i], order[j]] = [order[j] as ModelEntry, order[i] as ModelEntry];
        }
      }
      for (const e of order) {
        m.add(e.userKey, e.ts, e.kind, e.value);
        if (rng.int(8) === 0) m.add(e.userKey, e.ts, e.kind, e.value);
      }
      expect(m.count).toBe(entries.length);
      expect(checkAgainstModel(m.iterator(), entries, rng, 300)).toBe(300);
      const all: string[] = [];
      const it = m.iterator();
      for (it.seekToFirst(); it.valid(); it.next()) all.push(Buffer.from(it.key()).toString('hex'));
      expect(all).toEqual(entries.map((e) => Buffer.from(e.ikey).toString('hex')));
    }
  });

  it('adds versions in commit order (newer versions linked through the hash index): order both ways and gets match the model (property)', () => {
    const rng = new Prng(testSeed('memtable commit order'));
    for (let round = 0; round < 10; round++) {
      const entries = randomEntries(rng, 500 + rng.int(500), { keySpace: 20 + rng.int(200), tsMax: 2000, longKeys: round % 2 === 1 });
      const m = new Memtable();
      // ts ascending, as commits arrive; a few adds repeated (a replayed group).
      const byTs = entries.slice().sort((a, c) => a.ts - c.ts);
      for (const e of byTs) {
        m.add(e.userKey, e.ts, e.kind, e.value);
        if (rng.int(16) === 0) m.add(e.userKey, e.ts, e.kind, e.value);
      }
      expect(m.count).toBe(entries.length);
      const forward: string[] = [];
      const backward: string[] = [];
      const it = m.iterator();
      for (it.seekToFirst(); it.valid(); it.next()) forward.push(Buffer.from(it.key()).toString('hex'));
      for (it.seekToLast(); it.valid(); it.prev()) backward.push(Buffer.from(it.key()).toString('hex'));
      const want = entries.map((e) => Buffer.from(e.ikey).toString('hex'));
      expect(forward).toEqual(want);
      expect(backward).toEqual(want.slice().reverse());
      for (let i = 0; i < 300; i++) {
        const e = entries[rng.int(entries.length)] as ModelEntry;
        const readTs = rng.int(2100);
        const model = modelGet(entries, e.userKey, readTs);
        const got = m.get(e.userKey, readTs);
        expect(got === undefined ? undefined : { ts: got.ts, kind: got.kind }).toEqual(model === undefined ? undefined : { ts: model.ts, kind: model.kind });
      }
      expect(checkAgainstModel(m.iterator(), entries, rng, 300)).toBe(300);
    }
  });

  it('stores the key bytes of a key once across its versions', () => {
    const m = new Memtable();
    const key = Buffer.alloc(4000, 7);
    m.add(key, 1, KIND_VALUE, b('v'));
    const first = m.approximateBytes;
    for (let ts = 2; ts <= 100; ts++) m.add(key, ts, KIND_VALUE, b('v'));
    // 99 more versions: their records and values, not 99 more copies of the 4,000-byte key.
    expect(m.approximateBytes - first).toBeLessThan(99 * 200);
    expect(Buffer.from(m.get(key, 50)?.value ?? []).toString()).toBe('v');
    const it = m.iterator();
    it.seekToFirst();
    expect(Buffer.from(it.key()).subarray(0, 4000).equals(key)).toBe(true);
  });
});
