/**
 * Transaction benchmark on the real engine (node:fs, fsync on every group commit): small
 * read-modify-write transactions (read one counter, write it + 1; REPEATABLE READ; retried on
 * 40001) with 1, 8 and 64 concurrent clients — commits/s, transaction p50/p99, abort rate,
 * fsyncs per commit — and commit p99 against the engine's group-commit window (0, 0.5, 1, 2 ms).
 *
 *   npx tsx bench/txn/run.ts            (BENCH_SECONDS=3 per point, BENCH_KEYS=10000)
 *
 * The yardstick is the machine's fsync rate (pg_test_fsync: ~7,000 fdatasync/s): with 64 clients
 * group commit should carry more commits per second than that.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { TxnKv, isRetryable } from '../../src/mvcc/index.js';
import type { IsolationLevel, VersionedKv } from '../../src/mvcc/index.js';
import { Engine, NodeVfs } from '../../src/storage/index.js';
import { CountingVfs } from './counting-vfs.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const KEYS = Number(process.env['BENCH_KEYS'] ?? 10_000);

interface Point {
  readonly mode: string;
  readonly clients: number;
  readonly keys: number;
  readonly windowMs: number;
  readonly commitsPerSecond: number;
  readonly txnUsP50: number;
  readonly txnUsP99: number;
  readonly commitUsP50: number;
  readonly commitUsP99: number;
  readonly abortRate: number;
  readonly fsyncsPerCommit: number;
}

const keyOf = (i: number): Uint8Array => Buffer.from(`counter/${String(i).padStart(6, '0')}`);
const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

interface Workload {
  readonly clients: number;
  readonly keys: number;
  readonly windowMs: number;
  readonly isolation: IsolationLevel;
  /** The SQL layer's row-lock protocol: lockKey(), wait for the holder, re-run the statement. */
  readonly locks: boolean;
}

/** One read-modify-write transaction attempt; resolves with the commit latency. */
async function attempt(db: TxnKv, workload: Workload): Promise<number> {
  const txn = db.begin({ isolation: workload.isolation });
  const key = keyOf(Math.floor(Math.random() * workload.keys));
  try {
    for (;;) {
      const wait = workload.locks ? txn.lockKey(key) : undefined;
      if (wait === undefined) break;
      await wait;
      txn.newStatement();
    }
    const value = Number(Buffer.from(txn.get(key) as Uint8Array).toString());
    txn.put(key, Buffer.from(String(value + 1))); // may fail at once (40001) if already known
    const commitStartUs = nowUs();
    await txn.commit();
    return Math.max(1, nowUs() - commitStartUs);
  } catch (error) {
    txn.rollback();
    throw error;
  }
}

async function measure(workload: Workload): Promise<Point> {
  const { clients, keys, windowMs } = workload;
  const dir = mkdtempSync(join(tmpdir(), 'strata-txn-bench-'));
  const vfs = new CountingVfs(new NodeVfs());
  const engine = await Engine.open(dir, { vfs, groupCommitDelayMs: windowMs });
  const db = new TxnKv(engine as VersionedKv);
  await db.transaction((txn) => {
    for (let i = 0; i < keys; i++) txn.put(keyOf(i), Buffer.from('0'));
  });
  const txnHist = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000, numberOfSignificantValueDigits: 3 });
  const commitHist = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000, numberOfSignificantValueDigits: 3 });
  let commits = 0;
  let aborts = 0;
  const syncsBefore = vfs.syncs;
  const startUs = nowUs();
  const endUs = startUs + SECONDS * 1e6;
  const client = async (): Promise<void> => {
    while (nowUs() < endUs) {
      const txnStartUs = nowUs();
      for (;;) {
        try {
          commitHist.recordValue(await attempt(db, workload));
          break;
        } catch (error) {
          if (!isRetryable(error)) throw error;
          aborts++;
        }
      }
      txnHist.recordValue(Math.max(1, nowUs() - txnStartUs));
      commits++;
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const elapsedS = (nowUs() - startUs) / 1e6;
  const syncs = vfs.syncs - syncsBefore;
  await db.close();
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    clients,
    keys,
    windowMs,
    mode: `${workload.isolation}${workload.locks ? ' +locks' : ''}`,
    commitsPerSecond: Math.round(commits / elapsedS),
    txnUsP50: txnHist.getValueAtPercentile(50),
    txnUsP99: txnHist.getValueAtPercentile(99),
    commitUsP50: commitHist.getValueAtPercentile(50),
    commitUsP99: commitHist.getValueAtPercentile(99),
    abortRate: aborts / (commits + aborts),
    fsyncsPerCommit: syncs / commits,
  };
}

function print(points: readonly Point[]): void {
  console.log('mode                     clients  keys  window_ms  commits/s  txn_p50_us  txn_p99_us  commit_p50_us  commit_p99_us  abort_rate  fsyncs/commit');
  for (const p of points) {
    console.log(
      [
        p.mode.padEnd(24),
        String(p.clients).padStart(7),
        String(p.keys).padStart(5),
        String(p.windowMs).padStart(9),
        String(p.commitsPerSecond).padStart(10),
        String(p.txnUsP50).padStart(11),
        String(p.txnUsP99).padStart(11),
        String(p.commitUsP50).padStart(14),
        String(p.commitUsP99).padStart(14),
        p.abortRate.toFixed(4).padStart(11),
        p.fsyncsPerCommit.toFixed(3).padStart(14),
      ].join(' '),
    );
  }
}

async function main(): Promise<void> {
  console.log(`RMW transactions, ${SECONDS}s per point, node ${process.version}`);
  const rr = (clients: number, keys: number, windowMs: number): Workload => ({ clients, keys, windowMs, isolation: 'repeatable read', locks: false });
  const points: Point[] = [];
  for (const clients of [1, 8, 64]) points.push(await measure(rr(clients, KEYS, 0)));
  points.push(await measure({ ...rr(64, KEYS, 0), isolation: 'serializable' }));
  points.push(await measure(rr(64, 64, 0))); // hot keys: aborts and retries
  points.push(await measure({ ...rr(64, 64, 0), isolation: 'read committed', locks: true })); // hot keys, waits instead
  print(points);
  console.log('\ncommit latency against the group-commit window (64 clients)');
  const windowPoints: Point[] = [];
  for (const windowMs of [0, 0.5, 1, 2]) windowPoints.push(await measure(rr(64, KEYS, windowMs)));
  print(windowPoints);
}

await main();
