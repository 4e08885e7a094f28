import { describe, expect, it } from 'vitest';
import type { InternalIterator } from '../../../src/storage/internal-iterator.js';
import { compareUserKeys, KIND_TOMBSTONE, KIND_VALUE } from '../../../src/storage/internal-key.js';
import { Memtable } from '../../../src/storage/memtable.js';
import { MergingIterator } from '../../../src/storage/merging-iterator.js';
import { TableBuilder } from '../../../src/storage/table-builder.js';
import { TableReader } from '../../../src/storage/table-reader.js';
import { VersionIterator, type VersionIteratorBounds } from '../../../src/storage/version-iterator.js';
import { checkAgainstModel, hex, MemorySource, modelEntry, modelSnapshot, Prng, randomEntries, sortEntries, testSeed, type ModelEntry } from './tree-helpers.js';

/** A child iterator over `entries`: a memtable or a table with tiny blocks. */
function child(entries: readonly ModelEntry[], rng: Prng): InternalIterator {
  if (rng.int(2) === 0) {
    const m = new Memtable();
    for (const e of entries) m.add(e.userKey, e.ts, e.kind, e.value);
    return m.iterator();
  }
  const builder = new TableBuilder({ blockBytes: 64 + rng.int(200), restartInterval: 1 + rng.int(4), bloomBitsPerKey: 10 });
  for (const e of entries) builder.add(e.ikey, e.value);
  return TableReader.open(new MemorySource(Uint8Array.prototype.slice.call(builder.finish())), 1, undefined).iterator();
}

/** Splits entries among `n` children; with `duplicates`, some entries go to two children. */
function split(entries: readonly ModelEntry[], n: number, rng: Prng, duplicates: boolean): ModelEntry[][] {
  const parts: ModelEntry[][] = Array.from({ length: n }, () => []);
  for (const e of entries) {
    const first = rng.int(n);
    (parts[first] as ModelEntry[]).push(e);
    if (duplicates && n > 1 && rng.int(4) === 0) (parts[(first + 1 + rng.int(n - 1)) % n] as ModelEntry[]).push(e);
  }
  return parts;
}

function inBounds(key: Buffer, b: VersionIteratorBounds): boolean {
  if (b.lower !== undefined) {
    const c = compareUserKeys(key, b.lower);
    if (c < 0 || (c === 0 && b.lowerInclusive === false)) return false;
  }
  if (b.upper !== undefined) {
    const c = compareUserKeys(key, b.upper);
    if (c > 0 || (c === 0 && b.upperInclusive !== true)) return false;
  }
  return true;
}

function checkVersionIterator(it: VersionIterator, visible: readonly ModelEntry[], rng: Prng, steps: number): void {
  let pos = -1;
  for (let step = 0; step < steps; step++) {
    const op = rng.int(pos >= 0 && pos < visible.length ? 6 : 4);
    const probe = rng.int(2) === 0 && visible.length > 0 ? (visible[rng.int(visible.length)] as ModelEntry).userKey : rng.bytes(rng.int(6), 4);
    if (op === 0) {
      it.seekToFirst();
      pos = 0;
    } else if (op === 1) {
      it.seekToLast();
      pos = visible.length - 1;
    } else if (op === 2) {
      it.seek(probe);
      pos = visible.findIndex((e) => compareUserKeys(e.userKey, probe) >= 0);
    } else if (op === 3) {
      it.seekForPrev(probe);
      pos = -1;
      visible.forEach((e, i) => {
        if (compareUserKeys(e.userKey, probe) <= 0) pos = i;
      });
    } else if (op === 4) {
      it.next();
      pos++;
    } else {
      it.prev();
      pos--;
    }
    if (pos >= visible.length) pos = -1;
    const want = visible[pos];
    const where = `step ${step} op ${op}`;
    if (want === undefined) {
      expect(it.valid(), `${where}: expected invalid`).toBe(false);
      continue;
    }
    expect(it.valid(), `${where}: expected ${hex(want.userKey)}`).toBe(true);
    expect(hex(it.userKey()), where).toBe(hex(want.userKey));
    expect(it.ts(), where).toBe(want.ts);
    expect(it.kind(), where).toBe(want.kind);
    expect(hex(it.value()), where).toBe(hex(want.value));
  }
}

