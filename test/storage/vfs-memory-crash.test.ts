/**
 * The memory Vfs's power-loss model with positional writes (issue 9): against a reference model,
 * a crash image keeps the synced content plus a prefix (in write order, in bytes) of the writes
 * since — so an overwrite of durable bytes (a preallocated region) can be lost or torn like an
 * append (or, on request, page by page in any order), and a sync covers exactly the writes made
 * before it was called, through any handle.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVfs, type VfsFile } from '../../src/storage/index.js';
import { prng, randomBytes, randomInt, testSeed } from './storage-helpers.js';

interface ModelWrite {
  readonly offset: number;
  readonly data: Uint8Array;
}

/** `base` with the first `kept` bytes of `writes` applied in order (a gap past the end is zeros). */
function expected(base: Uint8Array, writes: readonly ModelWrite[], kept: number): Buffer {
  let out = Buffer.from(base);
  let left = kept;
  for (const write of writes) {
    const take = Math.min(left, write.data.length);
    left -= take;
    if (take === 0) break;
    const end = write.offset + take;
    if (end > out.length) out = Buffer.concat([out, Buffer.alloc(end - out.length)]);
    out.set(write.data.subarray(0, take), write.offset);
  }
  return out;
}

/** A memory Vfs with `/d/f` holding eight durable bytes 1. */
async function durableFile(): Promise<{ mem: MemoryVfs; file: VfsFile }> {
  const mem = new MemoryVfs();
  mem.mkdirp('/d');
  const file = mem.openAppend('/d/f');
  file.append(new Uint8Array(8).fill(1));
  await file.sync();
  return { mem, file };
}

/** A random that makes crashImage keep exactly `kept` of `unsynced` bytes. */
const keeping = (kept: number, unsynced: number) => (): number => (kept + 0.5) / (unsynced + 1);

describe('memory Vfs crash model', () => {
  const seed = testSeed('vfs-memory-crash');

  it('keeps the synced content and a write-ordered prefix of the unsynced writes', async () => {
    const random = prng(seed);
    for (let round = 0; round < 40; round++) {
      const mem = new MemoryVfs();
      mem.mkdirp('/d');
      const file = mem.openAppend('/d/f');
      const other = mem.openAppend('/d/f');
      let durable: Uint8Array = new Uint8Array(0);
      let pending: ModelWrite[] = [];
      for (let op = 0; op < 30; op++) {
        const choice = randomInt(random, 10);
        if (choice < 4) {
          const data = randomBytes(random, 1 + randomInt(random, 64));
          const offset = randomInt(random, file.size() + 32);
          (op % 2 === 0 ? file : other).writeAt?.(offset, data);
          pending.push({ offset, data });
        } else if (choice < 7) {
          const data = randomBytes(random, 1 + randomInt(random, 64));
          pending.push({ offset: file.size(), data });
          file.append(data);
        } else if (choice < 9) {
          await (op % 2 === 0 ? other : file).sync();
          durable = expected(durable, pending, Infinity);
          pending = [];
        } else {
          const size = randomInt(random, file.size() + 1);
          await mem.truncate('/d/f', size);
          durable = expected(durable, pending, Infinity).subarray(0, size);
          pending = [];
        }
        const current = expected(durable, pending, Infinity);
        expect(Buffer.from(file.read(0, file.size())).equals(current), `round ${round} op ${op}: content`).toBe(true);
        const unsynced = pending.reduce((sum, write) => sum + write.data.length, 0);
        const kept = randomInt(random, unsynced + 1);
        const image = mem.crashImage(keeping(kept, unsynced)).openRead('/d/f');
        const want = expected(durable, pending, kept);
        expect(Buffer.from(image.read(0, image.size())).equals(want), `seed ${seed} round ${round} op ${op}: crash keeping ${kept}/${unsynced}`).toBe(true);
      }
    }
  });

  it('a sync covers the writes made before it was called, not those made while it runs', async () => {
    const { mem, file } = await durableFile();
    file.writeAt?.(0, new Uint8Array(4).fill(2));
    const syncing = file.sync();
    file.writeAt?.(4, new Uint8Array(4).fill(3));
    await syncing;
    const image = mem.crashImage().openRead('/d/f');
    expect([...image.read(0, 8)]).toEqual([2, 2, 2, 2, 1, 1, 1, 1]);
  });

  it('with pagesOutOfOrder, each page of an unsynced overwrite of durable bytes survives on its own', async () => {
    const random = prng(seed);
    const mem = new MemoryVfs();
    mem.mkdirp('/d');
    const file = mem.openAppend('/d/f');
    file.append(new Uint8Array(4 * 4096));
    await file.sync();
    file.writeAt?.(100, new Uint8Array(3 * 4096).fill(9));
    file.append(new Uint8Array(100).fill(8));
    const seen = new Set<string>();
    for (let i = 0; i < 64; i++) {
      const image = mem.crashImage(random, true).openRead('/d/f');
      const pages: string[] = [];
      for (let page = 0; page < 4; page++) {
        const from = Math.max(100, page * 4096);
        const bytes = image.read(from, Math.min(100 + 3 * 4096, (page + 1) * 4096) - from);
        expect(bytes.every((byte) => byte === bytes[0]), `page ${page} whole`).toBe(true);
        pages.push(bytes[0] === 9 ? 'w' : '-');
      }
      // The append past the durable size keeps the prefix model: some of its bytes, in order.
      expect(image.read(4 * 4096, 100).every((byte) => byte === 8)).toBe(true);
      seen.add(pages.join(''));
    }
    expect(seen.has('-w--') || seen.has('-ww-') || seen.has('--w-') || seen.has('---w')).toBe(true);
  });

  it('a truncate keeps its cut while unsynced writes below it stay unsynced until it completes', async () => {
    const { mem, file } = await durableFile();
    file.writeAt?.(2, new Uint8Array(10).fill(5));
    const cutting = mem.truncate('/d/f', 6);
    const during = mem.crashImage().openRead('/d/f');
    expect([...during.read(0, 16)]).toEqual([1, 1, 1, 1, 1, 1]);
    await cutting;
    const after = mem.crashImage().openRead('/d/f');
    expect([...after.read(0, 16)]).toEqual([1, 1, 5, 5, 5, 5]);
  });
});
