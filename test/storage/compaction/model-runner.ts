/**
 * A seeded random run of puts / deletes / batches / concurrent bursts / gets / scans / snapshots
 * against a Map model (like ../engine-property.test.ts), with compaction and value-log GC active:
 * snapshots are held across flushes, compactions, GC and explicit compact() calls, and every read
 * through them must still give the model's answer at their time.
 */
import { expect } from 'vitest';
import { open, type Db, type EngineOptions, type Snapshot } from '../../../src/storage/index.js';
import { hex, modelRange, prng, randomInt } from '../storage-helpers.js';
import { randomKey, randomRange, randomValue, scanAll } from '../random-ops.js';

const SNAPSHOTS_MAX = 4;

export interface RunStats {
  compactions: number;
  trivialMoves: number;
  gcRuns: number;
  levelsUsed: number;
}

async function writeStep(db: Db, model: Map<string, Uint8Array>, random: () => number, roll: number, serialIn: number): Promise<number> {
  let serial = serialIn;
  if (roll < 30) {
    const key = randomKey(random);
    const value = randomValue(random, serial++);
    await db.put(key, value);
    model.set(hex(key), value);
  } else if (roll < 40) {
    const key = randomKey(random);
    await db.delete(key);
    model.delete(hex(key));
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

function expectGet(got: Uint8Array | undefined, want: Uint8Array | undefined, where: string): void {
  expect(got === undefined ? undefined : hex(got), where).toBe(want === undefined ? undefined : hex(want));
}

/** Runs `ops` random operations on `dir` with `options`; returns what background work did. */
export async function runModel(dir: string, options: EngineOptions, seed: number, ops: number): Promise<RunStats> {
  const random = prng(seed);
  const model = new Map<string, Uint8Array>();
  const snapshots: Array<{ snap: Snapshot; model: Map<string, Uint8Array> }> = [];
  const totals: RunStats = { compactions: 0, trivialMoves: 0, gcRuns: 0, levelsUsed: 0 };
  let db: Db = await open(dir, options);
  let serial = 0;
  const collect = (): void => {
    const stats = db.stats();
    totals.compactions += stats.compactions;
    totals.trivialMoves += stats.trivialMoves;
    totals.gcRuns += stats.gcRuns;
    totals.levelsUsed = Math.max(totals.levelsUsed, stats.levels.filter((level) => level.tables > 0).length);
  };
  try {
    for (let op = 0; op < ops; op++) {
      const roll = randomInt(random, 100);
      const where = `seed ${seed}, op ${op}`;
      if (roll < 55) serial = await writeStep(db, model, random, randomInt(random, 100), serial);
      else if (roll < 70) {
        const key = randomKey(random);
        expectGet(db.get(key), model.get(hex(key)), where);
      }
      else if (roll < 78) {
        const range = randomRange(random);
        expect(await scanAll(db.scan(range)), where).toEqual(modelRange(model, range));
      } else if (roll < 82) {
        if (snapshots.length < SNAPSHOTS_MAX) snapshots.push({ snap: db.snapshot(), model: new Map(model) });
      } else if (roll < 90) {
        const held = snapshots[randomInt(random, Math.max(1, snapshots.length))];
        if (held !== undefined) {
          const key = randomKey(random);
          expectGet(held.snap.get(key), held.model.get(hex(key)), `${where} snapshot get`);
          const range = randomRange(random);
          expect(await scanAll(held.snap.scan(range)), `${where} snapshot scan`).toEqual(modelRange(held.model, range));
          if (random() < 0.25) snapshots.splice(snapshots.indexOf(held), 1)[0]?.snap.release();
        }
      } else if (roll < 94) await db.flush();
      else if (roll < 97) await db.compact();
      else if (roll < 98) await db.backgroundIdle();
      else {
        for (const { snap } of snapshots.splice(0)) snap.release();
        collect();
        await db.close();
        db = await open(dir, options);
      }
    }
    for (const { snap, model: old } of snapshots) expect(await scanAll(snap.scan()), `seed ${seed}, held snapshot at end`).toEqual(modelRange(old, {}));
    for (const { snap } of snapshots.splice(0)) snap.release();
    await db.compact();
    expect(await scanAll(db.scan()), `seed ${seed}, final`).toEqual(modelRange(model, {}));
    for (const [key, value] of model) expectGet(db.get(Buffer.from(key, 'hex')), value, `seed ${seed}, final get`);
    collect();
  } finally {
    await db.close();
  }
  return totals;
}
