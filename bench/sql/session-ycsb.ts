/**
 * The SQL layer's own cost of YCSB's statements, without sockets: sessions over the storage
 * engine (real files in a temporary directory, or the in-memory VFS) run the YCSB read (`SELECT *
 * … WHERE ycsb_key = $1`), update (`UPDATE … SET fieldN = $1 WHERE ycsb_key = $2`, autocommit) and
 * read-modify-write (`BEGIN` by simple query; the read; the update; `COMMIT`) through the same
 * prepare/bind/execute calls the wire server makes, and print µs per statement (elapsed, and CPU
 * of every thread: an update's commit includes its fsyncs on the thread pool). Run it under
 * `node --cpu-prof` (or `perf record` with `--perf-basic-prof`) to see where the time goes.
 *
 *   npx tsx bench/sql/session-ycsb.ts [records=20000] [statements=50000] [memory|disk]
 *       [ops=read,update,rmw] [sync=relaxed|full] [sessions=1] [rounds=1] [marks=1] [alloc=1]
 *
 * - `memory` runs the engine on the in-memory VFS: no file system at all, so the figures are the
 *   CPU of the code alone (an fsync is free there).
 * - `sync=full` acknowledges after the (group) fsync, as the server does by default; `relaxed`
 *   (the default here) measures the statement's CPU without the disk's fsync latency.
 * - `sessions=N` runs N sessions at once (as N connections: their commits share groups).
 * - `rounds=R` measures each operation R times, alternating (read, update, …, read, update, …),
 *   and prints every round and the median, so that noise from other processes shows.
 * - `marks=1` prints each measured window's process.hrtime (ns, the clock of `--cpu-prof`'s
 *   timestamps), so a profile can be cut to it.
 * - `alloc=1` then prints the JS heap bytes each operation allocates (allocated-bytes.ts: run
 *   under `node --min-semi-space-size=64 --max-semi-space-size=64 --import tsx …`).
 * - An rmw counts as one operation (four statements), as YCSB's F times it.
 * - CPU is printed for the main thread alone (Linux schedstat: the statement path, without the
 *   flush and compaction workers) and for every thread (process.cpuUsage); medians are the
 *   main thread's.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, MemoryVfs } from '../../src/storage/index.js';
import { Database } from '../../src/sql/index.js';
import type { VersionedKv } from '../../src/mvcc/index.js';
import type { Portal, PreparedStatement, SqlSession } from '../../src/sql/session-api.js';
import { ycsbKey } from '../ycsb/fnv-hash.js';
import { allocatedBytesPerOp } from './allocated-bytes.js';

const positional = process.argv.slice(2).filter((a) => !a.includes('='));
const named = new Map(process.argv.slice(2).filter((a) => a.includes('=')).map((a) => a.split('=', 2) as [string, string]));
const RECORDS = Number(named.get('records') ?? positional[0] ?? 20_000);
const STATEMENTS = Number(named.get('statements') ?? positional[1] ?? 50_000);
const IN_MEMORY = (named.get('engine') ?? positional[2]) === 'memory';
const OPS = (named.get('ops') ?? 'read,update,rmw').split(',');
const SYNC = named.get('sync') === 'full' ? 'full' : 'relaxed';
const SESSIONS = Number(named.get('sessions') ?? 1);
const ROUNDS = Number(named.get('rounds') ?? 1);
const MARKS = named.get('marks') === '1';
const ALLOC = named.get('alloc') === '1';
const FIELD = 'x'.repeat(100);

interface Statements {
  readonly session: SqlSession;
  readonly read: PreparedStatement;
  readonly update: PreparedStatement;
}

async function drain(portal: Portal): Promise<void> {
  void portal.fields;
  await portal.execute(0);
  portal.close();
}

/** BEGIN / COMMIT as the wire's simple query runs them (prepareBatch, bind, execute). */
async function simple(session: SqlSession, sql: string): Promise<void> {
  for (const statement of session.prepareBatch(sql)) await drain(session.bind(statement, [], [0], [0]));
}

