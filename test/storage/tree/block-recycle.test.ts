/**
 * The allocation-free read path: block-cache misses read into buffers the cache recycles
 * (block-cache.ts acquire/release, Block.lent), value-log reads into a scratch buffer with pooled
 * copies out (value-log.ts, pooled-copy.ts), through sources and files that can readInto
 * (read-into.ts). Checked against models: recycling must never change what a reader sees.
 */
import { describe, expect, it } from 'vitest';
import { BlockCache } from '../../../src/storage/block-cache.js';
import { CorruptionError } from '../../../src/storage/errors.js';
import { TS_MAX } from '../../../src/storage/internal-key.js';
import { POOL_CHUNK_BYTES, POOLED_COPY_BYTES_MAX, pooledCopy } from '../../../src/util/pooled-copy.js';
import { canReadInto, fileSource } from '../../../src/storage/read-into.js';
import { TableBuilder } from '../../../src/storage/table-builder.js';
import { TableReader } from '../../../src/storage/table-reader.js';
import { ValueLog } from '../../../src/storage/value-log.js';
import type { VfsFile } from '../../../src/storage/vfs.js';
import { MemoryVfs } from '../../../src/storage/vfs-memory.js';
import { MemorySource, modelGet, Prng, randomEntries, testSeed, type ModelEntry } from './tree-helpers.js';

/** A MemorySource that also reads into a caller's buffer (as NodeVfs files do). */
class ReadIntoSource extends MemorySource {
  readIntos = 0;
  readInto(offset: number, target: Uint8Array, targetOffset: number, length: number): number {
    this.readIntos++;
    const start = Math.min(offset, this.size);
    const end = Math.min(start + length, this.size);
    target.set(this.data.subarray(start, end), targetOffset);
    return end - start;
  }
}

function tableBytes(entries: readonly ModelEntry[], blockBytes: number): Uint8Array {
  const builder = new TableBuilder({ blockBytes, restartInterval: 4, bloomBitsPerKey: 10 });
  for (const e of entries) builder.add(e.ikey, e.value);
  return Uint8Array.prototype.slice.call(builder.finish());
}

function expectGet(reader: TableReader, entries: readonly ModelEntry[], userKey: Buffer, readTs: number): void {
  const want = modelGet(entries, userKey, readTs);
  const got = reader.get(userKey, readTs);
  if (want === undefined) expect(got).toBeUndefined();
  else expect({ kind: got?.kind, ts: got?.ts, v: Buffer.from(got?.value ?? []).toString('hex') }).toEqual({ kind: want.kind, ts: want.ts, v: want.value.toString('hex') });
}

