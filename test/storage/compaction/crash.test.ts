/**
 * Issue 3, acceptance 2: a workload with flushes, compactions and value-log GC all running (tiny
 * memtable, tables, levels and segments; low GC threshold) is "crashed" at every fsync point of
 * the in-memory Vfs (the durable bytes right after each sync, and a torn image just before it).
 * Each image reopens with: every acknowledged write present, no deleted key back, no value other
 * than one written for its key, and no file the manifest does not name left to be read.
 */
import { describe, expect, it } from 'vitest';
import { SyncHookVfs } from '../../support/sync-hook-vfs.js';
import { Engine, MemoryVfs } from '../../../src/storage/index.js';
import { enc, prng, randomInt, testSeed } from '../storage-helpers.js';

const KEYS = 40;
const COMMITS = 260;
/** Torn images checked (evenly spread); every image right after a sync is checked. */
const TORN_IMAGES_CHECKED = 120;
const OPTIONS = {
  valueThreshold: 32,
  memtableBytesMax: 2048,
  commitLogSegmentBytesMax: 4096,
  vlogSegmentBytesMax: 4096,
  vlogGcThreshold: 0.2,
  blockBytes: 256,
  tableBytesTarget: 1024,
  levelBaseBytes: 2048,
  levelSizeMultiplier: 2,
  l0CompactionTrigger: 2,
  flushInWorker: false,
};

interface Image {
  readonly vfs: MemoryVfs;
  /** Per key: the acknowledged generation (-1: deleted or never written). */
  readonly acked: readonly number[];
  /** The key of the commit in flight, if any (its new state may or may not survive). */
  readonly inFlight: number;
  /** Taken just before a sync, keeping a random part of the unsynced bytes. */
  readonly torn: boolean;
}

const keyOf = (k: number): Uint8Array => enc(`key-${String(k).padStart(3, '0')}`);
const valueOf = (k: number, generation: number): Uint8Array => enc(`${k}:${generation}:`.padEnd(generation % 3 === 0 ? 20 : 90, '.'));

function decode(value: Uint8Array | undefined): [number, number] | undefined {
  if (value === undefined) return undefined;
  const [k, generation] = Buffer.from(value).toString().split(':');
  return [Number(k), Number(generation)];
}

async function runWorkload(seed: number, images: Image[]): Promise<void> {
  const random = prng(seed);
  const mem = new MemoryVfs();
  const acked = new Array<number>(KEYS).fill(-1);
  let inFlight = -1;
  const vfs = new SyncHookVfs(mem, (before) => {
    images.push({ vfs: before ? mem.crashImage(random) : mem.crashImage(), acked: [...acked], inFlight, torn: before });
  });
  const engine = await Engine.open('/db', { ...OPTIONS, vfs });
  for (let n = 1; n <= COMMITS; n++) {
    const k = randomInt(random, KEYS);
    const remove = random() < 0.15;
    inFlight = k;
    await engine.commit([{ key: keyOf(k), value: remove ? undefined : valueOf(k, n) }], engine.lastTs() + 1);
    acked[k] = remove ? -1 : n;
    inFlight = -1;
    engine.setSafePoint(engine.visibleTs());
  }
  await engine.close();
  const stats = engine.stats();
  expect(stats.compactions, 'compactions ran').toBeGreaterThan(0);
  expect(stats.gcRuns, 'GC ran').toBeGreaterThan(0);
}

async function checkImage(image: Image, where: string): Promise<void> {
  const engine = await Engine.open('/db', { ...OPTIONS, vfs: image.vfs });
  const ts = engine.visibleTs();
  for (let k = 0; k < KEYS; k++) {
    const got = decode(engine.get(keyOf(k), ts));
    const want = image.acked[k] as number;
    if (k === image.inFlight) continue;
    if (want === -1) expect(got, `${where} key ${k} deleted or never written`).toBeUndefined();
    else expect(got, `${where} key ${k}`).toEqual([k, want]);
  }
  let count = 0;
  for (const entry of engine.scan({}, ts)) {
    const [k] = decode(entry.value) ?? [-1];
    expect(Buffer.from(entry.key).equals(keyOf(k as number)), `${where} scan value belongs to its key`).toBe(true);
    count++;
  }
  const live = image.acked.filter((g, k) => g !== -1 || k === image.inFlight).length;
  expect(count, `${where} scan count`).toBeGreaterThanOrEqual(live - 1);
  const files = image.vfs.list('/db');
  expect(files.filter((name) => name.endsWith('.sst')).length, `${where} orphan tables removed`).toBe(engine.stats().tables);
  await engine.close();
}

describe('crash at every fsync point of flush, compaction and value-log GC', () => {
  it('recovers every acknowledged write, never resurrects, leaves no orphan table', async () => {
    const seed = testSeed('compaction-crash');
    const images: Image[] = [];
    await runWorkload(seed, images);
    expect(images.length).toBeGreaterThan(100);
    console.log(`[compaction-crash] ${images.length} crash images`);
    const step = Math.max(1, Math.floor(images.length / 2 / TORN_IMAGES_CHECKED));
    let torn = 0;
    for (const [i, image] of images.entries()) {
      if (image.torn && torn++ % step !== 0) continue;
      await checkImage(image, `seed ${seed} image ${i}${image.torn ? ' (torn)' : ''}`);
    }
  });
});