describe('MergingIterator', () => {
  it('merges disjoint children like the sorted model, with direction switches (property)', () => {
    const rng = new Prng(testSeed('merging property'));
    for (let round = 0; round < 30; round++) {
      const entries = randomEntries(rng, rng.int(400), { keySpace: 1 + rng.int(60) });
      const parts = split(entries, 1 + rng.int(6), rng, false);
      const merged = new MergingIterator(parts.map((p) => child(p, rng)));
      expect(checkAgainstModel(merged, entries, rng, 400)).toBe(400);
      merged.close();
    }
  });

  it('with no children is always invalid', () => {
    const merged = new MergingIterator([]);
    merged.seekToFirst();
    expect(merged.valid()).toBe(false);
    merged.seekToLast();
    expect(merged.valid()).toBe(false);
  });
});

describe('VersionIterator', () => {
  it('yields the newest visible non-deleted version per key at random readTs and bounds (property)', () => {
    const rng = new Prng(testSeed('version property'));
    for (let round = 0; round < 60; round++) {
      const entries = randomEntries(rng, rng.int(500), { keySpace: 1 + rng.int(40), tsMax: 60, longKeys: round % 4 === 3, valueBytesMax: round % 4 === 3 ? 600 : 20 });
      const parts = split(entries, 1 + rng.int(5), rng, true);
      const readTs = rng.int(70);
      const bounds: { -readonly [K in keyof VersionIteratorBounds]: VersionIteratorBounds[K] } = {};
      if (rng.int(2) === 0) {
        bounds.lower = rng.bytes(rng.int(4), 4);
        bounds.lowerInclusive = rng.int(2) === 0;
      }
      if (rng.int(2) === 0) {
        bounds.upper = rng.bytes(rng.int(4), 4);
        bounds.upperInclusive = rng.int(2) === 0;
      }
      const visible = modelSnapshot(entries, readTs).filter((e) => inBounds(e.userKey, bounds));
      const it = new VersionIterator(new MergingIterator(parts.map((p) => child(p, rng))), readTs, bounds);
      checkVersionIterator(it, visible, rng, 300);
      // A full forward and a full reverse scan list exactly the visible keys.
      const forward: string[] = [];
      for (it.seekToFirst(); it.valid(); it.next()) forward.push(hex(it.userKey()));
      const backward: string[] = [];
      for (it.seekToLast(); it.valid(); it.prev()) backward.push(hex(it.userKey()));
      expect(forward).toEqual(visible.map((e) => hex(e.userKey)));
      expect(backward.reverse()).toEqual(forward);
      it.close();
    }
  });

  it('skips long runs of invisible versions and tombstoned keys with seeks', () => {
    const entries: ModelEntry[] = [];
    const a = Buffer.from('a');
    const b = Buffer.from('b');
    const c = Buffer.from('c');
    for (let ts = 1; ts <= 100; ts++) entries.push(modelEntry(a, ts, KIND_VALUE, Buffer.from(`a${ts}`)));
    entries.push(modelEntry(b, 50, KIND_TOMBSTONE, Buffer.alloc(0)));
    for (let ts = 1; ts < 50; ts++) entries.push(modelEntry(b, ts, KIND_VALUE, Buffer.from(`b${ts}`)));
    entries.push(modelEntry(c, 3, KIND_VALUE, Buffer.from('c3')));
    sortEntries(entries);
    const m = new Memtable();
    for (const e of entries) m.add(e.userKey, e.ts, e.kind, e.value);
    const it = new VersionIterator(m.iterator(), 60);
    const seen: string[] = [];
    for (it.seekToFirst(); it.valid(); it.next()) seen.push(Buffer.from(it.value()).toString());
    expect(seen).toEqual(['a60', 'c3']);
    const back: string[] = [];
    for (it.seekToLast(); it.valid(); it.prev()) back.push(Buffer.from(it.value()).toString());
    expect(back).toEqual(['c3', 'a60']);
    const early = new VersionIterator(m.iterator(), 40);
    const all: string[] = [];
    for (early.seekToFirst(); early.valid(); early.next()) all.push(Buffer.from(early.value()).toString());
    expect(all).toEqual(['a40', 'b40', 'c3']);
    const none = new VersionIterator(m.iterator(), 0);
    none.seekToFirst();
    expect(none.valid()).toBe(false);
  });
});
