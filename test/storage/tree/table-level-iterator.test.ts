import { describe, expect, it } from 'vitest';
import type { InternalIterator } from '../../../src/storage/internal-iterator.js';
import { MergingIterator } from '../../../src/storage/merging-iterator.js';
import { TableBuilder } from '../../../src/storage/table-builder.js';
import { LevelIterator } from '../../../src/storage/table-level-iterator.js';
import { TableReader } from '../../../src/storage/table-reader.js';
import { checkAgainstModel, MemorySource, Prng, randomEntries, testSeed, type ModelEntry } from './tree-helpers.js';

function table(entries: readonly ModelEntry[], fileNumber: number): TableReader {
  const builder = new TableBuilder({ blockBytes: 128, restartInterval: 2, bloomBitsPerKey: 10 });
  for (const e of entries) builder.add(e.ikey, e.value);
  return TableReader.open(new MemorySource(Uint8Array.prototype.slice.call(builder.finish())), fileNumber, undefined);
}

describe('LevelIterator', () => {
  it('concatenates non-overlapping tables like the sorted model (property)', () => {
    const rng = new Prng(testSeed('level iterator property'));
    for (let round = 0; round < 30; round++) {
      const entries = randomEntries(rng, 1 + rng.int(400), { keySpace: 1 + rng.int(60) });
      // Cut at arbitrary entries: versions of one user key may straddle two tables.
      const tables: TableReader[] = [];
      let start = 0;
      while (start < entries.length) {
        const end = Math.min(entries.length, start + 1 + rng.int(60));
        tables.push(table(entries.slice(start, end), tables.length));
        start = end;
      }
      const level = new LevelIterator(tables);
      expect(checkAgainstModel(level, entries, rng, 400)).toBe(400);
      // Also as a child of a merging iterator, next to another source.
      const opened: InternalIterator[] = [];
      const tracked = tables.map((t) => ({
        smallest: t.smallest,
        largest: t.largest,
        iterator: (): InternalIterator => {
          const it = t.iterator();
          opened.push(it);
          return it;
        },
      }));
      const merged = new MergingIterator([new LevelIterator(tracked), table([], 99).iterator()]);
      expect(checkAgainstModel(merged, entries, rng, 200)).toBe(200);
      merged.close();
    }
  });

  it('opens only the table a seek lands in', () => {
    const rng = new Prng(testSeed('level iterator laziness'));
    const entries = randomEntries(rng, 300, { keySpace: 100 });
    const opens: number[] = [];
    const tables = [0, 100, 200].map((at, i) => {
      const reader = table(entries.slice(at, at + 100), i);
      return { smallest: reader.smallest, largest: reader.largest, iterator: (): InternalIterator => (opens.push(i), reader.iterator()) };
    });
    const level = new LevelIterator(tables);
    level.seek((entries[150] as ModelEntry).ikey);
    expect(opens).toEqual([1]);
    expect(Buffer.compare(level.key(), (entries[150] as ModelEntry).ikey)).toBe(0);
    level.seekForPrev((entries[250] as ModelEntry).ikey);
    expect(opens).toEqual([1, 2]);
    level.close();
    expect(level.valid()).toBe(false);
    expect(() => new LevelIterator([tables[1], tables[0]] as never)).toThrow(/overlap/);
  });
});
