/**
 * A seeded, concurrent list-append workload over TxnKv that records an Elle history.
 * Clients interleave at random points (microtask or macrotask yields chosen by the seed); each
 * transaction does 1..opsMax reads or appends on a small key set; some abort on purpose. An
 * append is a read-modify-write of the key's list (as `UPDATE … SET v = v || x` would be).
 * A final quiescent read of every key closes the history.
 */
import type { Transaction, TxnKv, IsolationLevel } from '../../../src/mvcc/index.js';
import { isRetryable } from '../../../src/mvcc/index.js';
import { fromUtf8, utf8 } from '../../../src/util/index.js';
import type { Op, TxnRecord } from './history.js';
import { Random } from '../random.js';

export interface WorkloadOptions {
  readonly seed: number;
  readonly isolation: IsolationLevel;
  readonly clients: number;
  readonly txnsPerClient: number;
  readonly keys: number;
  readonly opsMax: number;
  readonly abortProbability: number;
  /** Claim each key with lockKey() before appending; wait and re-run the append when held. */
  readonly useLocks?: boolean;
}

export function keyOf(key: number): Uint8Array {
  return utf8(`la/${String(key).padStart(4, '0')}`);
}

function readList(txn: Transaction, key: number): number[] {
  const value = txn.get(keyOf(key));
  if (value === undefined || value.length === 0) return [];
  return fromUtf8(value).split(',').map(Number);
}

async function yieldRandomly(random: Random): Promise<void> {
  const choice = random.int(4);
  if (choice === 0) await new Promise((resolve) => setImmediate(resolve));
  else if (choice === 1) await Promise.resolve();
}

export async function runListAppend(db: TxnKv, options: WorkloadOptions): Promise<TxnRecord[]> {
  const random = new Random(options.seed);
  const history: TxnRecord[] = [];
  let nextElement = 1;
  let nextTxn = 1;
  const client = async (clientRandom: Random): Promise<void> => {
    for (let t = 0; t < options.txnsPerClient; t++) {
      const id = nextTxn++;
      const txn = db.begin({ isolation: options.isolation });
      const ops: Op[] = [];
      const status = await runOne(txn, ops, clientRandom, options, () => nextElement++);
      history.push({ id, status, ops });
    }
  };
  await Promise.all(Array.from({ length: options.clients }, () => client(new Random(random.int(2 ** 31)))));
  const final = db.begin({ isolation: 'repeatable read', readOnly: true });
  const ops: Op[] = [];
  for (let key = 0; key < options.keys; key++) ops.push({ f: 'r', key, value: readList(final, key) });
  final.rollback();
  history.push({ id: nextTxn, status: 'ok', ops });
  return history;
}

async function runOne(
  txn: Transaction,
  ops: Op[],
  random: Random,
  options: WorkloadOptions,
  element: () => number,
): Promise<'ok' | 'fail'> {
  try {
    const count = 1 + random.int(options.opsMax);
    for (let i = 0; i < count; i++) {
      await yieldRandomly(random);
      txn.newStatement();
      const key = random.int(options.keys);
      if (random.int(2) === 0) {
        ops.push({ f: 'r', key, value: readList(txn, key) });
      } else {
        if (options.useLocks === true) await lockForAppend(txn, key);
        const value = element();
        const list = readList(txn, key);
        list.push(value);
        txn.put(keyOf(key), utf8(list.join(',')));
        ops.push({ f: 'append', key, value });
      }
    }
    await yieldRandomly(random);
    if (random.next() < options.abortProbability) {
      txn.rollback();
      return 'fail';
    }
    await txn.commit();
    return 'ok';
  } catch (error) {
    txn.rollback();
    if (isRetryable(error)) return 'fail';
    throw error;
  }
}

/** The statement-level protocol of a SQL layer: wait for the holder, then re-run on a new snapshot. */
async function lockForAppend(txn: Transaction, key: number): Promise<void> {
  for (;;) {
    const wait = txn.lockKey(keyOf(key));
    if (wait === undefined) return;
    await wait;
    txn.newStatement();
  }
}
