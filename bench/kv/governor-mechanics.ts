/**
 * Mechanism counts of the governor sweep's served phase (issue 3), which a shared, noisy machine
 * cannot blur the way it blurs latencies: per budget, the same load as governor-sweep.ts's served
 * columns (same data set, options, batches, READS_PER_TURN reads per turn while each commit is in
 * flight), and per read the tables probed (TableReader.get calls) and block-cache misses (a miss
 * beyond the first is a Bloom false positive), the L0 table count the reads met, how the
 * background budget was spent (compaction vs value-log GC: jobs, milliseconds, throttle waits)
 * and the longest event-loop turn spent outside the reads (install work: opening, warming and
 * evicting tables), and how background writes drew from the governor: draws, the largest draw,
 * and the most bytes whose draws resolved within any BURST_WINDOW_MS (what may reach the disk at
 * once: a whole output when drawn before its write, a few chunks when paced inside it). Latency
 * percentiles are printed too, for reference only.
 *
 * Env: BENCH_SWEEP_PERCENTS (default 10,25,50,100 of MECH_BASE_MBPS, default 40), MECH_S (seconds
 * per budget, default 10), MECH_WRITE_MBPS (paces the writes to this rate, so the background work
 * per second is the same from run to run whatever else the machine runs; default: unpaced, as the
 * sweep). Run: `npx tsx bench/kv/governor-mechanics.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Governor } from '../../src/storage/governor.js';
import { TableReader } from '../../src/storage/table-reader.js';
import { openStrataDb } from './engines.js';
import { nextBatch, oddKey, preload, READS_PER_TURN, sweepOptions, valuePool } from './governor-sweep.js';

const PERCENTS = (process.env.BENCH_SWEEP_PERCENTS ?? '10,25,50,100').split(',').map(Number);
const BASE_MBPS = Number(process.env.MECH_BASE_MBPS ?? 40);
const SECONDS = Number(process.env.MECH_S ?? 10);
const WRITE_MBPS = Number(process.env.MECH_WRITE_MBPS ?? Infinity);

let probes = 0;
function patchProbes(): void {
  const findInto = TableReader.prototype.findInto;
  TableReader.prototype.findInto = function (this: TableReader, ...args: Parameters<TableReader['findInto']>) {
    probes++;
    return findInto.apply(this, args);
  };
}

/** Window of the burst count: bytes drawn within this long may all be written at once. */
const BURST_WINDOW_MS = 100;
/** Background draws since the last reset: when each resolved (ms) and its bytes. */
const draws: Array<readonly [number, number]> = [];
function patchDraws(): void {
  const acquire = Governor.prototype.acquire;
  Governor.prototype.acquire = async function (this: Governor, bytes: number): Promise<void> {
    await acquire.call(this, bytes);
    draws.push([performance.now(), bytes]);
  };
}

/** The most bytes whose draws resolved within any window of BURST_WINDOW_MS. */
function burstBytesMax(): number {
  let most = 0;
  let inWindow = 0;
  let first = 0;
  for (const [atMs, bytes] of draws) {
    inWindow += bytes;
    while ((draws[first] as readonly [number, number])[0] < atMs - BURST_WINDOW_MS) inWindow -= (draws[first++] as readonly [number, number])[1];
    most = Math.max(most, inWindow);
  }
  return most;
}

function percentile(samples: Float64Array, count: number, p: number): number {
  const sorted = samples.slice(0, count).sort();
  return sorted[Math.min(count - 1, Math.floor(count * p))] ?? 0;
}

interface Mechanics {
  readonly percent: number;
  readonly reads: number;
  readonly probesPerRead: number;
  readonly missesPerRead: number;
  readonly l0Mean: number;
  readonly l0Max: number;
  readonly compactions: number;
  readonly compactionMs: number;
  readonly gcRuns: number;
  readonly gcMs: number;
  readonly throttleMs: number;
  readonly stallMs: number;
  readonly gapMsMax: number;
  readonly usP50: number;
  readonly usP99: number;
  readonly writeMBps: number;
  readonly adjustments: number;
  readonly commitAdjustments: number;
  readonly commitBaselineMsP99: number;
  readonly rateMBpsMin: number;
  readonly draws: number;
  readonly drawMBMax: number;
  readonly burstMBMax: number;
}

