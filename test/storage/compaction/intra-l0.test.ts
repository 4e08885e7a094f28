/**
 * Intra-L0 compaction (compaction-picker.ts): while the L1 tables an L0 compaction would rewrite
 * hold more than INTRA_L0_RATIO × the L0 bytes, the L0 tables merge into one L0 table instead.
 * The output takes the oldest place in L0, so tables flushed during or after it still shadow it —
 * before and after a reopen (recovery orders L0 by maxTs) — and a snapshot older than all of it
 * keeps reading what it read.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVfs, open, type Db } from '../../../src/storage/index.js';
import { enc } from '../storage-helpers.js';

const KEYS = 2000;
const OPTIONS = {
  valueThreshold: 64,
  memtableBytesMax: 1 << 20,
  l0CompactionTrigger: 4,
  flushInWorker: false,
};

const keyOf = (i: number): Uint8Array => enc(`key-${String(i).padStart(5, '0')}`);
const valueOf = (i: number, round: number): string => `${round}:${i}:`.padEnd(i % 2 === 0 ? 100 : 20, 'v');

/** Deterministic pseudo-random key numbers (a fixed LCG: the test replays exactly). */
function* keyNumbers(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    yield x % KEYS;
  }
}

function check(db: Db, model: ReadonlyMap<number, string | undefined>, where: string): void {
  for (let i = 0; i < KEYS; i++) {
    const got = db.get(keyOf(i));
    expect(got === undefined ? undefined : Buffer.from(got).toString(), `${where}: key ${i}`).toBe(model.get(i));
  }
}

describe('intra-L0 compaction', () => {
  it('merges L0 into L0 while L1 dwarfs it; newer tables still shadow it, snapshots and reopen agree', async () => {
    const vfs = new MemoryVfs();
    const compactions: Array<{ level: number; outputLevel: number }> = [];
    const logger = {
      warn: () => {},
      info: (fields: Record<string, unknown>, message: string) => {
        if (message === 'compaction end') compactions.push({ level: fields.level as number, outputLevel: fields.outputLevel as number });
      },
    };
    let db = await open('/db', { ...OPTIONS, vfs, logger });
    const model = new Map<number, string | undefined>();
    for (let i = 0; i < KEYS; i++) {
      await db.put(keyOf(i), enc(valueOf(i, 0)));
      model.set(i, valueOf(i, 0));
    }
    await db.compact();
    const snapshot = db.snapshot();
    const snapshotModel = new Map(model);
    const numbers = keyNumbers(7);
    for (let round = 1; round <= 14; round++) {
      for (let n = 0; n < 25; n++) {
        const i = numbers.next().value as number;
        if (n % 10 === 9) {
          await db.delete(keyOf(i));
          model.set(i, undefined);
        } else {
          await db.put(keyOf(i), enc(valueOf(i, round)));
          model.set(i, valueOf(i, round));
        }
      }
      await db.flush();
      await db.backgroundIdle();
      check(db, model, `round ${round}`);
    }
    const intra = compactions.filter((c) => c.level === 0 && c.outputLevel === 0).length;
    expect(intra, 'intra-L0 compactions ran').toBeGreaterThan(0);
    expect(db.stats().levels[0]?.tables ?? 0, 'L0 kept below the trigger').toBeLessThan(OPTIONS.l0CompactionTrigger);
    for (let i = 0; i < KEYS; i++) {
      const got = snapshot.get(keyOf(i));
      expect(got === undefined ? undefined : Buffer.from(got).toString(), `snapshot key ${i}`).toBe(snapshotModel.get(i));
    }
    snapshot.release();
    await db.close();
    db = await open('/db', { ...OPTIONS, vfs });
    check(db, model, 'after reopen');
    await db.compact();
    check(db, model, 'after a full compaction');
    await db.close();
  });
});
