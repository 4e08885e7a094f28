/**
 * Acceptance 1: the bank. N accounts; concurrent transfer transactions (with deliberate aborts
 * and automatic retries on 40001) and concurrent auditors; the total never changes in any
 * snapshot. At every isolation level — and at READ COMMITTED with one statement per step and
 * row locks (lockKey, as SELECT … FOR UPDATE), which must need no retry at all. On the real engine over the in-memory VFS the run is "power-cut" mid-flight several
 * times (crashImage with torn unsynced tails, taken while commits are in flight); each image is
 * reopened: the total is unchanged, every acknowledged transfer is present and the balances are
 * exactly the initial ones plus the transfers whose log record survived (all-or-nothing).
 * Replay with SEED=<n>.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVersionedKv, TxnKv } from '../../src/mvcc/index.js';
import type { IsolationLevel, Transaction, VersionedKv } from '../../src/mvcc/index.js';
import { Engine, MemoryVfs } from '../../src/storage/index.js';
import { fromUtf8, utf8 } from '../../src/util/index.js';
import { Random, seedFrom } from './random.js';

const SEED = seedFrom(4242);
const ACCOUNTS = 12;
const INITIAL = 100;
const TOTAL = ACCOUNTS * INITIAL;
const CLIENTS = 8;
const AUDITORS = 2;

const accountKey = (i: number): Uint8Array => utf8(`acct/${String(i).padStart(3, '0')}`);
const logKey = (id: number): Uint8Array => utf8(`log/${String(id).padStart(8, '0')}`);
const ACCOUNTS_RANGE = { gte: utf8('acct/'), lt: utf8('acct0') };
const LOG_RANGE = { gte: utf8('log/'), lt: utf8('log0') };

class DeliberateAbort extends Error {}

interface RoundResult {
  acked: Set<number>;
  audits: number;
  aborted: number;
}

async function balanceSum(db: TxnKv, isolation: IsolationLevel): Promise<number> {
  const txn = db.begin({ isolation, readOnly: true });
  let sum = 0;
  let count = 0;
  for (const entry of txn.scan(ACCOUNTS_RANGE)) {
    sum += Number(fromUtf8(entry.value));
    count++;
  }
  txn.rollback();
  expect(count).toBe(ACCOUNTS);
  return sum;
}

/** An isolation level, or READ COMMITTED with SELECT … FOR UPDATE (lockKey) and one statement per step. */
type Mode = IsolationLevel | 'read committed + locks';

/** Claims `key` as a SQL layer would: on a wait, wait for the holder and re-run the statement. */
async function lockRow(txn: Transaction, key: Uint8Array): Promise<void> {
  for (;;) {
    txn.newStatement();
    const wait = txn.lockKey(key);
    if (wait === undefined) return;
    await wait;
  }
}

async function transfer(db: TxnKv, random: Random, id: number, mode: Mode): Promise<boolean> {
  const locks = mode === 'read committed + locks';
  const isolation: IsolationLevel = locks ? 'read committed' : (mode as IsolationLevel);
  const from = random.int(ACCOUNTS);
  const to = (from + 1 + random.int(ACCOUNTS - 1)) % ACCOUNTS;
  const amount = 1 + random.int(30);
  const abort = random.next() < 0.1;
  const pause = random.int(3);
  try {
    return await db.transaction(async (txn) => {
      if (locks) {
        await lockRow(txn, accountKey(from)); // either order: a deadlock (40P01) is retried
        await lockRow(txn, accountKey(to));
        txn.newStatement();
      }
      const a = Number(fromUtf8(txn.get(accountKey(from)) as Uint8Array));
      const b = Number(fromUtf8(txn.get(accountKey(to)) as Uint8Array));
      if (pause === 1) await Promise.resolve();
      if (pause === 2) await new Promise((resolve) => setImmediate(resolve));
      if (locks) txn.newStatement(); // the writes are later statements, on newer snapshots
      if (a < amount) return false;
      txn.put(accountKey(from), utf8(String(a - amount)));
      txn.put(accountKey(to), utf8(String(b + amount)));
      txn.put(logKey(id), utf8(`${from},${to},${amount}`));
      if (abort) throw new DeliberateAbort();
      return true;
    }, { isolation, retriesMax: 1000 });
  } catch (error) {
    if (error instanceof DeliberateAbort) return false;
    throw error;
  }
}

