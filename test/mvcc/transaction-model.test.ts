/**
 * A transaction against a model (a Map of the snapshot overlaid with the transaction's own writes,
 * with a stack of copies for savepoints): seeded puts, deletes, savepoints, rollbacks to them,
 * releases, gets and scans (bounds, reverse, limits) must agree — including scans taken while
 * other transactions commit. Replay with SEED=<n>.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVersionedKv, TxnKv } from '../../src/mvcc/index.js';
import type { IsolationLevel, KvRange } from '../../src/mvcc/index.js';
import { fromUtf8, utf8 } from '../../src/util/index.js';
import { Random, seedFrom } from './random.js';

const SEED = seedFrom(99);

function modelScan(model: Map<string, string>, range: KvRange): string[] {
  const low = range.gte ?? range.gt;
  const high = range.lte ?? range.lt;
  const keys = [...model.keys()]
    .filter((key) => {
      const bytes = utf8(key);
      if (low !== undefined && Buffer.compare(bytes, low) < (range.gt === undefined ? 0 : 1)) return false;
      if (high !== undefined && Buffer.compare(bytes, high) > (range.lt === undefined ? 0 : -1)) return false;
      return true;
    })
    .sort((a, b) => Buffer.compare(utf8(a), utf8(b)));
  if (range.reverse === true) keys.reverse();
  return keys.slice(0, range.limit ?? Infinity).map((key) => `${key}=${model.get(key) as string}`);
}

function randomRange(random: Random, key: () => string): KvRange {
  const range: { gte?: Uint8Array; gt?: Uint8Array; lte?: Uint8Array; lt?: Uint8Array; reverse?: boolean; limit?: number } = {};
  const low = random.int(3);
  if (low === 1) range.gte = utf8(key());
  if (low === 2) range.gt = utf8(key());
  const high = random.int(3);
  if (high === 1) range.lte = utf8(key());
  if (high === 2) range.lt = utf8(key());
  if (random.int(2) === 0) range.reverse = true;
  if (random.int(3) === 0) range.limit = random.int(8);
  return range;
}

async function runRound(random: Random, isolation: IsolationLevel): Promise<void> {
  const db = new TxnKv(new MemoryVersionedKv());
  const key = (): string => `k${String(random.int(30)).padStart(2, '0')}`;
  const committed = new Map<string, string>();
  await db.transaction((txn) => {
    for (let i = 0; i < 15; i++) {
      const k = key();
      committed.set(k, `base-${k}`);
      txn.put(utf8(k), utf8(`base-${k}`));
    }
  });
  const txn = db.begin({ isolation });
  let model = new Map(committed);
  const savepoints: Array<{ handle: number; state: Map<string, string> }> = [];
  for (let step = 0; step < 200; step++) {
    const choice = random.int(10);
    const k = key();
    if (choice <= 2) {
      const value = `v${step}`;
      txn.put(utf8(k), utf8(value));
      model.set(k, value);
    } else if (choice === 3) {
      txn.delete(utf8(k));
      model.delete(k);
    } else if (choice === 4) {
      savepoints.push({ handle: txn.savepoint(), state: new Map(model) });
    } else if (choice === 5 && savepoints.length > 0) {
      const at = random.int(savepoints.length);
      const target = savepoints[at] as { handle: number; state: Map<string, string> };
      txn.rollbackTo(target.handle);
      model = new Map(target.state);
      savepoints.length = at + 1;
    } else if (choice === 6 && savepoints.length > 0) {
      const at = random.int(savepoints.length);
      txn.release((savepoints[at] as { handle: number }).handle);
      savepoints.length = at;
    } else if (choice === 7) {
      await db.put(utf8(`k${String(random.int(30)).padStart(2, '0')}z`), utf8('other')); // invisible to txn
    } else {
      const got = txn.get(utf8(k));
      expect(got === undefined ? undefined : fromUtf8(got), `get ${k} at step ${step}`).toBe(model.get(k));
      const range = randomRange(random, key);
      const actual = [...txn.scan(range)].map((e) => `${fromUtf8(e.key)}=${fromUtf8(e.value)}`);
      expect(actual, `scan at step ${step}`).toEqual(modelScan(model, range));
    }
  }
  txn.rollback();
}

describe(`transaction against a model (SEED=${SEED})`, () => {
  for (let round = 0; round < 6; round++) {
    it(`round ${round}`, async () => {
      await runRound(new Random(SEED + round), round % 2 === 0 ? 'repeatable read' : 'serializable');
    });
  }
});
