/**
 * Diagnostic for the governor sweep's read tail (issue 3): runs one budget of the sweep's load
 * (governor-sweep.ts: the same data set, options, batches and reads) and explains every read
 * slower than TRACE_FACTOR × p50 by what it did and what happened around it:
 *
 * - its phases, timed inside the engine (prototype wrappers, performance.now()): the table
 *   lookup (of it, the block pread of a block-cache miss) and the value-log read (of it, the
 *   record's pread); the rest of the get is "other";
 * - whether it missed the block cache, whether it was the first read after a batch's commit
 *   (the thread slept through the fsync), whether a V8 GC (perf_hooks 'gc') overlapped it;
 * - with TRACE_SCHED=1, whether the main thread left the CPU during it (schedstat timeslices);
 * - with TRACE_HOOKS=1, the async callbacks that ran on the event loop since the previous read
 *   (async_hooks: FSREQCALLBACK = an fsync or file write done, MESSAGEPORT = a worker's message,
 *   Timeout, Immediate…) and how long the longest one ran;
 * - engine log events (flush, compaction, GC start and end) since the previous read.
 *
 * - with TRACE_SUBPHASES=1, TableReader.get split into Bloom probe, fence search, block fetch
 *   and in-block seek; always: reads by tables probed and block-cache misses (a miss beyond the
 *   first is a Bloom false positive), and the block cache's buffer allocations.
 *
 * Every read is timed with process.hrtime.bigint(). Modes (TRACE_MODE, comma-separated; default
 * idle,batch,served): batch (the sweep's loop: a batch, awaited, then READS_PER_BATCH reads),
 * served (READS_PER_TURN reads per event-loop turn while each batch's commit is in flight), idle
 * (reads, no writes), sleep (idle reads in groups after a TRACE_SLEEP_MS sleep: the first read
 * after a wait with no engine work in it), spinwait (the same with TRACE_SLEEP_MS of CPU work on
 * private memory instead of the sleep), first (first-read-experiments.ts). Env:
 * TRACE_BUDGET_PCT (default 100 of TRACE_BASE_MBPS, default 40), TRACE_S (seconds per mode,
 * default 10), TRACE_FACTOR (default 2), TRACE_SYNC=relaxed. Diagnosis only, short runs:
 * TRACE_FIFO=1 puts the main thread at SCHED_FIFO (root), so other processes cannot preempt it;
 * TRACE_PIN=n pins it to CPU n; TRACE_RENICE=1 puts the process's other threads at nice 19 (last3: the three started last). Run: `npx tsx bench/kv/sweep-trace.ts`.
 */
import { createHook } from 'node:async_hooks';
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import type { StorageLogger } from '../../src/storage/options.js';
import { TableReader } from '../../src/storage/table-reader.js';
import { ValueLog } from '../../src/storage/value-log.js';
import { BlockIterator } from '../../src/storage/block.js';
import { FaultVfs } from '../../src/storage/index.js';
import type { BlockCache } from '../../src/storage/block-cache.js';
import { openStrataDb, type BenchEngine } from './engines.js';
import { nextBatch, oddKey, preload, READS_PER_BATCH, READS_PER_TURN, sweepOptions, valuePool } from './governor-sweep.js';
import { mainThreadSched } from './thread-sched.js';
import { CONTROL_FILE_BYTES, firstReadBatch, openControl, reportFirstReads } from './first-read-experiments.js';
import { report, type Read, type SubPhases } from './sweep-trace-report.js';

const BUDGET_PCT = Number(process.env.TRACE_BUDGET_PCT ?? 100);
const BASE_MBPS = Number(process.env.TRACE_BASE_MBPS ?? 40);
const SECONDS = Number(process.env.TRACE_S ?? 10);
const FACTOR = Number(process.env.TRACE_FACTOR ?? 2);
const MODES = (process.env.TRACE_MODE ?? 'idle,batch,served').split(',');
const SCHED = process.env.TRACE_SCHED === '1';
const HOOKS = process.env.TRACE_HOOKS === '1';
const SLEEP_MS = Number(process.env.TRACE_SLEEP_MS ?? 2);
const SUBPHASES = process.env.TRACE_SUBPHASES === '1';

