/**
 * Acceptance 2: a concurrent workload on the in-memory Vfs is "crashed" at every fsync point (the
 * durable bytes right after each sync) and at random write points (before a sync, with a random
 * part of the unsynced tail kept: a torn write). Each image is reopened: every acknowledged commit
 * is present, no batch is half-applied, and a torn tail is never reported as corruption.
 */
import { describe, expect, it } from 'vitest';
import { SyncHookVfs } from '../support/sync-hook-vfs.js';
import { Engine, MemoryVfs } from '../../src/storage/index.js';
import { enc, prng, randomInt, testSeed } from './storage-helpers.js';

const COMMITTERS = 6;
const ITERATIONS = 30;
const BIG_BYTES = 200;

interface Image {
  readonly vfs: MemoryVfs;
  readonly acked: readonly number[];
}

function valueFor(committer: number, n: number, big: boolean): Uint8Array {
  const text = `c${committer}:${n}:`;
  return enc(big ? text.padEnd(BIG_BYTES, 'x') : text);
}

function decodeN(value: Uint8Array | undefined): number {
  if (value === undefined) return -1;
  return Number(Buffer.from(value).toString().split(':')[1]);
}

const ENGINE_OPTIONS = { valueThreshold: 64, memtableBytesMax: 8192, commitLogSegmentBytesMax: 4096, blockBytes: 256 };

/**
 * Opens the engine on `mem` through a hooked Vfs (so crash images are captured during recovery
 * too), then runs COMMITTERS concurrent committers for `iterations` batches each, continuing each
 * committer's sequence from what the database holds.
 */
async function runPhase(
  mem: MemoryVfs,
  random: () => number,
  flushInWorker: boolean,
  iterations: number,
  images: Image[],
  ackedBefore: readonly number[],
): Promise<void> {
  const acked = [...ackedBefore];
  const vfs = new SyncHookVfs(mem, (before) => {
    if (!before) images.push({ vfs: mem.crashImage(), acked: [...acked] });
    else if (random() < 0.5) images.push({ vfs: mem.crashImage(random), acked: [...acked] });
  });
  const engine = await Engine.open('/db', { ...ENGINE_OPTIONS, vfs, flushInWorker });
  for (let c = 0; c < COMMITTERS; c++) acked[c] = decodeN(engine.get(enc(`c${c}-a`), engine.visibleTs()));
  const committer = async (c: number): Promise<void> => {
    const first = (acked[c] as number) + 1;
    for (let n = first; n < first + iterations; n++) {
      const writes = [
        { key: enc(`c${c}-a`), value: valueFor(c, n, false) },
        { key: enc(`c${c}-big`), value: valueFor(c, n, true) },
        { key: enc(`c${c}-u${String(n).padStart(3, '0')}`), value: valueFor(c, n, randomInt(random, 2) === 0) },
        { key: enc(`c${c}-b`), value: valueFor(c, n, false) },
      ];
      await engine.commit(writes, engine.lastTs() + 1);
      acked[c] = n;
    }
  };
  await Promise.all(Array.from({ length: COMMITTERS }, (_, c) => committer(c)));
  await engine.close();
}

/** Phase 1 on a fresh database; phase 2 recovers from one of phase 1's torn images and goes on. */
async function runWorkload(seed: number, flushInWorker: boolean): Promise<Image[]> {
  const random = prng(seed);
  const images: Image[] = [];
  await runPhase(new MemoryVfs(), random, flushInWorker, ITERATIONS, images, new Array<number>(COMMITTERS).fill(-1));
  const torn = images.filter((_, i) => i % 2 === 1);
  const base = (torn[randomInt(random, torn.length)] ?? images[images.length - 1]) as Image;
  await runPhase(base.vfs.crashImage(), random, flushInWorker, ITERATIONS / 3, images, base.acked);
  return images;
}

async function checkImage(image: Image, where: string, writeAfter: boolean): Promise<void> {
  const engine = await Engine.open('/db', { ...ENGINE_OPTIONS, vfs: image.vfs, flushInWorker: false });
  const ts = engine.visibleTs();
  for (let c = 0; c < COMMITTERS; c++) {
    const n = decodeN(engine.get(enc(`c${c}-a`), ts));
    expect(decodeN(engine.get(enc(`c${c}-b`), ts)), `${where} c${c} batch half-applied`).toBe(n);
    const big = engine.get(enc(`c${c}-big`), ts);
    expect(decodeN(big), `${where} c${c} big`).toBe(n);
    if (big !== undefined) expect(Buffer.from(big).equals(valueFor(c, n, true)), `${where} big value bytes`).toBe(true);
    expect(n, `${where} c${c} lost an acknowledged commit`).toBeGreaterThanOrEqual(image.acked[c] as number);
    let uniques = 0;
    for (const entry of engine.scan({ gte: enc(`c${c}-u`), lt: enc(`c${c}-v`) }, ts)) {
      expect(decodeN(entry.value), `${where} unique key beyond the batch`).toBeLessThanOrEqual(n);
      uniques++;
    }
    expect(uniques, `${where} c${c} unique keys`).toBe(n + 1);
  }
  if (writeAfter) {
    await engine.commit([{ key: enc('after'), value: enc('x') }], engine.lastTs() + 1);
    await engine.close();
    const again = await Engine.open('/db', { vfs: image.vfs, flushInWorker: false });
    expect(Buffer.from(again.get(enc('after'), again.visibleTs()) ?? []).toString()).toBe('x');
    await again.close();
  } else {
    await engine.close();
  }
}

describe('crash at every fsync point and at random write points', () => {
  const seed = testSeed('engine-crash');
  for (const flushInWorker of [false, true]) {
    it(`recovers every acknowledged commit, atomically (flush in worker: ${flushInWorker})`, async () => {
      const images = await runWorkload(seed + (flushInWorker ? 1 : 0), flushInWorker);
      expect(images.length).toBeGreaterThan(50);
      for (const [i, image] of images.entries()) await checkImage(image, `seed ${seed} image ${i}`, i % 10 === 0);
    });
  }
});
