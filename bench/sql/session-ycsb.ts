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
 * - `heapprof=DIR` then samples allocations (V8's sampling heap profiler, every 64 bytes on
 *   average, collected objects included) over 5,000 more of each operation and writes
 *   `DIR/<op>.heapprofile` (open in Chrome DevTools, or `bench/sql/heap-profile-summary.ts`).
 * - An rmw counts as one operation (four statements), as YCSB's F times it.
 * - CPU is printed for the main thread alone (Linux schedstat: the statement path, without the
 *   flush and compaction workers) and for every thread (process.cpuUsage); medians are the
 *   main thread's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, MemoryVfs } from '../../src/storage/index.js';
import { Database } from '../../src/sql/index.js';
import type { VersionedKv } from '../../src/mvcc/index.js';
import { loadUsertable, mainThreadCpuNs, median, openYcsbSession, ycsbOperations, type YcsbOperation, type YcsbStatements } from './ycsb-sessions.js';
import { allocatedBytesPerOp } from './allocated-bytes.js';
import { sampleAllocations } from './allocation-sampler.js';

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
const HEAP_PROFILE_DIR = named.get('heapprof');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-session-bench-'));
  const engine = await Engine.open(dir, { sync: SYNC, ...(IN_MEMORY ? { vfs: new MemoryVfs() } : {}) });
  const db = await Database.open(engine as unknown as VersionedKv);
  await loadUsertable(db, RECORDS);
  const all: YcsbStatements[] = [];
  for (let s = 0; s < SESSIONS; s++) all.push(openYcsbSession(db, s + 1));
  const operations: Record<string, YcsbOperation> = ycsbOperations(RECORDS);
  const perSession = Math.ceil(STATEMENTS / SESSIONS);
  const runAll = async (fn: YcsbOperation, count: number): Promise<void> => {
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
      await runAll(operations[op] as YcsbOperation, perSession);
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
      const fn = operations[op] as YcsbOperation;
      const bytes = await allocatedBytesPerOp((count) => runAll(fn, count), perWindow);
      console.log(`alloc  ${op.padEnd(8)} ${(bytes / SESSIONS).toFixed(0)} bytes/op`);
    }
  }
  if (HEAP_PROFILE_DIR !== undefined) {
    for (const op of OPS) {
      const fn = operations[op] as YcsbOperation;
      const file = join(HEAP_PROFILE_DIR, `${op}.heapprofile`);
      await sampleAllocations(() => runAll(fn, Math.ceil(5000 / SESSIONS)), file);
      console.log(`heap profile ${op.padEnd(8)} ${file} (${Math.ceil(5000 / SESSIONS) * SESSIONS} operations)`);
    }
  }
  for (const st of all) await st.session.close();
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
