/**
 * Acceptance 1: seeded random sequences of put / delete / batch / concurrent bursts / gets /
 * scans / snapshots / flush / close-and-reopen against a Map model, under several option sets
 * (metamorphic: every set must give the model's answers). SEED=… replays a run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { open, MemoryVfs, type Db, type EngineOptions, type Snapshot } from '../../src/storage/index.js';
import { hex, modelRange, prng, randomInt, testSeed } from './storage-helpers.js';
import { randomKey, randomRange, randomValue, scanAll } from './random-ops.js';

const OPS_PER_SET = 1000;

interface OptionSet {
  readonly name: string;
  readonly options: EngineOptions;
  readonly onDisk?: boolean;
}

const OPTION_SETS: OptionSet[] = [
  { name: 'all values in the vlog, tiny memtable, tiny blocks', options: { valueThreshold: 0, memtableBytesMax: 2048, blockBytes: 64, restartInterval: 2, flushInWorker: false } },
  { name: 'threshold 64, small memtable, small log segments, worker flush', options: { valueThreshold: 64, memtableBytesMax: 16 * 1024, blockBytes: 256, commitLogSegmentBytesMax: 4096 } },
  { name: 'values in the LSM, no bloom, restart every key', options: { valueThreshold: Infinity, memtableBytesMax: 4096, blockBytes: 128, restartInterval: 1, bloomBitsPerKey: 0, flushInWorker: false } },
  { name: 'relaxed durability, group commit delay, big blocks', options: { sync: 'relaxed', relaxedSyncIntervalMs: 2, groupCommitDelayMs: 1, valueThreshold: 200, memtableBytesMax: 8192, blockBytes: 16 * 1024, flushInWorker: false } },
  { name: 'defaults on disk, tiny vlog segments', options: { vlogSegmentBytesMax: 4096, valueThreshold: 64, memtableBytesMax: 8192, blockCacheBytes: 0 }, onDisk: true },
];

/** One random write: put (roll < 28), delete, batch, or a burst of concurrent commits. */
async function writeStep(db: Db, model: Map<string, Uint8Array>, random: () => number, roll: number, serialIn: number): Promise<number> {
  let serial = serialIn;
  if (roll < 28) {
    const key = randomKey(random);
    const value = randomValue(random, serial++);
    await db.put(key, value);
    model.set(hex(key), value);
  } else if (roll < 36) {
    const key = randomKey(random);
    await db.delete(key);
    model.delete(hex(key));
  } else if (roll < 44) {
    const ops = Array.from({ length: 1 + randomInt(random, 8) }, () =>
      random() < 0.75 ? { type: 'put' as const, key: randomKey(random), value: randomValue(random, serial++) } : { type: 'del' as const, key: randomKey(random) },
    );
    await db.batch(ops);
    for (const o of ops) {
      if (o.type === 'put') model.set(hex(o.key), o.value);
      else model.delete(hex(o.key));
    }
  } else {
    const pending: Array<Promise<void>> = [];
    for (let i = 0; i < 2 + randomInt(random, 10); i++) {
      const key = randomKey(random);
      if (random() < 0.8) {
        const value = randomValue(random, serial++);
        pending.push(db.put(key, value));
        model.set(hex(key), value);
      } else {
        pending.push(db.delete(key));
        model.delete(hex(key));
      }
    }
    await Promise.all(pending);
  }
  return serial;
}

async function runSet(set: OptionSet, seed: number): Promise<void> {
  const random = prng(seed);
  const vfs = new MemoryVfs();
  const dir = set.onDisk === true ? mkdtempSync(join(tmpdir(), 'strata-prop-')) : '/db';
  const options = set.onDisk === true ? set.options : { ...set.options, vfs };
  const model = new Map<string, Uint8Array>();
  const snapshots: Array<{ snap: Snapshot; model: Map<string, Uint8Array> }> = [];
  let db: Db = await open(dir, options);
  let serial = 0;
  const releaseAll = (): void => {
    for (const { snap } of snapshots.splice(0)) snap.release();
  };
  try {
    for (let op = 0; op < OPS_PER_SET; op++) {
      const roll = randomInt(random, 100);
      const where = `seed ${seed}, op ${op}`;
      if (roll < 50) {
        serial = await writeStep(db, model, random, roll, serial);
      } else if (roll < 70) {
        const key = randomKey(random);
        const got = db.get(key);
        const want = model.get(hex(key));
        expect(got === undefined ? undefined : hex(got), where).toBe(want === undefined ? undefined : hex(want));
      } else if (roll < 80) {
        const range = randomRange(random);
        expect(await scanAll(db.scan(range)), where).toEqual(modelRange(model, range));
      } else if (roll < 83) {
        if (snapshots.length < 3) snapshots.push({ snap: db.snapshot(), model: new Map(model) });
      } else if (roll < 90) {
        const held = snapshots[randomInt(random, Math.max(1, snapshots.length))];
        if (held !== undefined) {
          const key = randomKey(random);
          const got = held.snap.get(key);
          const want = held.model.get(hex(key));
          expect(got === undefined ? undefined : hex(got), where).toBe(want === undefined ? undefined : hex(want));
          const range = randomRange(random);
          expect(await scanAll(held.snap.scan(range)), where).toEqual(modelRange(held.model, range));
          if (random() < 0.3) snapshots.splice(snapshots.indexOf(held), 1)[0]?.snap.release();
        }
      } else if (roll < 94) {
        await db.flush();
      } else {
        releaseAll();
        await db.close();
        db = await open(dir, options);
      }
    }
    releaseAll();
    expect(await scanAll(db.scan()), `seed ${seed}, final`).toEqual(modelRange(model, {}));
    expect(db.stats().tables, 'the run reached SSTables').toBeGreaterThan(0);
  } finally {
    await db.close();
    if (set.onDisk === true) rmSync(dir, { recursive: true, force: true });
  }
}

describe('engine vs Map model (metamorphic option sets)', () => {
  const seed = testSeed('engine-property');
  for (const [i, set] of OPTION_SETS.entries()) {
    it(set.name, async () => {
      await runSet(set, seed + i);
    });
  }
});