/** Phase times of the read in progress (ms, performance.now()). */
const phase = { table: 0, tablePread: 0, vlog: 0, vlogPread: 0, where: 0, probes: 0 };
/** Reads by tables probed (TableReader.get calls), and by block fetches. */
const probeCounts = new Map<string, number>();

function patchPhases(): void {
  // The read path probes tables through findInto (get() wraps it).
  const findInto = TableReader.prototype.findInto;
  TableReader.prototype.findInto = function (this: TableReader, ...args: Parameters<TableReader['findInto']>) {
    const t = performance.now();
    phase.where = 1;
    phase.probes++;
    try {
      return findInto.apply(this, args);
    } finally {
      phase.where = 0;
      phase.table += performance.now() - t;
    }
  };
  const read = ValueLog.prototype.read;
  ValueLog.prototype.read = function (this: ValueLog, ...args: Parameters<ValueLog['read']>) {
    const t = performance.now();
    phase.where = 2;
    try {
      return read.apply(this, args);
    } finally {
      phase.where = 0;
      phase.vlog += performance.now() - t;
    }
  };
}

/** Sub-phases of TableReader.get (ms): Bloom probe, fence search, block fetch (cache or read), in-block seek. */
const sub = { bloom: 0, fence: 0, block: 0, seek: 0 };
const subFirst: SubPhases = { bloom: 0, fence: 0, block: 0, seek: 0, n: 0 };
const subLater: SubPhases = { bloom: 0, fence: 0, block: 0, seek: 0, n: 0 };

function timeMethod(proto: object, name: string, into: keyof typeof sub): void {
  const target = proto as Record<string, (...args: unknown[]) => unknown>;
  const original = target[name] as (...args: unknown[]) => unknown;
  target[name] = function (this: unknown, ...args: unknown[]): unknown {
    const t = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      sub[into] += performance.now() - t;
    }
  };
}

function patchSubPhases(): void {
  timeMethod(TableReader.prototype, 'mayContainHash', 'bloom');
  timeMethod(TableReader.prototype, 'findBlock', 'fence');
  timeMethod(TableReader.prototype, 'blockAt', 'block');
  timeMethod(BlockIterator.prototype, 'seek', 'seek');
}

/** Times the preads of every file opened through `vfs` (its FaultFile prototype). */
function patchPreads(fileProto: { readInto(offset: number, target: Uint8Array, targetOffset: number, length: number): number }): void {
  const readInto = fileProto.readInto;
  fileProto.readInto = function (this: unknown, offset: number, target: Uint8Array, targetOffset: number, length: number): number {
    const t = performance.now();
    const n = readInto.call(this, offset, target, targetOffset, length);
    const ms = performance.now() - t;
    if (phase.where === 1) phase.tablePread += ms;
    else if (phase.where === 2) phase.vlogPread += ms;
    return n;
  };
}


const gcEntries: PerformanceEntry[] = [];
new PerformanceObserver((list) => gcEntries.push(...list.getEntries())).observe({ entryTypes: ['gc'] });

const engineEvents: Array<{ at: number; text: string }> = [];
const logger: StorageLogger = {
  warn: (_fields, message) => engineEvents.push({ at: performance.now(), text: `${message}` }),
  info: (_fields, message) => engineEvents.push({ at: performance.now(), text: `${message}` }),
  debug: (_fields, message) => engineEvents.push({ at: performance.now(), text: `${message}` }),
};

/** async_hooks bookkeeping: resource types by id, callbacks seen since the last read. */
const types = new Map<number, string>();
let seen: string[] = [];
let longestUs = 0;
let callbackStart = 0;
let callbackType = '';
if (HOOKS) {
  createHook({
    init(asyncId, type) {
      if (type !== 'PROMISE') types.set(asyncId, type);
    },
    before(asyncId) {
      const type = types.get(asyncId);
      if (type === undefined) return;
      callbackType = type;
      callbackStart = performance.now();
    },
    after(asyncId) {
      if (!types.has(asyncId)) return;
      const us = (performance.now() - callbackStart) * 1000;
      seen.push(`${callbackType}:${us.toFixed(0)}`);
      if (us > longestUs) longestUs = us;
    },
    destroy(asyncId) {
      types.delete(asyncId);
    },
  }).enable();
}

