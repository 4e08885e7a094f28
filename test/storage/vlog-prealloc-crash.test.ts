/**
 * Issue 9, crash tests of the preallocated value log through the engine: concurrent committers on
 * the memory Vfs (positional writes kept, so the active value-log segment is zero-filled ahead of
 * its log end), with small segments, memtables and a low GC threshold, so fills, rotations (cut to
 * the log end), flushes, compactions and value-log GC all happen. A crash image is taken after
 * every fsync, truncate, synced file write and directory sync — the fills' own ones included —
 * and, half the time, before one with a random part of the unsynced writes kept (a torn write,
 * also inside the zero-filled region, half of those with the overwritten pages kept out of order).
 * Every image holds zeros only in its last value-log segment, reopens without a CorruptionError
 * with every acknowledged commit and no half batch, cuts that segment to its log end (an image
 * taken after a sync: zeros only), and takes writes again.
 */
import { describe, expect, it } from 'vitest';
import { SyncHookVfs } from '../support/sync-hook-vfs.js';
import { Engine, FaultVfs, MemoryVfs } from '../../src/storage/index.js';
import { vlogRecordsEnd } from '../../src/storage/vlog-record.js';
import { expectCommittersIntact, runCommitters, valueFor, type FailedBatches } from './crash-committers.js';
import { enc, prng, testSeed } from './storage-helpers.js';

const COMMITTERS = 4;
const ITERATIONS = 55;
const DIR = '/db';
const ENGINE_OPTIONS = {
  valueThreshold: 512,
  memtableBytesMax: 8 * 1024,
  commitLogSegmentBytesMax: 16 * 1024,
  vlogSegmentBytesMax: 48 * 1024,
  vlogGcThreshold: 0.2,
  blockBytes: 512,
  tableBytesTarget: 4096,
  levelBaseBytes: 8192,
  levelSizeMultiplier: 2,
  l0CompactionTrigger: 2,
  flushInWorker: false,
};

interface Image {
  readonly vfs: MemoryVfs;
  readonly acked: readonly number[];
  /** Taken before a sync, keeping a random part of the unsynced writes. */
  readonly torn: boolean;
}



/**
 * Runs the committers; with `spaceProbability`, that share of value-log writes (group records and
 * zero fills alike) fails with ENOSPC after writing half its bytes, and the failed batches are kept.
 */
async function runWorkload(seed: number, spaceProbability: number, failed: FailedBatches): Promise<{ images: Image[]; gcRuns: number; zeroBytes: number }> {
  const random = prng(seed);
  const mem = new MemoryVfs();
  const images: Image[] = [];
  const acked = new Array<number>(COMMITTERS).fill(-1);
  const fault = new FaultVfs(mem);
  const vfs = new SyncHookVfs(fault, (before) => {
    if (!before) images.push({ vfs: mem.crashImage(), acked: [...acked], torn: false });
    else if (random() < 0.5) images.push({ vfs: mem.crashImage(random, random() < 0.5), acked: [...acked], torn: true });
  });
  const engine = await Engine.open(DIR, { ...ENGINE_OPTIONS, vfs });
  if (spaceProbability > 0) {
    fault.inject({ kind: 'write', probability: spaceProbability, random, errno: 'ENOSPC', shortWrite: true, pathIncludes: '.vlog' });
    // And surely one group write: of two writes in a row at most the first is a zero fill (a
    // fill that finds no space is the segment's last).
    for (const nth of [3, 4]) fault.inject({ kind: 'write', nth, errno: 'ENOSPC', shortWrite: true, pathIncludes: '.vlog' });
  }
  await runCommitters(engine, ITERATIONS, random, acked, failed, () => engine.setSafePoint(engine.visibleTs()));
  await engine.backgroundIdle();
  const stats = engine.stats();
  await engine.close();
  return { images, gcRuns: stats.gcRuns, zeroBytes: stats.vlogZeroBytesWritten };
}

function vlogSegments(vfs: MemoryVfs): string[] {
  return vfs
    .list(DIR)
    .filter((name) => name.endsWith('.vlog'))
    .sort();
}

/** Bytes past the whole records of `name` (zeros, or a torn write). */
function tailBytes(vfs: MemoryVfs, name: string): number {
  const path = `${DIR}/${name}`;
  return vfs.fileSize(path) - vlogRecordsEnd(vfs.openRead(path));
}

async function checkImage(image: Image, failed: FailedBatches, where: string, writeAfter: boolean): Promise<void> {
  const segments = vlogSegments(image.vfs);
  for (const name of segments.slice(0, -1)) expect(tailBytes(image.vfs, name), `${where} ${name} is not the last segment but has a tail`).toBe(0);
  const engine = await Engine.open(DIR, { ...ENGINE_OPTIONS, vfs: image.vfs });
  // Cut to its log end on open — unless a torn write left a whole record after a damaged one
  // (pages kept out of order): that is left for reads to judge (value-log.ts, vlogLogEnd).
  const last = segments.at(-1);
  if (last !== undefined && !image.torn) expect(tailBytes(image.vfs, last), `${where} ${last} cut on open`).toBe(0);
  expectCommittersIntact(engine, image.acked, failed, where);
  if (writeAfter) await engine.commit([{ key: enc('after'), value: valueFor(9, 0, 900) }], engine.lastTs() + 1);
  await engine.close();
}

/** How many images hold a value-log segment with records and a tail after them. */
function preallocatedImages(images: readonly Image[]): number {
  let count = 0;
  for (const image of images) {
    const last = vlogSegments(image.vfs).at(-1);
    if (last !== undefined && vlogRecordsEnd(image.vfs.openRead(`${DIR}/${last}`)) > 0 && tailBytes(image.vfs, last) > 0) count++;
  }
  return count;
}

const noneFailed = (): Array<Set<number>> => Array.from({ length: COMMITTERS }, () => new Set<number>());

describe('crash tests of the preallocated value log', () => {
  it('every fsync, truncate and directory sync point of fills, appends, rotations and GC', async () => {
    const seed = testSeed('vlog-prealloc-crash');
    const failed = noneFailed();
    const { images, gcRuns, zeroBytes } = await runWorkload(seed, 0, failed);
    expect(images.length).toBeGreaterThan(100);
    expect(gcRuns, 'value-log GC ran').toBeGreaterThan(0);
    expect(zeroBytes, 'the value log was zero-filled').toBeGreaterThan(0);
    expect(preallocatedImages(images)).toBeGreaterThan(images.length / 2);
    for (const [i, image] of images.entries()) await checkImage(image, failed, `seed ${seed} image ${i}`, i % 10 === 0);
  });

  it('with value-log writes and zero fills failing for lack of space (short writes, cut-backs)', async () => {
    const seed = testSeed('vlog-prealloc-crash-space');
    const failed = noneFailed();
    const { images } = await runWorkload(seed, 0.05, failed);
    expect(failed.reduce((sum, set) => sum + set.size, 0)).toBeGreaterThan(0);
    for (const [i, image] of images.entries()) await checkImage(image, failed, `seed ${seed} image ${i}`, i % 10 === 0);
  });
});
