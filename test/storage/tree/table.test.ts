import { describe, expect, it } from 'vitest';
import { BlockCache } from '../../../src/storage/block-cache.js';
import { bloomHash } from '../../../src/storage/bloom.js';
import { encodeInternalKey, KIND_VALUE, TS_MAX } from '../../../src/storage/internal-key.js';
import { TableBuilder, type TableBuilderOptions } from '../../../src/storage/table-builder.js';
import { TableReader } from '../../../src/storage/table-reader.js';
import { Memtable } from '../../../src/storage/memtable.js';
import { checkAgainstModel, MemorySource, modelEntry, modelGet, Prng, randomEntries, testSeed, type ModelEntry } from './tree-helpers.js';

function buildTable(entries: readonly ModelEntry[], opts: TableBuilderOptions): { bytes: Uint8Array; builder: TableBuilder } {
  const builder = new TableBuilder(opts);
  for (const e of entries) builder.add(e.ikey, e.value);
  return { bytes: Uint8Array.prototype.slice.call(builder.finish()), builder };
}

describe('TableBuilder / TableReader', () => {
  it('round-trips meta: entries, smallest, largest, min/max ts', () => {
    const rng = new Prng(testSeed('table meta'));
    const entries = randomEntries(rng, 500);
    const { bytes, builder } = buildTable(entries, { blockBytes: 256, restartInterval: 4, bloomBitsPerKey: 10 });
    const reader = TableReader.open(new MemorySource(bytes), 7, undefined);
    const tss = entries.map((e) => e.ts);
    expect(reader.fileNumber).toBe(7);
    expect(reader.entries).toBe(entries.length);
    expect(builder.entries).toBe(entries.length);
    expect(Buffer.compare(reader.smallest, (entries[0] as ModelEntry).ikey)).toBe(0);
    expect(Buffer.compare(reader.largest, (entries[entries.length - 1] as ModelEntry).ikey)).toBe(0);
    expect(Buffer.compare(builder.largest, reader.largest)).toBe(0);
    expect(reader.minTs).toBe(Math.min(...tss));
    expect(reader.maxTs).toBe(Math.max(...tss));
    expect(reader.blockCount).toBeGreaterThan(5);
  });

  it('gets and iterates like the model with tiny blocks, with and without a cache (property)', () => {
    const rng = new Prng(testSeed('table property'));
    for (let round = 0; round < 25; round++) {
      const entries = randomEntries(rng, 1 + rng.int(600), { keySpace: 1 + rng.int(100), valueBytesMax: rng.int(2) === 0 ? 8 : 200 });
      const opts = { blockBytes: 64 + rng.int(300), restartInterval: 1 + rng.int(5), bloomBitsPerKey: rng.int(2) === 0 ? 0 : 10 };
      const { bytes } = buildTable(entries, opts);
      const cache = rng.int(2) === 0 ? new BlockCache(4096) : undefined;
      const reader = TableReader.open(new MemorySource(bytes), round, cache);
      for (const e of entries) expect(reader.mayContain(e.userKey)).toBe(true);
      for (let i = 0; i < 300; i++) {
        const e = entries[rng.int(entries.length)] as ModelEntry;
        const userKey = rng.int(4) > 0 ? e.userKey : rng.bytes(rng.int(6), 4);
        const readTs = rng.int(4) === 0 ? TS_MAX : rng.int(110);
        const want = modelGet(entries, userKey, readTs);
        const got = rng.int(2) === 0 ? reader.get(userKey, readTs) : reader.get(userKey, readTs, bloomHash(userKey));
        if (want === undefined) expect(got).toBeUndefined();
        else expect({ kind: got?.kind, ts: got?.ts, v: Buffer.from(got?.value ?? []).toString('hex') }).toEqual({ kind: want.kind, ts: want.ts, v: want.value.toString('hex') });
      }
      expect(checkAgainstModel(reader.iterator(), entries, rng, 400)).toBe(400);
    }
  });

  it('finds blocks when every key shares a prefix: probes inside, before, after and shorter than it (property)', () => {
    const rng = new Prng(testSeed('table common prefix'));
    for (let round = 0; round < 10; round++) {
      const prefix = Buffer.concat([Buffer.from('tbl\x00'), rng.bytes(rng.int(12), 3)]);
      const entries = randomEntries(rng, 1 + rng.int(400), { keySpace: 1 + rng.int(80) }).map((e) => modelEntry(Buffer.concat([prefix, e.userKey]), e.ts, e.kind, e.value));
      const { bytes } = buildTable(entries, { blockBytes: 64 + rng.int(300), restartInterval: 1 + rng.int(5), bloomBitsPerKey: 0 });
      const reader = TableReader.open(new MemorySource(bytes), round, new BlockCache(1 << 16));
      const probes = [prefix, prefix.subarray(0, rng.int(prefix.length)), Buffer.from('tbl'), Buffer.from('tbm'), Buffer.from('tb\xff'), Buffer.alloc(0)];
      for (let i = 0; i < 200; i++) {
        const e = entries[rng.int(entries.length)] as ModelEntry;
        const userKey = i < probes.length ? (probes[i] as Buffer) : rng.int(2) === 0 ? e.userKey : Buffer.concat([prefix.subarray(0, rng.int(prefix.length + 1)), rng.bytes(rng.int(6), 4)]);
        const readTs = rng.int(4) === 0 ? TS_MAX : rng.int(110);
        const want = modelGet(entries, userKey, readTs);
        const got = reader.get(userKey, readTs);
        expect(got === undefined ? undefined : { kind: got.kind, ts: got.ts, v: Buffer.from(got.value).toString('hex') }).toEqual(
          want === undefined ? undefined : { kind: want.kind, ts: want.ts, v: want.value.toString('hex') },
        );
      }
      expect(checkAgainstModel(reader.iterator(), entries, rng, 300)).toBe(300);
    }
  });

  it('handles long keys and values (past the short-key fast paths)', () => {
    const rng = new Prng(testSeed('table long keys'));
    for (let round = 0; round < 6; round++) {
      const entries = randomEntries(rng, 1 + rng.int(300), { keySpace: 1 + rng.int(60), valueBytesMax: 2000, longKeys: true });
      const { bytes } = buildTable(entries, { blockBytes: 64 + rng.int(4000), restartInterval: 1 + rng.int(16), bloomBitsPerKey: 10 });
      const reader = TableReader.open(new MemorySource(bytes), round, new BlockCache(1 << 16));
      for (const e of entries) {
        const want = modelGet(entries, e.userKey, e.ts);
        expect(Buffer.from(reader.get(e.userKey, e.ts)?.value ?? []).toString('hex')).toBe(want?.value.toString('hex'));
      }
      expect(checkAgainstModel(reader.iterator(), entries, rng, 300)).toBe(300);
      const m = new Memtable();
      for (const e of entries) m.add(e.userKey, e.ts, e.kind, e.value);
      expect(checkAgainstModel(m.iterator(), entries, rng, 300)).toBe(300);
    }
  });

  it('serves repeated reads from the block cache', () => {
    const entries: ModelEntry[] = [];
    for (let i = 0; i < 200; i++) {
      const userKey = Buffer.from(`key${String(i).padStart(4, '0')}`);
      entries.push({ userKey, ts: 1, kind: KIND_VALUE, value: Buffer.from(`v${i}`), ikey: encodeInternalKey(userKey, 1, KIND_VALUE) });
    }
    const { bytes } = buildTable(entries, { blockBytes: 512, restartInterval: 16, bloomBitsPerKey: 10 });
    const source = new MemorySource(bytes);
    const cache = new BlockCache(1 << 20);
    const reader = TableReader.open(source, 1, cache);
    const afterOpen = source.reads;
    expect(Buffer.from(reader.get(Buffer.from('key0100'), 5)?.value ?? []).toString()).toBe('v100');
    expect(source.reads).toBe(afterOpen + 1);
    expect(Buffer.from(reader.get(Buffer.from('key0100'), 5)?.value ?? []).toString()).toBe('v100');
    expect(source.reads).toBe(afterOpen + 1);
    expect(reader.get(Buffer.from('key0100'), 0)).toBeUndefined();
    expect(reader.get(Buffer.from('nokey'), 5)).toBeUndefined();
  });

  it('builds and opens an empty table', () => {
    const builder = new TableBuilder({ blockBytes: 4096, restartInterval: 16, bloomBitsPerKey: 10 });
    const reader = TableReader.open(new MemorySource(Uint8Array.prototype.slice.call(builder.finish())), 1, undefined);
    expect(reader.entries).toBe(0);
    expect(reader.get(Buffer.from('a'), 10)).toBeUndefined();
    const it = reader.iterator();
    it.seekToFirst();
    expect(it.valid()).toBe(false);
    it.seekForPrev(encodeInternalKey(Buffer.from('a'), 1, 1));
    expect(it.valid()).toBe(false);
  });

  it('rejects out-of-order keys and bad options (programmer errors)', () => {
    const builder = new TableBuilder({ blockBytes: 4096, restartInterval: 16, bloomBitsPerKey: 10 });
    builder.add(encodeInternalKey(Buffer.from('b'), 1, 1), Buffer.from('x'));
    expect(() => builder.add(encodeInternalKey(Buffer.from('a'), 1, 1), Buffer.from('x'))).toThrow(/increasing/);
    expect(() => builder.add(encodeInternalKey(Buffer.from('b'), 1, 1), Buffer.from('x'))).toThrow(/increasing/);
    expect(() => new TableBuilder({ blockBytes: 1, restartInterval: 16, bloomBitsPerKey: 10 })).toThrow(/blockBytes/);
    expect(() => new TableBuilder({ blockBytes: 4096, restartInterval: 0, bloomBitsPerKey: 10 })).toThrow(/restartInterval/);
  });

  it('lays out blocks and footer as docs/format.md says (format version 1)', () => {
    const entries: ModelEntry[] = [];
    for (let i = 0; i < 3; i++) {
      const userKey = Buffer.from(`k${i}`);
      entries.push({ userKey, ts: 10 + i, kind: KIND_VALUE, value: Buffer.from('v'), ikey: encodeInternalKey(userKey, 10 + i, KIND_VALUE) });
    }
    const { bytes } = buildTable(entries, { blockBytes: 4096, restartInterval: 16, bloomBitsPerKey: 10 });
    const file = Buffer.from(bytes);
    const footer = file.subarray(file.length - 48);
    expect(footer.toString('latin1', 44, 48)).toBe('STBL');
    expect(footer.readUInt32LE(36)).toBe(1);
    const handle = (at: number): [number, number] => [footer.readUInt32LE(at) + footer.readUInt32LE(at + 4) * 2 ** 32, footer.readUInt32LE(at + 8)];
    const [indexOffset, indexSize] = handle(0);
    const [filterOffset, filterSize] = handle(12);
    const [metaOffset, metaSize] = handle(24);
    // One data block at 0, then index, filter, meta, footer: each block followed by its 5-byte trailer.
    expect(filterOffset).toBe(indexOffset + indexSize + 5);
    expect(metaOffset).toBe(filterOffset + filterSize + 5);
    expect(metaOffset + metaSize + 5).toBe(file.length - 48);
    expect(filterSize).toBe(64 + 1); // one 64-byte line and its tag
    expect(file[filterOffset + filterSize - 1]).toBe(0x40 | 7); // HASH_V2 | k for 10 bits per key
    expect(file[indexOffset - 5]).toBe(0); // data block type: uncompressed
    // Meta: entries 3, 1 data block, minTs 10, maxTs 12, then the two keys.
    expect([...file.subarray(metaOffset, metaOffset + 5)]).toEqual([3, 1, 10, 12, 10]);
  });
});
