/**
 * CPU and allocation of YCSB's foreground operations below the SQL layer, in one process: the
 * storage engine alone (`kv`: Engine.get at visibleTs, a one-key Engine.commit) and transactions
 * over it (`txn`: a READ COMMITTED read that commits without a promise, a one-key put + commit,
 * and `rmw`: read, newStatement, put, commit). Prints, per operation, main-thread CPU µs (Linux
 * schedstat) and bytes allocated on the JS heap per operation. (bench/sql/session-ycsb.ts runs
 * the same statements through SQL sessions.)
 *
 *   node --expose-gc --min-semi-space-size=128 --max-semi-space-size=128 --import tsx \
 *     bench/kv/engine-ycsb.ts [layer=kv|txn] [engine=memory|disk] [sync=full|relaxed]
 *     [records=20000] [statements=20000] [rounds=5] [ops=read,update(,rmw for txn)] [sessions=1]
 *     [value=1100] [profile=OP]
 *
 * - Bytes per op are the heap growth over a window in which no garbage collection ran (a GC
 *   before each window, a young generation large enough for the window: the semi-space flags
 *   above); a window that saw a GC prints `gc` instead of a byte count. Windows alternate
 *   between operations (rounds) and the medians are printed at the end.
 * - `profile=OP` samples the allocations of OP's first window (inspector's sampling heap profiler,
 *   every 64 bytes; nothing is collected inside a window) and prints the top allocation sites.
 * - `value=N`: bytes of each value at the kv and txn layers (default 1,100: above the default value
 *   threshold, so values live in the value log; the SQL layer's YCSB rows encode below it and stay
 *   inline: `value=1000` mimics them).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector';
import { PerformanceObserver } from 'node:perf_hooks';
import { Engine, MemoryVfs } from '../../src/storage/index.js';
import { TxnKv, type VersionedKv } from '../../src/mvcc/index.js';
import { ycsbKey } from '../ycsb/fnv-hash.js';

const named = new Map(process.argv.slice(2).filter((a) => a.includes('=')).map((a) => a.split('=', 2) as [string, string]));
const LAYER = named.get('layer') ?? 'kv';
const IN_MEMORY = (named.get('engine') ?? 'memory') === 'memory';
const SYNC = named.get('sync') === 'relaxed' ? 'relaxed' : 'full';
const RECORDS = Number(named.get('records') ?? 20_000);
const STATEMENTS = Number(named.get('statements') ?? 20_000);
const ROUNDS = Number(named.get('rounds') ?? 5);
const SESSIONS = Number(named.get('sessions') ?? 1);
const OPS = (named.get('ops') ?? 'read,update').split(',');
const PROFILE = named.get('profile');
const VALUE_BYTES = Number(named.get('value') ?? 1100);

type Operation = (i: number) => Promise<void> | void;

/** Start times (performance.now() ms) of every garbage collection (entries arrive asynchronously). */
const gcStartsMs: number[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcStartsMs.push(entry.startTime);
}).observe({ entryTypes: ['gc'] });

function mainThreadCpuNs(): number {
  return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'latin1').split(' ')[0]);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const keys = Array.from({ length: RECORDS }, (_v, i) => Buffer.from(ycsbKey(i)));
const keyOf = (i: number): Buffer => keys[(i * 7919) % RECORDS] as Buffer;

async function kvLayer(engine: Engine): Promise<Record<string, Operation>> {
  const value = Buffer.alloc(VALUE_BYTES, 0x78);
  for (let i = 0; i < RECORDS; i += 500) {
    const writes = [];
    for (let j = i; j < Math.min(RECORDS, i + 500); j++) writes.push({ key: keys[j] as Buffer, value });
    await engine.commit(writes, engine.lastTs() + 1);
  }
  return {
    read: (i) => void engine.get(keyOf(i), engine.visibleTs()),
    update: (i) => engine.commit([{ key: keyOf(i), value }], engine.lastTs() + 1),
  };
}

async function txnLayer(engine: Engine): Promise<Record<string, Operation>> {
  const db = new TxnKv(engine as unknown as VersionedKv);
  const value = Buffer.alloc(VALUE_BYTES, 0x78);
  for (let i = 0; i < RECORDS; i += 500) {
    const txn = db.begin();
    for (let j = i; j < Math.min(RECORDS, i + 500); j++) txn.put(keys[j] as Buffer, value);
    await txn.commit();
  }
  return {
    read: (i) => {
      const txn = db.begin({ isolation: 'read committed' });
      txn.get(keyOf(i));
      txn.commitIfNoWrites();
    },
    update: (i) => {
      const txn = db.begin({ isolation: 'read committed' });
      txn.put(keyOf(i), value);
      return txn.commit();
    },
    rmw: async (i) => {
      const txn = db.begin({ isolation: 'read committed' });
      txn.get(keyOf(i));
      txn.newStatement();
      txn.put(keyOf(i), value);
      await txn.commit();
    },
  };
}