let lastEvent = 0;

function timedRead(engine: BenchEngine, cache: BlockCache, first: boolean, out: Read[]): void {
  const key = oddKey();
  phase.table = phase.tablePread = phase.vlog = phase.vlogPread = 0;
  sub.bloom = sub.fence = sub.block = sub.seek = 0;
  phase.probes = 0;
  const misses = cache.misses;
  const slices = SCHED ? mainThreadSched()[2] : 0;
  const startMs = performance.now();
  const t = process.hrtime.bigint();
  engine.get(key);
  const us = Number(process.hrtime.bigint() - t) / 1000;
  const switched = SCHED && mainThreadSched()[2] !== slices;
  let events = '';
  while (lastEvent < engineEvents.length) events += `${engineEvents[lastEvent++]?.text}; `;
  out.push({
    startMs,
    us,
    tableUs: phase.table * 1000,
    tablePreadUs: phase.tablePread * 1000,
    vlogUs: phase.vlog * 1000,
    vlogPreadUs: phase.vlogPread * 1000,
    misses: cache.misses - misses,
    first,
    switched,
    callbacks: seen.join(' '),
    longestCallbackUs: longestUs,
    events,
  });
  seen = [];
  longestUs = 0;
  const probeKey = `${phase.probes} probes, ${cache.misses - misses} misses`;
  probeCounts.set(probeKey, (probeCounts.get(probeKey) ?? 0) + 1);
  const into = first ? subFirst : subLater;
  into.bloom += sub.bloom;
  into.fence += sub.fence;
  into.block += sub.block;
  into.seek += sub.seek;
  into.n++;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const spinBytes = new Uint8Array(16 * 1024);
/** CPU work on 16 KiB of private memory for `us` microseconds (no system call, no sleep). */
function spinFor(us: number): void {
  const end = performance.now() + us / 1000;
  let x = 0;
  while (performance.now() < end) for (let i = 0; i < spinBytes.length; i += 64) x += spinBytes[i] as number;
  spinBytes[0] = x & 1;
}

/** CPU time (user + system, ms) of each thread of this process so far, by "name/tid". */
function threadCpuMs(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${process.pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'latin1');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(`${name}/${tid}`, ((Number(fields[11]) + Number(fields[12])) * 1000) / 100);
    } catch {
      // The thread ended.
    }
  }
  return out;
}

/** TLB shootdown interrupts so far, summed over the CPUs (/proc/interrupts, TLB line; 0 without). */
function tlbShootdowns(): number {
  const line = readFileSync('/proc/interrupts', 'latin1').split('\n').find((l) => l.trimStart().startsWith('TLB:'));
  return line === undefined ? 0 : line.trim().split(/\s+/).slice(1).filter((f) => /^\d+$/.test(f)).reduce((sum, f) => sum + Number(f), 0);
}

