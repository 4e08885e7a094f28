/**
 * Issue 9, crash tests of the preallocated commit log through the engine: concurrent committers
 * on the memory Vfs (positional writes kept, so segments are zero-filled ahead of the log end),
 * with small segments so fills, rotations (cut to the log end) and flushes happen often. A crash
 * image is taken before and after every fsync, truncate and directory sync — the fills' own ones
 * included — and, before one, with a random part of the unsynced writes kept (a torn write, also
 * inside the zero-filled region, half the time with the overwritten pages kept out of order). Every image reopens without a CorruptionError, with every
 * acknowledged commit and no half batch, and takes writes again.
 */
import { describe, expect, it } from 'vitest';
import { Engine, FaultVfs, MemoryVfs, type Vfs, type VfsFile } from '../../src/storage/index.js';
import { readLogRecords } from '../../src/storage/log-record.js';
import { expectCommittersIntact, runCommitters, type FailedBatches } from './crash-committers.js';
import { enc, prng, testSeed } from './storage-helpers.js';

const COMMITTERS = 4;
const ITERATIONS = 100;
const ENGINE_OPTIONS = { valueThreshold: 1024, memtableBytesMax: 96 * 1024, commitLogSegmentBytesMax: 48 * 1024, blockBytes: 1024, flushInWorker: false };

interface Image {
  readonly vfs: MemoryVfs;
  readonly acked: readonly number[];
}


/** `mem` with `hook(before)` around every operation that reaches the disk's cache flush. */
function crashPointVfs(mem: Vfs, hook: (before: boolean) => void): Vfs {
  const durable = async (operation: () => Promise<void>): Promise<void> => {
    hook(true);
    await operation();
    hook(false);
  };
  const bound = (target: object, prop: string | symbol): unknown => {
    const value = Reflect.get(target, prop) as unknown;
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
  };
  const wrap = (file: VfsFile): VfsFile =>
    new Proxy(file, { get: (target, prop): unknown => (prop === 'sync' ? () => durable(() => target.sync()) : bound(target, prop)) });
  return new Proxy(mem, {
    get(target, prop): unknown {
      if (prop === 'openAppend' || prop === 'openRead') return (path: string): VfsFile => wrap(target[prop](path));
      if (prop === 'truncate') return (path: string, size: number) => durable(() => target.truncate(path, size));
      if (prop === 'syncDir') return (dir: string) => durable(() => target.syncDir(dir));
      if (prop === 'writeFileSynced') return (path: string, data: Uint8Array) => durable(() => target.writeFileSynced(path, data));
      return bound(target, prop);
    },
  });
}


/**
 * Runs the committers; with `spaceProbability`, that share of commit-log writes (group records and
 * zero fills alike) fails with ENOSPC after writing half its bytes, and the failed batches are kept.
 */
async function runWorkload(seed: number, spaceProbability: number, failed: FailedBatches): Promise<Image[]> {
  const random = prng(seed);
  const mem = new MemoryVfs();
  const images: Image[] = [];
  const acked = new Array<number>(COMMITTERS).fill(-1);
  const fault = new FaultVfs(mem);
  const vfs = crashPointVfs(fault, (before) => {
    if (!before) images.push({ vfs: mem.crashImage(), acked: [...acked] });
    else if (random() < 0.5) images.push({ vfs: mem.crashImage(random, random() < 0.5), acked: [...acked] });
  });
  const engine = await Engine.open('/db', { ...ENGINE_OPTIONS, vfs });
  if (spaceProbability > 0) {
    fault.inject({ kind: 'write', probability: spaceProbability, random, errno: 'ENOSPC', shortWrite: true, pathIncludes: '.log' });
    // Whatever the seed draws, some group writes fail too (not only zero fills).
    for (const nth of [3, 4]) fault.inject({ kind: 'write', nth, errno: 'ENOSPC', shortWrite: true, pathIncludes: '.log' });
  }
  await runCommitters(engine, ITERATIONS, random, acked, failed);
  expect(engine.stats().flushes).toBeGreaterThan(0);
  await engine.close();
  return images;
}

async function checkImage(image: Image, failed: FailedBatches, where: string, writeAfter: boolean): Promise<void> {
  const engine = await Engine.open('/db', { ...ENGINE_OPTIONS, vfs: image.vfs });
  expectCommittersIntact(engine, image.acked, failed, where);
  if (writeAfter) await engine.commit([{ key: enc('after'), value: enc('x') }], engine.lastTs() + 1);
  await engine.close();
}

/** Segments seen in `images`, and how many images hold a segment with records and zeros after them. */
function segmentsOf(images: readonly Image[]): { segments: number; preallocated: number } {
  const segments = new Set<string>();
  let preallocated = 0;
  for (const image of images) {
    for (const name of image.vfs.list('/db').filter((file) => file.endsWith('.log'))) {
      segments.add(name);
      const file = image.vfs.openRead(`/db/${name}`);
      const { validEnd } = readLogRecords(file.read(0, file.size()), name, true, () => {}, 'preallocated');
      if (validEnd > 0 && validEnd < file.size()) preallocated++;
    }
  }
  return { segments: segments.size, preallocated };
}

const noneFailed = (): Array<Set<number>> => Array.from({ length: COMMITTERS }, () => new Set<number>());

describe('crash tests of the preallocated commit log', () => {
  it('every fsync, truncate and directory sync point, and torn writes into the zero-filled region', async () => {
    const seed = testSeed('commit-log-prealloc-crash');
    const failed = noneFailed();
    const images = await runWorkload(seed, 0, failed);
    expect(images.length).toBeGreaterThan(100);
    // The workload wrote records into zero-filled regions (segments longer than their records),
    // and rotated through several segments.
    const { segments, preallocated } = segmentsOf(images);
    expect(segments).toBeGreaterThan(4);
    expect(preallocated).toBeGreaterThan(images.length / 2);
    for (const [i, image] of images.entries()) await checkImage(image, failed, `seed ${seed} image ${i}`, i % 10 === 0);
  });

  it('with group appends and zero fills failing for lack of space (short writes, cut-backs)', async () => {
    const seed = testSeed('commit-log-prealloc-crash-space');
    const failed = noneFailed();
    const images = await runWorkload(seed, 0.05, failed);
    expect(failed.reduce((sum, set) => sum + set.size, 0)).toBeGreaterThan(0);
    expect(segmentsOf(images).segments).toBeGreaterThan(4);
    for (const [i, image] of images.entries()) await checkImage(image, failed, `seed ${seed} image ${i}`, i % 10 === 0);
  });
});
