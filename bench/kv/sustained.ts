/**
 * Sustained 4 KiB ingest (issue 3, bench): random overwrites of a fixed key space for a fixed
 * time, fsynced batches, with compaction and value-log GC running — separated values vs
 * values-in-tree (valueThreshold = Infinity) in the same run. Reports MB/s, write amplification
 * (engine accounting and the process's write() bytes), space amplification after settling, the
 * read p99 while background work runs vs idle, and the longest write stall.
 *
 * Read latency is compared like with like: the same foreground pattern (READ_GROUP gets, then a
 * turn of the event loop) while background work runs flat out (unthrottled) — the compactions and
 * GC the ingest left due, then a full compaction + GC — and once everything has settled (idle). The longest gap between two read turns while it runs is
 * the longest foreground stall. The p99 of gets issued between the ingest's write batches is
 * printed too (those also pay for the foreground writes themselves: cold caches after each batch).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineOptions } from '../../src/storage/index.js';
import { openStrata, type BenchEngine } from './engines.js';
import { diskBytes, wcharBytes } from './io-bytes.js';
import { mainThreadSched } from './thread-sched.js';

const KEY_BYTES = 16;
const VALUE_BYTES = 4096;
const BATCH = 100;
const GETS_PER_BATCH = 10;
const READ_GROUP = 10;
const IDLE_GETS = 20_000;

export interface SustainedResult {
  readonly mode: string;
  readonly seconds: number;
  readonly mbPerSec: number;
  readonly engineWriteAmp: number;
  readonly osWriteAmp: number;
  readonly spaceAmp: number;
  /** Gets between the ingest's write batches. */
  readonly ingestUsP99: number;
  /** Gets while a full compaction + GC runs flat out, and the same gets idle. */
  readonly busyUsP99: number;
  readonly idleUsP99: number;
  readonly busySamples: number;
  /** Longest gap between two read turns while the compaction + GC ran. */
  readonly readGapMsMax: number;
  /** Of that gap: time the event loop's thread was runnable but waited for a CPU, and time it ran. */
  readonly readGapRunQueueMs: number;
  readonly readGapCpuMs: number;
  /** The same for the idle reads (no background work): the machine's own share of the gaps. */
  readonly idleReadGapMsMax: number;
  readonly busyGcRuns: number;
  readonly stallMsMax: number;
  readonly compactions: number;
  readonly gcRuns: number;
}

function p99(samples: number[]): number {
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.floor(sorted.length * 0.99)] ?? 0;
}

const keyOf = (i: number): Uint8Array => Buffer.from(String(i).padStart(KEY_BYTES, '0'));

/** READ_GROUP timed gets of random keys; appends microseconds to `out`. */
function readGroup(engine: BenchEngine, keys: number, out: number[]): void {
  for (let i = 0; i < READ_GROUP; i++) {
    const key = keyOf(Math.floor(Math.random() * keys));
    const t = performance.now();
    engine.get(key);
    out.push((performance.now() - t) * 1000);
  }
}

/**
 * The longest gap between two read turns, and of it the time the event loop's thread waited on
 * the run queue for a CPU and the time it ran (thread-sched.ts); call turn() after each turn.
 */
class GapMeter {
  gapMsMax = 0;
  gapRunQueueMs = 0;
  gapCpuMs = 0;
  private last = performance.now();
  private lastSched = mainThreadSched();

  turn(): void {
    const now = performance.now();
    const sched = mainThreadSched();
    if (now - this.last > this.gapMsMax) {
      this.gapMsMax = now - this.last;
      this.gapRunQueueMs = (sched[1] - this.lastSched[1]) / 1e6;
      this.gapCpuMs = (sched[0] - this.lastSched[0]) / 1e6;
    }
    this.last = now;
    this.lastSched = sched;
  }
}

/** Read groups, one per event-loop turn, until `work` settles; the gets and the gaps. */
async function readWhile(engine: BenchEngine, keys: number, work: Promise<void>): Promise<{ samples: number[]; gaps: GapMeter }> {
  let done = false;
  const finished = work.then(() => {
    done = true;
  });
  const samples: number[] = [];
  const gaps = new GapMeter();
  while (!done) {
    readGroup(engine, keys, samples);
    await new Promise((resolve) => setImmediate(resolve));
    gaps.turn();
  }
  await finished;
  return { samples, gaps };
}