/** CPU time of the main thread alone (ns, from schedstat): without flush and compaction workers. */
function mainThreadCpuNs(): number {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'latin1').split(' ')[0]);
  } catch {
    return 0;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-session-bench-'));
  const engine = await Engine.open(dir, { sync: SYNC, ...(IN_MEMORY ? { vfs: new MemoryVfs() } : {}) });
  const db = await Database.open(engine as unknown as VersionedKv);
  const fields = Array.from({ length: 10 }, (_v, i) => `field${i}`);
  await db.query(`CREATE TABLE usertable (ycsb_key VARCHAR(255) PRIMARY KEY, ${fields.map((f) => `${f} TEXT`).join(', ')})`);
  for (let i = 0; i < RECORDS; i += 500) {
    const rows: string[] = [];
    for (let j = i; j < Math.min(RECORDS, i + 500); j++) rows.push(`('${ycsbKey(j)}', ${fields.map(() => `'${FIELD}'`).join(', ')})`);
    await db.query(`INSERT INTO usertable VALUES ${rows.join(', ')}`);
  }
  const all: Statements[] = [];
  for (let s = 0; s < SESSIONS; s++) {
    // encodedText: as the wire server opens sessions (text columns leave as views of their stored bytes).
    const session = db.openSession({ user: 'postgres', database: 'postgres', applicationName: 'bench', backendPid: s + 1, settings: new Map(), encodedText: true });
    const read = session.prepare('SELECT * FROM usertable WHERE ycsb_key = $1', []);
    const update = session.prepare('UPDATE usertable SET field3 = $1 WHERE ycsb_key = $2', []);
    all.push({ session, read, update });
  }
  const keys = Array.from({ length: RECORDS }, (_v, i) => Buffer.from(ycsbKey(i)));
  const value = Buffer.from('y'.repeat(100));
  const key = (i: number): Buffer => keys[(i * 7919) % RECORDS] as Buffer;
  const operations: Record<string, (st: Statements, i: number) => Promise<void>> = {
    read: (st, i) => drain(st.session.bind(st.read, [key(i)], [0], [0])),
    update: (st, i) => drain(st.session.bind(st.update, [value, key(i)], [0, 0], [0])),
    rmw: async (st, i) => {
      await simple(st.session, 'BEGIN');
      await drain(st.session.bind(st.read, [key(i)], [0], [0]));
      await drain(st.session.bind(st.update, [value, key(i)], [0, 0], [0]));
      await simple(st.session, 'COMMIT');
    },
  };
  const perSession = Math.ceil(STATEMENTS / SESSIONS);
  const runAll = async (fn: (st: Statements, i: number) => Promise<void>, count: number): Promise<void> => {
    await Promise.all(
      all.map(async (st, s) => {
        for (let i = 0; i < count; i++) await fn(st, s * perSession + i);
      }),
    );
  };
  const cpuUs: Record<string, number[]> = {};
  for (const op of OPS) {
    const fn = operations[op];
    if (fn === undefined) throw new Error(`unknown op ${op} (read, update, rmw)`);
    await runAll(fn, Math.ceil(2000 / SESSIONS));
    cpuUs[op] = [];
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const op of OPS) {
      const start = process.hrtime.bigint();
      const cpuStart = process.cpuUsage();
      const mainStart = mainThreadCpuNs();
      await runAll(operations[op] as (st: Statements, i: number) => Promise<void>, perSession);
      const ns = Number(process.hrtime.bigint() - start);
      const cpu = process.cpuUsage(cpuStart);
      const n = perSession * SESSIONS;
      const us = (cpu.user + cpu.system) / n;
      const mainUs = (mainThreadCpuNs() - mainStart) / n / 1000;
      (cpuUs[op] as number[]).push(mainUs);
      if (MARKS) console.log(`window ${op} ${start} ${process.hrtime.bigint()}`);
      console.log(`${op.padEnd(8)} ${(ns / n / 1000).toFixed(1)} µs/op elapsed, CPU ${mainUs.toFixed(1)} µs main thread, ${us.toFixed(1)} µs every thread`);
    }
  }
  if (ROUNDS > 1) for (const op of OPS) console.log(`median ${op.padEnd(8)} ${median(cpuUs[op] as number[]).toFixed(1)} µs CPU main thread`);
  if (ALLOC) {
    const perWindow = Math.max(1, Math.floor(200 / SESSIONS));
    for (const op of OPS) {
      const fn = operations[op] as (st: Statements, i: number) => Promise<void>;
      const bytes = await allocatedBytesPerOp((count) => runAll(fn, count), perWindow);
      console.log(`alloc  ${op.padEnd(8)} ${(bytes / SESSIONS).toFixed(0)} bytes/op`);
    }
  }
  for (const st of all) await st.session.close();
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