async function runBudget(percent: number): Promise<Mechanics> {
  const dir = mkdtempSync(join(tmpdir(), 'kvbench-mech-'));
  const { bench: engine, db } = await openStrataDb(dir, sweepOptions((percent / 100) * BASE_MBPS * 1e6));
  const pool = valuePool();
  await preload(engine, pool);
  const before = engine.stats?.();
  const samples = new Float64Array(4_000_000);
  let reads = 0;
  let l0Sum = 0;
  let l0Max = 0;
  let gapMsMax = 0;
  let written = 0;
  let rateMin = Infinity;
  probes = 0;
  draws.length = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) {
    const { keys, values } = nextBatch(pool, written);
    let committed = false;
    const commit = engine.putBatch(keys, values).then(() => {
      committed = true;
    });
    let turnEnd = performance.now();
    while (!committed) {
      const turnStart = performance.now();
      gapMsMax = Math.max(gapMsMax, turnStart - turnEnd);
      const stats = engine.stats?.();
      const l0 = stats?.levels[0]?.tables ?? 0;
      rateMin = Math.min(rateMin, stats?.backgroundRateBytesPerSec ?? Infinity);
      l0Max = Math.max(l0Max, l0);
      l0Sum += l0 * READS_PER_TURN;
      for (let i = 0; i < READS_PER_TURN; i++) {
        const key = oddKey();
        const t = performance.now();
        engine.get(key);
        if (reads < samples.length) samples[reads] = (performance.now() - t) * 1000;
        reads++;
      }
      turnEnd = performance.now();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await commit;
    written += keys.length;
    while ((written * 1040) / 1e6 > (WRITE_MBPS * (performance.now() - start)) / 1000) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const elapsedS = (performance.now() - start) / 1000;
  const after = engine.stats?.();
  const governor = db.engine['governor'];
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
  const delta = (name: 'blockCacheMisses' | 'compactions' | 'compactionMs' | 'gcRuns' | 'gcMs' | 'governorThrottleMs' | 'l0StopStallMs'): number => (after?.[name] ?? 0) - (before?.[name] ?? 0);
  const count = Math.min(reads, samples.length);
  return {
    percent,
    reads,
    probesPerRead: probes / reads,
    missesPerRead: delta('blockCacheMisses') / reads,
    l0Mean: l0Sum / reads,
    l0Max,
    compactions: delta('compactions'),
    compactionMs: delta('compactionMs'),
    gcRuns: delta('gcRuns'),
    gcMs: delta('gcMs'),
    throttleMs: delta('governorThrottleMs'),
    stallMs: delta('l0StopStallMs'),
    gapMsMax,
    usP50: percentile(samples, count, 0.5),
    usP99: percentile(samples, count, 0.99),
    writeMBps: (written * 1040) / elapsedS / 1e6,
    adjustments: (after?.governorAdjustments ?? 0) - (before?.governorAdjustments ?? 0),
    commitAdjustments: governor.commitAdjustments,
    commitBaselineMsP99: governor.commitBaselineUsP99 / 1000,
    rateMBpsMin: rateMin / 1e6,
    draws: draws.length,
    drawMBMax: draws.reduce((most, [, bytes]) => Math.max(most, bytes), 0) / 1e6,
    burstMBMax: burstBytesMax() / 1e6,
  };
}

async function main(): Promise<void> {
  patchProbes();
  patchDraws();
  const rows = ['| budget | reads | tables probed / read | block misses / read | L0 mean | L0 max | compactions | compaction ms | GC runs | GC ms | throttled ms | L0 stop stall ms | longest gap between read turns ms | governor adjustments | of them by the commit watch | commit baseline p99 ms | lowest rate MB/s | draws | largest draw MB | most MB drawn in ' + String(BURST_WINDOW_MS) + ' ms | p50 µs | p99 µs | p99/p50 | write MB/s |', '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const percent of PERCENTS) {
    const m = await runBudget(percent);
    rows.push(
      `| ${m.percent}% | ${m.reads} | ${m.probesPerRead.toFixed(2)} | ${m.missesPerRead.toFixed(3)} | ${m.l0Mean.toFixed(1)} | ${m.l0Max} | ${m.compactions} | ${m.compactionMs.toFixed(0)} | ${m.gcRuns} | ${m.gcMs.toFixed(0)} | ${m.throttleMs.toFixed(0)} | ${m.stallMs.toFixed(0)} | ${m.gapMsMax.toFixed(1)} | ${m.adjustments} | ${m.commitAdjustments} | ${m.commitBaselineMsP99.toFixed(2)} | ${m.rateMBpsMin.toFixed(2)} | ${m.draws} | ${m.drawMBMax.toFixed(2)} | ${m.burstMBMax.toFixed(2)} | ${m.usP50.toFixed(1)} | ${m.usP99.toFixed(1)} | ${(m.usP99 / m.usP50).toFixed(1)} | ${m.writeMBps.toFixed(1)} |`,
    );
    console.error(`done: ${percent}%`);
  }
  console.log(rows.join('\n'));
}

await main();