describe('TableReader over a readInto source', () => {
  it('gets like the model with a small cache, and allocates a block buffer for < 1 % of misses once warm (property)', () => {
    const rng = new Prng(testSeed('block recycle gets'));
    const entries = randomEntries(rng, 3000, { keySpace: 400, valueBytesMax: 40 });
    const source = new ReadIntoSource(tableBytes(entries, 256));
    const cache = new BlockCache(8 * 512);
    const reader = TableReader.open(source, 1, cache);
    expect(reader.blockCount).toBeGreaterThan(50);
    const probe = (): void => {
      const e = entries[rng.int(entries.length)] as ModelEntry;
      expectGet(reader, entries, e.userKey, rng.int(4) === 0 ? TS_MAX : rng.int(110));
    };
    for (let i = 0; i < 300; i++) probe();
    const allocated = cache.buffersAllocated;
    const misses = cache.misses;
    for (let i = 0; i < 3000; i++) probe();
    expect(cache.misses - misses).toBeGreaterThan(1000);
    // Blocks of another size class now and then find no fitting spare: allocations stay rare.
    expect(cache.buffersAllocated - allocated).toBeLessThanOrEqual((cache.misses - misses) / 100);
    expect(source.readIntos).toBeGreaterThan(1000);
    expect(cache.usedBytes).toBeLessThanOrEqual(cache.capacityBytes);
  });

  it('keeps recycling when short blocks pass through the spare list: a buffer per miss never comes back', () => {
    // Two tables sharing one cache: one of ~2 KiB blocks, one of ~200-byte blocks (as a table's
    // short last blocks are). Spares released by the short blocks must not keep the long blocks'
    // misses allocating.
    const rng = new Prng(testSeed('block recycle sizes'));
    const longEntries = randomEntries(rng, 2000, { keySpace: 600, valueBytesMax: 60 });
    const shortEntries = randomEntries(rng, 300, { keySpace: 100, valueBytesMax: 10 });
    const cache = new BlockCache(8 * 2048);
    const long = TableReader.open(new ReadIntoSource(tableBytes(longEntries, 2048)), 1, cache);
    const short = TableReader.open(new ReadIntoSource(tableBytes(shortEntries, 128)), 2, cache);
    const probe = (reader: TableReader, entries: readonly ModelEntry[]): void =>
      expectGet(reader, entries, (entries[rng.int(entries.length)] as ModelEntry).userKey, TS_MAX);
    for (let i = 0; i < 200; i++) probe(long, longEntries);
    // Short blocks fill the cache, then are evicted by long ones: their buffers go to the spares.
    for (let i = 0; i < 200; i++) probe(short, shortEntries);
    const allocated = cache.buffersAllocated;
    const misses = cache.misses;
    for (let i = 0; i < 2000; i++) probe(long, longEntries);
    expect(cache.misses - misses).toBeGreaterThan(500);
    // Once the short blocks' buffers have aged out of the spares (a few misses), no more allocations.
    expect(cache.buffersAllocated - allocated).toBeLessThan(20);
  });

  it('release keeps the buffers released last', () => {
    const cache = new BlockCache(64 * 1024);
    cache.release(new Uint8Array(768));
    cache.release(new Uint8Array(1536));
    cache.release(new Uint8Array(4352));
    expect(cache.acquire(4101).length).toBe(4352);
    expect(cache.acquire(1500).length).toBe(1536);
    expect(cache.buffersAllocated).toBe(0);
    expect(cache.acquire(700).length).toBe(768); // gone: a new one
    expect(cache.buffersAllocated).toBe(1);
  });

  it('keeps the blocks of open iterators intact while gets recycle buffers around them (property)', () => {
    const rng = new Prng(testSeed('block recycle iterators'));
    const entries = randomEntries(rng, 2000, { keySpace: 300, valueBytesMax: 60 });
    const cache = new BlockCache(6 * 512);
    const reader = TableReader.open(new ReadIntoSource(tableBytes(entries, 256)), 1, cache);
    const cursors = Array.from({ length: 4 }, () => {
      const at = rng.int(entries.length);
      const it = reader.iterator();
      it.seek((entries[at] as ModelEntry).ikey);
      return { it, at };
    });
    for (let step = 0; step < 1500; step++) {
      const cursor = cursors[rng.int(cursors.length)] as { it: ReturnType<TableReader['iterator']>; at: number };
      const want = entries[cursor.at];
      if (want === undefined) {
        expect(cursor.it.valid()).toBe(false);
      } else {
        expect(Buffer.from(cursor.it.key()).equals(want.ikey)).toBe(true);
        expect(Buffer.from(cursor.it.value()).equals(want.value)).toBe(true);
        cursor.it.next();
        cursor.at++;
      }
      for (let i = 0; i < 3; i++) {
        const e = entries[rng.int(entries.length)] as ModelEntry;
        expectGet(reader, entries, e.userKey, TS_MAX);
      }
    }
    for (const cursor of cursors) cursor.it.close();
  });

  it('a corrupt block read into a recycled buffer is a CorruptionError, and its buffer is reused', () => {
    const rng = new Prng(testSeed('block recycle corruption'));
    const entries = randomEntries(rng, 800, { keySpace: 200, valueBytesMax: 40 });
    const bytes = tableBytes(entries, 256);
    const clean = TableReader.open(new MemorySource(bytes), 1, undefined);
    expect(clean.blockCount).toBeGreaterThan(10);
    bytes[20] = (bytes[20] as number) ^ 0xff; // inside data block 0
    const cache = new BlockCache(4 * 512);
    const reader = TableReader.open(new ReadIntoSource(bytes), 2, cache);
    const firstKey = (entries[0] as ModelEntry).userKey;
    expect(() => reader.get(firstKey, TS_MAX)).toThrow(CorruptionError);
    const allocated = cache.buffersAllocated;
    expect(() => reader.get(firstKey, TS_MAX)).toThrow(CorruptionError);
    expect(cache.buffersAllocated).toBe(allocated);
    const last = entries[entries.length - 1] as ModelEntry;
    expectGet(reader, entries, last.userKey, TS_MAX);
  });
});

