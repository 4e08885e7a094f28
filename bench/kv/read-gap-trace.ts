/**
 * Diagnostic for the sustained bench's "longest read gap" (issue 3): runs the same ingest and the
 * same busy phases as sustained.ts (catch-up, then a full compaction + GC, with READ_GROUP gets
 * per event-loop turn) and explains every gap between two read turns longer than GAP_MS_MIN:
 *
 * - wall: the gap; cpu: time the main thread ran on a CPU; runq: time it was runnable but waited
 *   for a CPU (starvation by other threads or processes); blocked = wall − cpu − runq: time it
 *   slept (synchronous I/O, a lock, or a V8 GC waiting for its helper threads). From
 *   thread-sched.ts, read on every turn.
 * - With TRACE_THREADS=1, the same sums over every thread of the process (V8's GC helpers, the
 *   libuv pool, the workers): a GC pause that blocks the main thread while its helper threads
 *   wait for a CPU shows there.
 * - With TRACE_WCHAN=1, what the main thread slept on (see SAMPLER below).
 * - V8 garbage-collection pauses (perf_hooks 'gc' entries) that overlap the gap.
 * - Engine log lines (flush, compaction, GC start and end) logged within the gap.
 * - The load average when the gap was seen.
 *
 * Env: TRACE_MODE (separated | tree, default separated), TRACE_S (ingest seconds, default 30),
 * TRACE_KEYS (default 20000), TRACE_GAP_MS (default 40), TRACE_PROFILE=1 (a CPU profile of the main
 * thread over the busy phases: the functions with the most self time are printed). Run: `npx tsx bench/kv/read-gap-trace.ts`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { EngineOptions } from '../../src/storage/index.js';
import type { StorageLogger } from '../../src/storage/options.js';
import { openStrata, type BenchEngine } from './engines.js';
import { mainThreadSched } from './thread-sched.js';

const MODE = process.env.TRACE_MODE ?? 'separated';
const SECONDS = Number(process.env.TRACE_S ?? 30);
const KEYS = Number(process.env.TRACE_KEYS ?? 20_000);
const GAP_MS_MIN = Number(process.env.TRACE_GAP_MS ?? 40);
const KEY_BYTES = 16;
const VALUE_BYTES = 4096;
const BATCH = 100;
const READ_GROUP = 10;

const OPTIONS: EngineOptions = MODE === 'tree' ? { valueThreshold: Infinity } : { valueThreshold: 1024, vlogSegmentBytesMax: 32 * 1024 * 1024 };

const events: Array<{ at: number; text: string }> = [];
const logger: StorageLogger = {
  warn: (fields, message) => events.push({ at: performance.now(), text: `${message} ${JSON.stringify(fields)}` }),
  info: (fields, message) => events.push({ at: performance.now(), text: `${message} ${JSON.stringify(fields)}` }),
  debug: (fields, message) => events.push({ at: performance.now(), text: `${message} ${JSON.stringify(fields)}` }),
};

/** Sum over every thread of this process of [ns on a CPU, ns on the run queue] (TRACE_THREADS=1). */
function allThreadsSched(): [number, number] {
  let run = 0;
  let wait = 0;
  for (const tid of readdirSync(`/proc/${process.pid}/task`)) {
    try {
      const [r, w] = readFileSync(`/proc/${process.pid}/task/${tid}/schedstat`, 'latin1').split(' ');
      run += Number(r);
      wait += Number(w);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return [run, wait];
}
const TRACE_THREADS = process.env.TRACE_THREADS === '1';

/**
 * TRACE_WCHAN=1: a sampler thread reads the main thread's state, kernel wait channel and current
 * system call every millisecond (/proc/<pid>/task/<pid>/{stat,wchan,syscall}), so a gap in which
 * the main thread slept shows what it slept on (a futex: waiting for another thread, e.g. a V8 GC
 * helper; a file system call: blocking I/O).
 */
const SAMPLER = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const base = '/proc/' + workerData.pid + '/task/' + workerData.pid + '/';
const samples = [];
const read = (name) => { try { return readFileSync(base + name, 'latin1').trim(); } catch { return '?'; } };
const timer = setInterval(() => {
  const stat = read('stat');
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  if (state !== 'R') samples.push([performance.timeOrigin + performance.now(), state, read('wchan'), read('syscall').split(' ')[0]]);
}, 1);
parentPort.on('message', () => { clearInterval(timer); parentPort.postMessage(samples); });
`;
const sampler = process.env.TRACE_WCHAN === '1' ? new Worker(SAMPLER, { eval: true, workerData: { pid: process.pid } }) : undefined;
/** [absolute ms, state, wchan, syscall number] of the main thread while it was not running. */
let wchanSamples: Array<[number, string, string, string]> = [];

const gcPauses: PerformanceEntry[] = [];
new PerformanceObserver((list) => gcPauses.push(...list.getEntries())).observe({ entryTypes: ['gc'] });

const keyOf = (i: number): Uint8Array => Buffer.from(String(i).padStart(KEY_BYTES, '0'));

interface Gap {
  phase: string;
  start: number;
  wallMs: number;
  cpuMs: number;
  runqMs: number;
  /** Every thread of the process (TRACE_THREADS=1): CPU and run-queue ms during the gap. */
  processCpuMs: number;
  processRunqMs: number;
  load: string;
}
const gaps: Gap[] = [];

async function readWhile(phase: string, engine: BenchEngine, work: Promise<void>): Promise<number> {
  let done = false;
  const finished = work.then(() => {
    done = true;
  });
  let gapMax = 0;
  let last = performance.now();
  let [lastRun, lastWait] = mainThreadSched();
  let [lastAllRun, lastAllWait] = TRACE_THREADS ? allThreadsSched() : [0, 0];
  while (!done) {
    for (let i = 0; i < READ_GROUP; i++) engine.get(keyOf(Math.floor(Math.random() * KEYS)));
    await new Promise((resolve) => setImmediate(resolve));
    const now = performance.now();
    const [run, wait] = mainThreadSched();
    const [allRun, allWait] = TRACE_THREADS ? allThreadsSched() : [0, 0];
    const wallMs = now - last;
    gapMax = Math.max(gapMax, wallMs);
    if (wallMs >= GAP_MS_MIN) {
      const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
      const processCpuMs = (allRun - lastAllRun) / 1e6;
      gaps.push({ phase, start: last, wallMs, cpuMs: (run - lastRun) / 1e6, runqMs: (wait - lastWait) / 1e6, processCpuMs, processRunqMs: (allWait - lastAllWait) / 1e6, load });
    }
    last = now;
    lastRun = run;
    lastWait = wait;
    lastAllRun = allRun;
    lastAllWait = allWait;
  }
  await finished;
  return gapMax;
}

interface Profile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** performance.now() in the profiler's clock (µs of CLOCK_MONOTONIC, as process.hrtime). */
const clockOffsetUs = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;

function frameName(frame: Profile['nodes'][number]['callFrame'] | undefined): string {
  return frame === undefined ? '?' : `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
}

/** Per gap: the storage functions (inclusive time) and the top self-time frames sampled in it. */
function explainGaps(profile: Profile): Map<Gap, string[]> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const out = new Map<Gap, string[]>();
  for (const gap of gaps) {
    const from = clockOffsetUs + gap.start * 1000;
    const to = from + gap.wallMs * 1000;
    const self = new Map<string, number>();
    const inclusive = new Map<string, number>();
    let t = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      t += profile.timeDeltas[i] ?? 0;
      if (t < from || t > to) continue;
      const dt = profile.timeDeltas[i + 1] ?? 0;
      let id: number | undefined = profile.samples[i] as number;
      const leaf = frameName(byId.get(id)?.callFrame);
      self.set(leaf, (self.get(leaf) ?? 0) + dt);
      const seen = new Set<string>();
      for (; id !== undefined; id = parent.get(id)) {
        const frame = byId.get(id)?.callFrame;
        if (frame === undefined || !frame.url.includes('/storage/')) continue;
        const name = frameName(frame);
        if (seen.has(name)) continue;
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
      }
    }
    const top = (m: Map<string, number>, n: number): string => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, us]) => `${(us / 1000).toFixed(1)} ${name}`).join('; ');
    out.set(gap, [`  self: ${top(self, 6)}`, `  storage (inclusive): ${top(inclusive, 8)}`]);
  }
  return out;
}