interface SamplingNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly SamplingNode[];
}

function post<T>(session: Session, method: string, params: object = {}): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params, (error, result) => (error === null ? resolve(result as T) : reject(error))));
}

/** Prints the sampled bytes per op of the top allocation sites (function, with its caller). */
function printSites(root: SamplingNode, count: number): void {
  const sites = new Map<string, number>();
  const visit = (node: SamplingNode, caller: string): void => {
    const frame = node.callFrame;
    const here = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/(src|bench|node_modules)\//, '$1/')}:${frame.lineNumber + 1}`;
    const site = `${here} <- ${caller}`;
    if (node.selfSize > 0) sites.set(site, (sites.get(site) ?? 0) + node.selfSize);
    for (const child of node.children) visit(child, here);
  };
  visit(root, '');
  const top = [...sites].sort((a, b) => b[1] - a[1]).slice(0, 25);
  for (const [site, size] of top) console.log(`  ${(size / count).toFixed(0).padStart(6)} B/op  ${site}`);
}

/** Runs `count` operations on each of SESSIONS concurrent callers (sessions share commit groups). */
async function runAll(op: Operation, count: number, base: number): Promise<void> {
  const callers: Promise<void>[] = [];
  for (let s = 0; s < SESSIONS; s++) {
    callers.push(
      (async () => {
        for (let i = 0; i < count; i++) {
          const done = op(base + s * count + i);
          if (done !== undefined) await done;
        }
      })(),
    );
  }
  await Promise.all(callers);
}

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc (see the header)');
  const dir = mkdtempSync(join(tmpdir(), 'strata-engine-ycsb-'));
  const engine = await Engine.open(dir, { sync: SYNC, ...(IN_MEMORY ? { vfs: new MemoryVfs() } : {}) });
  const layers: Record<string, (engine: Engine) => Promise<Record<string, Operation>>> = { kv: kvLayer, txn: txnLayer };
  const makeLayer = layers[LAYER];
  if (makeLayer === undefined) throw new Error(`unknown layer ${LAYER} (kv, txn)`);
  const operations = await makeLayer(engine);
  const perCaller = Math.ceil(STATEMENTS / SESSIONS);
  const cpuUs: Record<string, number[]> = {};
  const bytes: Record<string, number[]> = {};
  for (const op of OPS) {
    const fn = operations[op];
    if (fn === undefined) throw new Error(`unknown op ${op} for layer ${LAYER}`);
    await runAll(fn, Math.ceil(2000 / SESSIONS), 0); // warm up
    cpuUs[op] = [];
    bytes[op] = [];
  }
  let base = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const op of OPS) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
      const session = PROFILE === op && round === 0 ? new Session() : undefined;
      if (session !== undefined) {
        session.connect();
        await post(session, 'HeapProfiler.startSampling', { samplingInterval: 64, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      }
      const startMs = performance.now();
      const heapStart = process.memoryUsage().heapUsed;
      const mainStart = mainThreadCpuNs();
      await runAll(operations[op] as Operation, perCaller, base);
      const mainUs = (mainThreadCpuNs() - mainStart) / 1000 / (perCaller * SESSIONS);
      const grown = (process.memoryUsage().heapUsed - heapStart) / (perCaller * SESSIONS);
      const endMs = performance.now();
      if (session !== undefined) {
        const { profile } = await post<{ profile: { head: SamplingNode } }>(session, 'HeapProfiler.stopSampling');
        printSites(profile.head, perCaller * SESSIONS);
        session.disconnect();
      }
      base += perCaller * SESSIONS;
      await new Promise((resolve) => setTimeout(resolve, 5)); // GC entries are delivered asynchronously
      const clean = !gcStartsMs.some((ms) => ms >= startMs && ms <= endMs);
      (cpuUs[op] as number[]).push(mainUs);
      if (clean) (bytes[op] as number[]).push(grown);
      console.log(`${LAYER} ${op.padEnd(7)} CPU ${mainUs.toFixed(2)} µs main thread, ${clean ? `${grown.toFixed(0)} B/op` : 'gc'}`);
    }
  }
  for (const op of OPS) {
    const b = bytes[op] as number[];
    console.log(`median ${LAYER} ${op.padEnd(7)} ${median(cpuUs[op] as number[]).toFixed(2)} µs CPU main thread, ${b.length === 0 ? '-' : median(b).toFixed(0)} B/op`);
  }
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