/** Files of a MemoryVfs with readInto added (counted), as NodeVfs files have it. */
class ReadIntoVfs extends MemoryVfs {
  readIntos = 0;
  override openAppend(path: string): VfsFile {
    return this.withReadInto(super.openAppend(path));
  }
  override openRead(path: string): VfsFile {
    return this.withReadInto(super.openRead(path));
  }
  private withReadInto(file: VfsFile): VfsFile {
    const readInto = (offset: number, target: Uint8Array, targetOffset: number, length: number): number => {
      this.readIntos++;
      const bytes = file.read(offset, length);
      target.set(bytes, targetOffset);
      return bytes.length;
    };
    return Object.assign(Object.create(file) as VfsFile, { readInto });
  }
}

describe('ValueLog reads into its scratch buffer', () => {
  it('returns independent copies, detects a corrupt record, and grows the scratch for long records', async () => {
    const vfs = new ReadIntoVfs();
    vfs.mkdirp('/v');
    let next = 1;
    const vlog = new ValueLog(vfs, '/v', 1 << 20, () => next++);
    await vlog.rotateIfFull();
    const values = [100, 3000, 10, 20_000, 300_000].map((n, i) => Buffer.alloc(n, i + 1));
    const pointers = values.map((value, i) => vlog.append(Buffer.from(`k${i}`), value));
    vlog.write();
    const got = pointers.map((pointer, i) => vlog.read(pointer, Buffer.from(`k${i}`)));
    for (const [i, value] of values.entries()) expect(Buffer.from(got[i] as Uint8Array).equals(value)).toBe(true);
    expect(vfs.readIntos).toBe(values.length);
    const pointer = pointers[1] as (typeof pointers)[number];
    expect(() => vlog.read(pointer, Buffer.from('k2'))).toThrow(CorruptionError);
    expect(() => vlog.read({ ...pointer, length: pointer.length - 1 }, Buffer.from('k1'))).toThrow(CorruptionError);
    vlog.close();
  });

  it('fileSource passes readInto through only when the file has it', () => {
    const vfs = new ReadIntoVfs();
    vfs.mkdirp('/t');
    vfs.openAppend('/t/a').append(Buffer.from('hello'));
    const file = vfs.openRead('/t/a');
    // The same file without readInto (a wrapping Vfs that does not offer it).
    const plain: VfsFile = { path: file.path, size: () => file.size(), read: (o, n) => file.read(o, n), append: (d) => file.append(d), sync: () => file.sync(), close: () => file.close() };
    const withInto = fileSource('/t/a', file);
    const without = fileSource('/t/a', plain);
    expect(canReadInto(withInto)).toBe(true);
    expect(canReadInto(without)).toBe(false);
    const target = new Uint8Array(8);
    expect(withInto.readInto?.(1, target, 2, 10)).toBe(4);
    expect(Buffer.from(target.subarray(2, 6)).toString()).toBe('ello');
    expect(Buffer.from(without.read(0, 5)).toString()).toBe('hello');
  });
});

describe('pooledCopy', () => {
  it('copies into shared chunks without overlap; long copies get their own buffer', () => {
    const rng = new Prng(testSeed('pooled copy'));
    const copies: Array<[Uint8Array, Buffer]> = [];
    for (let i = 0; i < 2000; i++) {
      const source = rng.bytes(rng.int(POOLED_COPY_BYTES_MAX + 1), 256);
      const copy = pooledCopy(source);
      expect(copy.byteOffset % 8).toBe(0);
      expect(copy.buffer.byteLength).toBe(POOL_CHUNK_BYTES);
      source.fill(0); // the copy is independent of its source
      copies.push([copy, Buffer.from(copy)]);
    }
    for (const [copy, snapshot] of copies) expect(Buffer.from(copy).equals(snapshot)).toBe(true);
    const long = pooledCopy(new Uint8Array(POOLED_COPY_BYTES_MAX + 1).fill(7));
    expect(long.buffer.byteLength).toBe(POOLED_COPY_BYTES_MAX + 1);
    expect(long.every((b) => b === 7)).toBe(true);
  });
});