/** Runs one mode for `seconds` over `keys` keys. */
export async function sustainedIngest(mode: string, options: EngineOptions, seconds: number, keys: number): Promise<SustainedResult> {
  const dir = mkdtempSync(join(tmpdir(), 'kvbench-sustained-'));
  const engine = await openStrata(dir, options);
  const value = Buffer.allocUnsafe(VALUE_BYTES);
  const written = new Set<number>();
  const busy: number[] = [];
  const wcharBefore = wcharBytes();
  const start = performance.now();
  let ops = 0;
  while (performance.now() - start < seconds * 1000) {
    const batchKeys: Uint8Array[] = [];
    const values: Uint8Array[] = [];
    for (let i = 0; i < BATCH; i++) {
      const k = Math.floor(Math.random() * keys);
      written.add(k);
      batchKeys.push(keyOf(k));
      value.writeUInt32LE(ops + i, 0);
      values.push(Buffer.from(value));
    }
    await engine.putBatch(batchKeys, values);
    ops += BATCH;
    for (let i = 0; i < GETS_PER_BATCH; i++) {
      const t = performance.now();
      engine.get(keyOf(Math.floor(Math.random() * keys)));
      busy.push((performance.now() - t) * 1000);
    }
  }
  const elapsed = (performance.now() - start) / 1000;
  const osBytes = wcharBytes() - wcharBefore;
  const gcBefore = engine.stats?.().gcRuns ?? 0;
  // Busy: the background debt the ingest left (compactions, GC) settling, then a full compaction.
  const catchUp = await readWhile(engine, keys, engine.settle?.() ?? Promise.resolve());
  const disk = diskBytes(dir);
  const settled = engine.stats?.();
  const full = await readWhile(engine, keys, engine.compact?.() ?? Promise.resolve());
  const longest = catchUp.gaps.gapMsMax >= full.gaps.gapMsMax ? catchUp.gaps : full.gaps;
  const background = { samples: [...catchUp.samples, ...full.samples], gapMsMax: longest.gapMsMax, gapRunQueueMs: longest.gapRunQueueMs, gapCpuMs: longest.gapCpuMs };
  const busyGcRuns = (engine.stats?.().gcRuns ?? 0) - gcBefore;
  await engine.settle?.();
  const idle: number[] = [];
  const idleGaps = new GapMeter();
  while (idle.length < Math.max(IDLE_GETS, background.samples.length)) {
    readGroup(engine, keys, idle);
    await new Promise((resolve) => setImmediate(resolve));
    idleGaps.turn();
  }
  const stats = settled;
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
  const userBytes = ops * (KEY_BYTES + VALUE_BYTES);
  return {
    mode,
    seconds: elapsed,
    mbPerSec: userBytes / elapsed / 1e6,
    engineWriteAmp: stats?.writeAmplification ?? 0,
    osWriteAmp: osBytes / userBytes,
    spaceAmp: disk / (written.size * (KEY_BYTES + VALUE_BYTES)),
    ingestUsP99: p99(busy),
    busyUsP99: p99(background.samples),
    idleUsP99: p99(idle),
    busySamples: background.samples.length,
    readGapMsMax: background.gapMsMax,
    readGapRunQueueMs: background.gapRunQueueMs,
    readGapCpuMs: background.gapCpuMs,
    idleReadGapMsMax: idleGaps.gapMsMax,
    busyGcRuns,
    stallMsMax: stats?.stallMsMax ?? 0,
    compactions: stats?.compactions ?? 0,
    gcRuns: stats?.gcRuns ?? 0,
  };
}

export function formatSustained(results: readonly SustainedResult[]): string {
  const lines = [
    '| mode | seconds | MB/s | write amp (engine) | write amp (write() bytes) | space amp after settle | read p99 µs while compaction + GC catch up and a full compaction runs | read p99 µs idle | busy / idle | gets during it | GC runs in it | longest read gap ms | of it: waiting for a CPU / running ms | longest read gap idle ms | read p99 µs between ingest batches | max write stall ms | compactions | GC runs |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.mode} | ${r.seconds.toFixed(0)} | ${r.mbPerSec.toFixed(1)} | ${r.engineWriteAmp.toFixed(2)} | ${r.osWriteAmp.toFixed(2)} | ${r.spaceAmp.toFixed(2)} | ${r.busyUsP99.toFixed(0)} | ${r.idleUsP99.toFixed(0)} | ${(r.busyUsP99 / Math.max(1, r.idleUsP99)).toFixed(2)} | ${r.busySamples} | ${r.busyGcRuns} | ${r.readGapMsMax.toFixed(1)} | ${r.readGapRunQueueMs.toFixed(1)} / ${r.readGapCpuMs.toFixed(1)} | ${r.idleReadGapMsMax.toFixed(1)} | ${r.ingestUsP99.toFixed(0)} | ${r.stallMsMax.toFixed(0)} | ${r.compactions} | ${r.gcRuns} |`,
    );
  }
  return lines.join('\n');
}