async function main(): Promise<void> {
  patchPhases();
  if (SUBPHASES) patchSubPhases();
  const dir = mkdtempSync(join(tmpdir(), 'kvbench-strace-'));
  const { bench: engine, db } = await openStrataDb(dir, { ...sweepOptions((BUDGET_PCT / 100) * BASE_MBPS * 1e6), logger, ...(process.env.TRACE_SYNC === 'relaxed' ? { sync: 'relaxed' as const } : {}) });
  const cache = (db.engine as unknown as { cache: BlockCache }).cache;
  const vfs = (db.engine as unknown as { options: { vfs: FaultVfs } }).options.vfs;
  writeFileSync(join(dir, 'control.bin'), randomBytes(CONTROL_FILE_BYTES));
  openControl(join(dir, 'control.bin'));
  const pool = valuePool();
  await preload(engine, pool);
  // A file opened through the bench's FaultVfs: its prototype is every file's.
  const probe = vfs.openRead(join(dir, vfs.list(dir).find((name) => name.endsWith('.vlog')) ?? ''));
  patchPreads(Object.getPrototypeOf(probe));
  probe.close();
  if (process.env.TRACE_FIFO === '1') {
    // Diagnosis only: the main thread (not the threads started so far) at real-time priority, so
    // other processes cannot preempt it and what remains of the tail is the engine's and the
    // hardware's (interrupts, the hypervisor). Short runs only: it takes CPU from other tenants.
    execSync(`chrt -f -p 10 ${process.pid}`);
    console.log('main thread SCHED_FIFO 10');
  }
  if (process.env.TRACE_RENICE !== undefined) {
    // Diagnosis only: every other thread of this process (workers, the libuv pool) at nice 19,
    // or (TRACE_RENICE=last3) the three started last (the flush and compaction workers' threads).
    const others = readdirSync(`/proc/${process.pid}/task`).filter((tid) => tid !== String(process.pid));
    const tids = process.env.TRACE_RENICE === 'last3' ? others.sort((a, b) => Number(a) - Number(b)).slice(-3) : others;
    execSync(`renice -n 19 -p ${tids.join(' ')}`);
    console.log(`${tids.length} other threads at nice 19`);
  }
  if (process.env.TRACE_PIN !== undefined) {
    // The main thread only (threads started so far keep their affinity): CPU TRACE_PIN.
    execSync(`taskset -p -c ${process.env.TRACE_PIN} ${process.pid}`);
    console.log(`main thread pinned to CPU ${process.env.TRACE_PIN}`);
  }
  for (const mode of MODES) {
    const reads: Read[] = [];
    let written = 0;
    const shootdownsBefore = tlbShootdowns();
    const cpuBefore = threadCpuMs();
    const start = performance.now();
    while (performance.now() - start < SECONDS * 1000) {
      if (mode === 'idle' || mode === 'sleep' || mode === 'spinwait') {
        for (let i = 0; i < READS_PER_BATCH; i++) timedRead(engine, cache, i === 0, reads);
        if (mode === 'sleep') await new Promise((resolve) => setTimeout(resolve, SLEEP_MS));
        else if (mode === 'spinwait') spinFor(SLEEP_MS * 1000);
        else await tick();
        continue;
      }
      const { keys, values } = nextBatch(pool, written);
      written += keys.length;
      if (mode === 'batch') {
        await engine.putBatch(keys, values);
        for (let i = 0; i < READS_PER_BATCH; i++) timedRead(engine, cache, i === 0, reads);
        continue;
      }
      if (mode === 'first') {
        await firstReadBatch(engine, { keys, values }, written / keys.length - 1, reads, (first) => timedRead(engine, cache, first, reads));
        continue;
      }
      let committed = false;
      const commit = engine.putBatch(keys, values).then(() => {
        committed = true;
      });
      while (!committed) {
        for (let i = 0; i < READS_PER_TURN; i++) timedRead(engine, cache, i === 0, reads);
        await tick();
      }
      await commit;
    }
    await tick();
    report(`${mode} (budget ${BUDGET_PCT}%)`, reads, { factor: FACTOR, sched: SCHED, hooks: HOOKS, subphases: SUBPHASES, gcEntries, subFirst, subLater, probeCounts });
    const cpuAfter = threadCpuMs();
    const used = [...cpuAfter].map(([name, ms]) => [name, ms - (cpuBefore.get(name) ?? 0)] as const).filter(([, ms]) => ms >= 10);
    console.log(`  CPU ms by thread during the mode: ${used.map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(', ')}`);
    console.log(`  TLB shootdowns (both CPUs) during the mode: ${tlbShootdowns() - shootdownsBefore}, batches ${written / 50}`);
    console.log(`  block cache: buffers allocated so far ${cache.buffersAllocated}, hits ${cache.hits}, misses ${cache.misses}; L0 tables ${db.stats().levels[0]?.tables}`);
    if (mode === 'first') reportFirstReads();
  }
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