/** Self time per function (top 25) of a CPU profile. */
function printProfile(profile: Profile): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i] as number);
    const frame = node?.callFrame;
    const name = frameName(frame);
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    self.set(name, (self.get(name) ?? 0) + us);
  }
  console.log(`main-thread CPU profile over the busy phases: ${(total / 1000).toFixed(0)} ms sampled`);
  for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${(us / 1000).toFixed(1).padStart(8)} ms  ${name}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kvbench-gaptrace-'));
  const engine = await openStrata(dir, { ...OPTIONS, logger });
  const value = Buffer.allocUnsafe(VALUE_BYTES);
  const start = performance.now();
  let ops = 0;
  while (performance.now() - start < SECONDS * 1000) {
    const batchKeys: Uint8Array[] = [];
    const values: Uint8Array[] = [];
    for (let i = 0; i < BATCH; i++) {
      batchKeys.push(keyOf(Math.floor(Math.random() * KEYS)));
      value.writeUInt32LE(ops + i, 0);
      values.push(Buffer.from(value));
    }
    await engine.putBatch(batchKeys, values);
    ops += BATCH;
  }
  const session = process.env.TRACE_PROFILE === '1' ? new Session() : undefined;
  if (session !== undefined) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
  }
  console.log('busy phases start');
  const phaseStart = performance.now();
  const catchUp = await readWhile('catch-up', engine, engine.settle?.() ?? Promise.resolve());
  const full = await readWhile('full compaction', engine, engine.compact?.() ?? Promise.resolve());
  const busyMs = performance.now() - phaseStart;
  console.log('busy phases end');
  let explained = new Map<Gap, string[]>();
  if (session !== undefined) {
    const profile = (await session.post('Profiler.stop')).profile as Profile;
    printProfile(profile);
    explained = explainGaps(profile);
  }
  // The same reads for as long, idle (everything settled): V8 GC of the reads themselves.
  await engine.settle?.();
  const idleStart = performance.now();
  const idleGcFrom = gcPauses.length;
  const idleGap = await readWhile('idle', engine, new Promise((resolve) => setTimeout(resolve, busyMs)));
  const idleGc = gcPauses.slice(idleGcFrom);
  console.log(
    `idle reads for ${(performance.now() - idleStart).toFixed(0)} ms: longest gap ${idleGap.toFixed(1)} ms; V8 GC ${idleGc.length} pauses, ${idleGc.reduce((sum, g) => sum + g.duration, 0).toFixed(0)} ms total, ` +
      `${idleGc.filter((g) => (g as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind !== 1).length} of them major or incremental`,
  );
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
  if (sampler !== undefined) {
    wchanSamples = await new Promise((resolve) => {
      sampler.once('message', resolve);
      sampler.postMessage('stop');
    });
    await sampler.terminate();
  }
  console.log(`mode ${MODE}: ingest ${SECONDS} s, ${ops} puts; busy phases ${busyMs.toFixed(0)} ms; longest gap catch-up ${catchUp.toFixed(1)} ms, full ${full.toFixed(1)} ms`);
  const gcTotal = gcPauses.filter((g) => g.startTime >= phaseStart && g.startTime <= phaseStart + busyMs);
  const gcMax = gcTotal.reduce((max, g) => Math.max(max, g.duration), 0);
  console.log(`V8 GC during the busy phases: ${gcTotal.length} pauses, ${gcTotal.reduce((s, g) => s + g.duration, 0).toFixed(0)} ms total, longest ${gcMax.toFixed(1)} ms, ${gcTotal.filter((g) => (g as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind !== 1).length} of them major or incremental`);
  for (const gap of gaps) {
    const end = gap.start + gap.wallMs;
    const blocked = gap.wallMs - gap.cpuMs - gap.runqMs;
    console.log(
      `\ngap ${gap.wallMs.toFixed(1)} ms in ${gap.phase} at +${(gap.start - phaseStart).toFixed(0)} ms: main thread cpu ${gap.cpuMs.toFixed(1)} ms, run-queue wait ${gap.runqMs.toFixed(1)} ms, blocked ${blocked.toFixed(1)} ms; all threads: cpu ${gap.processCpuMs.toFixed(1)} ms, run-queue wait ${gap.processRunqMs.toFixed(1)} ms; load ${gap.load}`,
    );
    for (const g of gcPauses) {
      if (g.startTime < end && g.startTime + g.duration > gap.start) {
        const detail = (g as PerformanceEntry & { detail?: { kind?: number } }).detail;
        console.log(`  V8 GC kind ${detail?.kind ?? '?'} ${g.duration.toFixed(1)} ms at +${(g.startTime - gap.start).toFixed(1)} ms`);
      }
    }
    for (const line of explained.get(gap) ?? []) console.log(line);
    const from = performance.timeOrigin + gap.start;
    const waits = new Map<string, number>();
    for (const [at, state, wchan, syscall] of wchanSamples) {
      if (at < from || at > from + gap.wallMs) continue;
      const name = `${state} ${wchan} syscall ${syscall}`;
      waits.set(name, (waits.get(name) ?? 0) + 1);
    }
    if (waits.size > 0) console.log(`  main thread not running (1 ms samples): ${[...waits].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${n}× ${name}`).join('; ')}`);
    for (const e of events) if (e.at >= gap.start - 5 && e.at <= end + 5) console.log(`  log at +${(e.at - gap.start).toFixed(1)} ms: ${e.text.slice(0, 200)}`);
  }
}

await main();