/** Runs clients and auditors until `stop()` says so; `crashAt` is called with each ack. */
async function round(db: TxnKv, random: Random, isolation: Mode, firstId: number, transfersMax: number, onAck: (acked: number, id: number) => boolean): Promise<RoundResult> {
  const result: RoundResult = { acked: new Set(), audits: 0, aborted: 0 };
  let nextId = firstId;
  let stopped = false;
  const client = async (clientRandom: Random): Promise<void> => {
    while (!stopped && nextId < firstId + transfersMax) {
      const id = nextId++;
      const done = await transfer(db, clientRandom, id, isolation);
      if (stopped) return;
      if (!done) result.aborted++;
      else {
        result.acked.add(id);
        if (onAck(result.acked.size, id)) stopped = true;
      }
    }
  };
  const auditor = async (): Promise<void> => {
    while (!stopped && nextId < firstId + transfersMax) {
      expect(await balanceSum(db, result.audits % 2 === 0 ? 'repeatable read' : 'read committed')).toBe(TOTAL);
      result.audits++;
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const clients = Array.from({ length: CLIENTS }, () => client(new Random(random.int(2 ** 31))));
  await Promise.all([...clients, ...Array.from({ length: AUDITORS }, auditor)]);
  return result;
}

async function seed(db: TxnKv): Promise<void> {
  await db.transaction((txn) => {
    for (let i = 0; i < ACCOUNTS; i++) txn.put(accountKey(i), utf8(String(INITIAL)));
  });
}

/** Balances equal INITIAL plus exactly the transfers whose log record exists. */
function checkReplay(db: TxnKv, acked: Iterable<number>): number {
  const txn = db.begin({ isolation: 'repeatable read', readOnly: true });
  const expected = new Array<number>(ACCOUNTS).fill(INITIAL);
  const present = new Set<string>();
  for (const entry of txn.scan(LOG_RANGE)) {
    const [from, to, amount] = fromUtf8(entry.value).split(',').map(Number) as [number, number, number];
    expected[from] = (expected[from] as number) - amount;
    expected[to] = (expected[to] as number) + amount;
    present.add(fromUtf8(entry.key));
  }
  for (const id of acked) expect(present.has(fromUtf8(logKey(id))), `acknowledged transfer ${id} lost`).toBe(true);
  const actual = [...txn.scan(ACCOUNTS_RANGE)].map((e) => Number(fromUtf8(e.value)));
  txn.rollback();
  expect(actual).toEqual(expected);
  return present.size;
}

describe(`bank (SEED=${SEED})`, () => {
  for (const isolation of ['read committed', 'repeatable read', 'serializable', 'read committed + locks'] as const) {
    it(`keeps the total on MemoryVersionedKv at ${isolation}`, async () => {
      const random = new Random(SEED);
      const db = new TxnKv(new MemoryVersionedKv({ applyMode: 'deferred' }), { retryBackoffMsMax: 0 });
      await seed(db);
      const result = await round(db, random, isolation, 1, 600, () => false);
      expect(await balanceSum(db, 'repeatable read')).toBe(TOTAL);
      expect(checkReplay(db, result.acked)).toBe(result.acked.size);
      expect(result.acked.size).toBeGreaterThan(100);
      expect(result.audits).toBeGreaterThan(10);
      if (isolation === 'read committed + locks') expect(db.stats().serializationFailures).toBe(0);
      await db.close();
    });
  }

  it('keeps the total across power cuts of the real engine (MemoryVfs crash images)', async () => {
    const random = new Random(SEED);
    const dir = '/bank';
    const engineOptions = { flushInWorker: false, memtableBytesMax: 16 * 1024, valueThreshold: 8 };
    let vfs = new MemoryVfs();
    let engine = await Engine.open(dir, { ...engineOptions, vfs });
    let db = new TxnKv(engine as VersionedKv, { retryBackoffMsMax: 0 });
    await seed(db);
    let firstId = 1;
    const allAcked = new Set<number>();
    for (let cut = 0; cut < 4; cut++) {
      const isolation = (['read committed', 'repeatable read', 'serializable', 'read committed + locks'] as const)[cut % 4] as Mode;
      const crashAfter = 40 + random.int(80);
      let image: MemoryVfs | undefined;
      const result = await round(db, random, isolation, firstId, 100_000, (acked) => {
        if (acked < crashAfter) return false;
        image = vfs.crashImage(() => random.next()); // commits of other clients are in flight now
        return true;
      });
      for (const id of result.acked) allAcked.add(id);
      firstId += 100_000;
      await db.close();
      await engine.close();
      expect(image).toBeDefined();
      vfs = image as MemoryVfs;
      engine = await Engine.open(dir, { ...engineOptions, vfs });
      db = new TxnKv(engine as VersionedKv, { retryBackoffMsMax: 0 });
      expect(await balanceSum(db, 'repeatable read')).toBe(TOTAL);
      const present = checkReplay(db, allAcked);
      expect(present).toBeGreaterThanOrEqual(allAcked.size);
    }
    await db.close();
    await engine.close();
  });

  it('every crash image taken at random moments of a run recovers a consistent bank', async () => {
    const random = new Random(SEED + 1);
    const dir = '/bank-images';
    const engineOptions = { flushInWorker: false, memtableBytesMax: 8 * 1024, valueThreshold: 8, groupCommitDelayMs: 0.2 };
    const vfs = new MemoryVfs();
    const engine = await Engine.open(dir, { ...engineOptions, vfs });
    const db = new TxnKv(engine as VersionedKv, { retryBackoffMsMax: 0 });
    await seed(db);
    const images: Array<{ vfs: MemoryVfs; acked: Set<number> }> = [];
    const acked = new Set<number>();
    let running = true;
    const monkey = async (): Promise<void> => {
      while (running) {
        for (let i = random.int(40); i > 0 && running; i--) await new Promise((resolve) => setImmediate(resolve));
        if (running) images.push({ vfs: vfs.crashImage(() => random.next()), acked: new Set(acked) });
      }
    };
    const work = round(db, random, 'repeatable read', 1, 500, (_count, id) => {
      acked.add(id);
      return false;
    });
    const monkeyDone = monkey();
    await work.finally(() => (running = false));
    await monkeyDone;
    await db.close();
    await engine.close();
    expect(images.length).toBeGreaterThan(5);
    expect(images.some((image) => image.acked.size > 0)).toBe(true);
    for (const image of images) {
      const reopened = await Engine.open(dir, { ...engineOptions, vfs: image.vfs });
      const recovered = new TxnKv(reopened as VersionedKv);
      expect(await balanceSum(recovered, 'repeatable read')).toBe(TOTAL);
      checkReplay(recovered, image.acked);
      await recovered.close();
      await reopened.close();
    }
  });
});
