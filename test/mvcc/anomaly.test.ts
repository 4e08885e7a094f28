/**
 * Acceptance 2: seeded concurrent list-append histories checked Elle-style. Under snapshot
 * isolation (REPEATABLE READ) no G0, G1a, G1b, G1c, lost update or G-single; under SERIALIZABLE
 * also no G2; and a deliberately broken conflict check makes the checker fail.
 * Replay with SEED=<n>.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVersionedKv, TxnKv } from '../../src/mvcc/index.js';
import type { IsolationLevel, TxnKvOptions, VersionedKv } from '../../src/mvcc/index.js';
import { Engine, MemoryVfs } from '../../src/storage/index.js';
import { checkListAppend } from './elle/list-append-checker.js';
import { violations } from './elle/history.js';
import type { Anomalies, TxnRecord } from './elle/history.js';
import { runListAppend } from './elle/list-append-workload.js';
import { seedFrom } from './random.js';

const SEED = seedFrom(20261121);

async function history(isolation: IsolationLevel, seed: number, options: TxnKvOptions = {}, onEngine = false, useLocks = false): Promise<TxnRecord[]> {
  const engine = onEngine ? await Engine.open('/elle', { vfs: new MemoryVfs(), flushInWorker: false, memtableBytesMax: 8192 }) : undefined;
  const kv: VersionedKv = engine ?? new MemoryVersionedKv({ applyMode: seed % 2 === 0 ? 'deferred' : 'sync' });
  const db = new TxnKv(kv, options);
  const records = await runListAppend(db, {
    seed,
    isolation,
    clients: 8,
    txnsPerClient: 60,
    keys: 6,
    opsMax: 4,
    abortProbability: 0.05,
    useLocks,
  });
  await db.close();
  await engine?.close();
  return records;
}

function summary(found: Anomalies): Record<string, number> {
  return Object.fromEntries(Object.entries(found).map(([type, list]) => [type, list?.length ?? 0]));
}

describe(`list-append anomaly checker (SEED=${SEED})`, () => {
  for (let round = 0; round < 4; round++) {
    const seed = SEED + round;

    it(`snapshot isolation shows no SI anomaly (seed ${seed})`, async () => {
      const records = await history('repeatable read', seed);
      const found = checkListAppend(records);
      expect(violations(found, 'snapshot isolation'), `seed ${seed}`).toEqual({});
      expect(records.filter((r) => r.status === 'ok').length).toBeGreaterThan(100);
    });

    it(`serializable shows no anomaly at all (seed ${seed})`, async () => {
      const found = checkListAppend(await history('serializable', seed));
      expect(violations(found, 'serializable'), `seed ${seed}`).toEqual({});
    });

    it(`read committed shows no G0/G1 and loses no append (seed ${seed})`, async () => {
      const found = checkListAppend(await history('read committed', seed));
      expect(violations(found, 'read committed'), `seed ${seed}`).toEqual({});
    });
  }

  for (const isolation of ['read committed', 'repeatable read', 'serializable'] as const) {
    it(`on the real engine (group commit, flushes): ${isolation} shows no forbidden anomaly`, async () => {
      const model = isolation === 'read committed' ? 'read committed' : isolation === 'serializable' ? 'serializable' : 'snapshot isolation';
      const found = checkListAppend(await history(isolation, SEED, {}, true));
      expect(violations(found, model), `seed ${SEED}`).toEqual({});
    });
  }

  for (const isolation of ['read committed', 'repeatable read', 'serializable'] as const) {
    it(`with key locks (SQL's row-lock protocol): ${isolation} shows no forbidden anomaly`, async () => {
      const model = isolation === 'read committed' ? 'read committed' : isolation === 'serializable' ? 'serializable' : 'snapshot isolation';
      const records = await history(isolation, SEED + 7, {}, false, true);
      expect(violations(checkListAppend(records), model), `seed ${SEED + 7}`).toEqual({});
      expect(records.filter((r) => r.status === 'ok').length).toBeGreaterThan(100);
    });
  }

  it('snapshot isolation does allow write skew (G2): the checker sees it', async () => {
    let g2 = 0;
    for (let round = 0; round < 4; round++) g2 += checkListAppend(await history('repeatable read', SEED + round)).G2?.length ?? 0;
    expect(g2).toBeGreaterThan(0);
  });

  it('a broken write-write check makes the checker fail under snapshot isolation', async () => {
    const found = checkListAppend(await history('repeatable read', SEED, { faults: { skipWriteWriteCheck: true } }));
    const bad = violations(found, 'snapshot isolation');
    expect(Object.keys(bad).length, JSON.stringify(summary(found))).toBeGreaterThan(0);
    expect(bad['lost-append'] ?? bad['lost-update'] ?? bad['incompatible-order']).toBeDefined();
  });

  it('a broken read-write check makes the checker fail under serializable (G2)', async () => {
    const found = checkListAppend(await history('serializable', SEED, { faults: { skipReadWriteCheck: true } }));
    expect(violations(found, 'serializable').G2 ?? violations(found, 'serializable')['G-single'], JSON.stringify(summary(found))).toBeDefined();
  });
});

describe('the checker on hand-written histories', () => {
  it('classifies G0, G1a, G1b, G1c, G-single, G2 and lost update', () => {
    const r = (key: number, ...value: number[]): { f: 'r'; key: number; value: number[] } => ({ f: 'r', key, value });
    const a = (key: number, value: number): { f: 'append'; key: number; value: number } => ({ f: 'append', key, value });
    const g0 = checkListAppend([
      { id: 1, status: 'ok', ops: [a(1, 1), a(2, 4)] },
      { id: 2, status: 'ok', ops: [a(1, 2), a(2, 3)] },
      { id: 3, status: 'ok', ops: [r(1, 1, 2), r(2, 3, 4)] },
    ]);
    expect(g0.G0).toBeDefined();
    expect(checkListAppend([
      { id: 1, status: 'fail', ops: [a(1, 1)] },
      { id: 2, status: 'ok', ops: [r(1, 1)] },
    ]).G1a).toBeDefined();
    expect(checkListAppend([
      { id: 1, status: 'ok', ops: [a(1, 1), a(1, 2)] },
      { id: 2, status: 'ok', ops: [r(1, 1)] },
      { id: 3, status: 'ok', ops: [r(1, 1, 2)] },
    ]).G1b).toBeDefined();
    expect(checkListAppend([
      { id: 1, status: 'ok', ops: [a(1, 1), r(2, 2)] },
      { id: 2, status: 'ok', ops: [a(2, 2), r(1, 1)] },
    ]).G1c).toBeDefined();
    const skew = checkListAppend([
      { id: 1, status: 'ok', ops: [r(1), r(2), a(1, 1)] },
      { id: 2, status: 'ok', ops: [r(1), r(2), a(2, 2)] },
      { id: 3, status: 'ok', ops: [r(1, 1), r(2, 2)] },
    ]);
    expect(skew.G2).toBeDefined();
    expect(skew['G-single']).toBeUndefined();
    const readSkew = checkListAppend([
      { id: 1, status: 'ok', ops: [a(1, 1), a(2, 2)] },
      { id: 2, status: 'ok', ops: [r(1), r(2, 2)] },
      { id: 3, status: 'ok', ops: [r(1, 1), r(2, 2)] },
    ]);
    expect(readSkew['G-single']).toBeDefined();
    const lost = checkListAppend([
      { id: 1, status: 'ok', ops: [r(1), a(1, 1)] },
      { id: 2, status: 'ok', ops: [r(1), a(1, 2)] },
      { id: 3, status: 'ok', ops: [r(1, 2)] },
    ]);
    expect(lost['lost-update']).toBeDefined();
    expect(lost['lost-append']).toBeDefined();
  });
});
