/**
 * db_bench-style key-value benchmark: stratadb vs LevelDB (classic-level) in the same run.
 * Workloads fillseq, fillrandom, overwrite, readrandom, readmissing, readseq, readreverse with
 * 16-byte keys and 100-byte and 4-KiB random (incompressible) values. Writes go in batches of
 * BATCH entries, each batch durable (fsync) before the next, for both engines.
 *
 * Prints ops/s, MB/s and the stratadb/LevelDB ratio per workload, bytes written to the OS per user
 * byte (write() syscalls of the process, /proc/self/io wchar, over the fill + overwrite phases)
 * and space on disk after overwrite. Point reads yield to the event loop every 1000 reads, so
 * background work that reports to the main thread (stratadb's flush) can finish, as it would
 * between a server's requests. Both engines run in the same invocation with the same durability
 * and sizes (engines.ts, LIKE_FOR_LIKE). Env: BENCH_NUM_100 / BENCH_NUM_4K (entries), BENCH_BATCH,
 * BENCH_SIZES (e.g. `4096` for the 4 KiB set only), BENCH_ROUNDS (rounds per size, default 2), BENCH_REOPEN_KEYS (the reopen-a-million row;
 * 0 skips), BENCH_OUT (results file; default bench/results/kv-bench.txt).
 *
 * Then (issue 3): stratadb's own accounting after the overwrite phase (write amplification per
 * engine stats, compactions, GC runs, levels, stalls), the reopen time of each database, and a
 * sustained 4 KiB ingest, separated vs values-in-tree (sustained.ts). Env: BENCH_SUSTAINED_S
 * (seconds per mode, default 60; 0 skips), BENCH_SUSTAINED_KEYS. The governor budget sweep
 * (governor-sweep.ts) runs first: BENCH_SWEEP_S seconds per budget (default 10; 0 skips);
 * BENCH_SWEEP_BASE_MBPS is its 100 % budget, BENCH_SWEEP_PERCENTS its budgets (default 10,25,50,100). BENCH_ONLY=sweep runs only the sweep. BENCH_ONLY=readrandom
 * runs only readrandom at BENCH_READ_KEYS keys (default a million; read-random.ts has its other options).
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIKE_FOR_LIKE, openLevel, openStrata, type BenchEngine } from './engines.js';
import { diskBytes, wcharBytes } from './io-bytes.js';
import { governorSweep } from './governor-sweep.js';
import { readRandomBench } from './read-random.js';
import { fill as fillBatches, fillValuePool, KEY_BYTES, random, reads, resetRandom } from './workload.js';
import { formatSustained, sustainedIngest } from './sustained.js';

const SUSTAINED_S = Number(process.env.BENCH_SUSTAINED_S ?? 60);
const SUSTAINED_KEYS = Number(process.env.BENCH_SUSTAINED_KEYS ?? 20_000);
const SWEEP_S = Number(process.env.BENCH_SWEEP_S ?? 10);
const SWEEP_BASE_MBPS = Number(process.env.BENCH_SWEEP_BASE_MBPS ?? 40);
const ONLY = process.env.BENCH_ONLY ?? '';
const engineNotes: string[] = [];

const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
// 100 B: 200,000 keys. 4 KiB: 200,000 keys, 820 MB per fill (a set several times the memtables
// and caches, so both engines pay their compaction debt: LevelDB its leveled compactions,
// stratadb its value-log GC). The reopen of a million keys is measured on its own (REOPEN_KEYS).
const SIZES = [
  { valueBytes: 100, num: Number(process.env.BENCH_NUM_100 ?? 200_000) },
  { valueBytes: 4096, num: Number(process.env.BENCH_NUM_4K ?? 200_000) },
].filter((size) => (process.env.BENCH_SIZES ?? '100,4096').split(',').includes(String(size.valueBytes)));

interface Row {
  workload: string;
  valueBytes: number;
  engine: string;
  ops: number;
  seconds: number;
  round: number;
}

/**
 * Rounds per value size: each runs both engines, in alternating order (stratadb first in even
 * rounds, LevelDB first in odd ones), so load from the shared machine hits both alike. The table
 * shows each engine's best round and the range of the per-round ratios.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
let round = 0;

async function timed(rows: Row[], workload: string, valueBytes: number, engine: BenchEngine, ops: number, fn: () => Promise<unknown> | unknown): Promise<void> {
  const start = process.hrtime.bigint();
  await fn();
  rows.push({ workload, valueBytes, engine: engine.name, ops, seconds: Number(process.hrtime.bigint() - start) / 1e9, round });
}

const REOPEN_KEYS = Number(process.env.BENCH_REOPEN_KEYS ?? 1_000_000);

/** Fills REOPEN_KEYS random keys with 100 B values, closes, and times the reopen (ms). */
async function reopenMillion(open: (dir: string) => Promise<BenchEngine>): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'kvbench-reopen-'));
  let engine = await open(dir);
  await fillBatches(engine, REOPEN_KEYS, 100, BATCH, () => Math.floor(random() * REOPEN_KEYS));
  await engine.close();
  const start = process.hrtime.bigint();
  engine = await open(dir);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

async function runEngine(open: (dir: string) => Promise<BenchEngine>, num: number, valueBytes: number, rows: Row[], space: Map<string, [number, number]>): Promise<void> {
  const seqDir = mkdtempSync(join(tmpdir(), 'kvbench-'));
  let engine = await open(seqDir);
  await timed(rows, 'fillseq', valueBytes, engine, num, () => fillBatches(engine, num, valueBytes, BATCH, (i) => i));
  await engine.close();
  rmSync(seqDir, { recursive: true, force: true });
  const dir = mkdtempSync(join(tmpdir(), 'kvbench-'));
  engine = await open(dir);
  const wcharBefore = wcharBytes();
  await timed(rows, 'fillrandom', valueBytes, engine, num, () => fillBatches(engine, num, valueBytes, BATCH, () => Math.floor(random() * num)));
  await timed(rows, 'overwrite', valueBytes, engine, num, () => fillBatches(engine, num, valueBytes, BATCH, () => Math.floor(random() * num)));
  const written = wcharBytes() - wcharBefore;
  await engine.settle?.();
  if (round === 0) space.set(`${engine.name}/${valueBytes}`, [written / (2 * num * (KEY_BYTES + valueBytes)), diskBytes(dir)]);
  const stats = engine.stats?.();
  if (stats !== undefined && round === 0) {
    const levels = stats.levels.map((level, i) => `L${i} ${level.tables}/${(level.bytes / 1e6).toFixed(1)}MB`).join(' ');
    engineNotes.push(
      `| ${valueBytes} B | ${stats.writeAmplification.toFixed(2)} | ${stats.compactions} (+${stats.trivialMoves} moves) | ${stats.gcRuns} | ${levels} | ${stats.l0StopStalls}/${stats.l0SlowdownStalls}/${stats.writeStalls} | ${stats.stallMsMax.toFixed(0)} |`,
    );
  }
  await timed(rows, 'readrandom', valueBytes, engine, num, () => reads(engine, num, false));
  await timed(rows, 'readmissing', valueBytes, engine, num, () => reads(engine, num, true));
  await timed(rows, 'readseq', valueBytes, engine, num, () => engine.scanAll(false));
  await timed(rows, 'readreverse', valueBytes, engine, num, () => engine.scanAll(true));
  await engine.close();
  await timed(rows, 'reopen', valueBytes, engine, 1, async () => {
    engine = await open(dir);
  });
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
}

function printTable(rows: Row[], space: Map<string, [number, number]>): void {
  const lines = [
    `| workload | value | stratadb ops/s | stratadb MB/s | leveldb ops/s | leveldb MB/s | ratio (best round of each) | ratio per round (min–max of ${ROUNDS}) |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const ops = (r: Row): number => r.ops / r.seconds;
  const mb = (r: Row): string => ((ops(r) * (KEY_BYTES + r.valueBytes)) / 1e6).toFixed(1);
  const matching = (engine: string, row: Row): Row[] => rows.filter((r) => r.engine === engine && r.workload === row.workload && r.valueBytes === row.valueBytes);
  const best = (list: Row[]): Row => list.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  for (const row of rows.filter((r) => r.engine === 'stratadb' && r.round === 0)) {
    const mine = matching('stratadb', row);
    const theirs = matching('leveldb', row);
    if (theirs.length === 0) continue;
    const a = best(mine);
    const b = best(theirs);
    // Ratio of stratadb's speed to LevelDB's (for reopen: LevelDB's time over stratadb's).
    const perRound = mine.map((m) => {
      const other = theirs.find((t) => t.round === m.round);
      return other === undefined ? NaN : other.seconds / other.ops / (m.seconds / m.ops);
    });
    const range = `${Math.min(...perRound).toFixed(2)}–${Math.max(...perRound).toFixed(2)}`;
    const ratio = (b.seconds / b.ops / (a.seconds / a.ops)).toFixed(2);
    if (row.workload === 'reopen') {
      const ms = (r: Row): string => `${(r.seconds * 1000).toFixed(0)} ms`;
      lines.push(`| reopen (time, lower is better) | ${row.valueBytes} B | ${ms(a)} | | ${ms(b)} | | ${ratio} | ${range} |`);
      continue;
    }
    lines.push(`| ${row.workload} | ${row.valueBytes} B | ${Math.round(ops(a))} | ${mb(a)} | ${Math.round(ops(b))} | ${mb(b)} | ${ratio} | ${range} |`);
  }
  lines.push('', '| engine / value (first round) | bytes written per user byte (fillrandom + overwrite) | space on disk after overwrite |', '|---|---:|---:|');
  for (const [name, [amp, bytes]] of space) lines.push(`| ${name} B | ${amp.toFixed(2)} | ${(bytes / 1e6).toFixed(1)} MB |`);
  out(lines.join('\n'));
}

/** Everything printed, also written to bench/results/kv-bench.txt (or BENCH_OUT) at the end. */
const printed: string[] = [];
function out(text: string): void {
  printed.push(text);
  console.log(text);
}

function writeResults(): void {
  const path = process.env.BENCH_OUT ?? join(import.meta.dirname, '..', 'results', 'kv-bench.txt');
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const env = Object.entries(process.env).filter(([name]) => name.startsWith('BENCH_')).map(([name, value]) => `${name}=${value}`);
  const header = `# npm run bench:kv — ${new Date().toISOString().slice(0, 16)}Z, ${cpus().length}-core shared machine, load average at the end ${load}${env.length > 0 ? `; ${env.join(' ')}` : ''}`;
  // A sweep-only or readrandom-only run adds its section to the results of the last full run.
  if (ONLY === 'sweep' || ONLY === 'readrandom') appendFileSync(path, ['', header, ...printed].join('\n') + '\n');
  else writeFileSync(path, [header, ...printed].join('\n') + '\n');
}

async function main(): Promise<void> {
  if (SWEEP_S > 0) {
    const resultsDir = join(import.meta.dirname, '..', 'results');
    out(`Governor budget sweep (100% = ${SWEEP_BASE_MBPS} MB/s), chart: bench/results/kv-governor-sweep.svg`);
    out(await governorSweep(SWEEP_S, SWEEP_BASE_MBPS, resultsDir));
    if (ONLY === 'sweep') return;
  }
  if (ONLY === 'readrandom') {
    const keyCounts = (process.env.BENCH_READ_KEYS ?? '1000000').split(',').map(Number);
    out(await readRandomBench(keyCounts, ROUNDS, BATCH));
    return;
  }
  const rows: Row[] = [];
  const space = new Map<string, [number, number]>();
  for (const { valueBytes, num } of SIZES) {
    for (round = 0; round < ROUNDS; round++) {
      for (const open of round % 2 === 0 ? [openStrata, openLevel] : [openLevel, openStrata]) {
        resetRandom();
        fillValuePool();
        await runEngine(open, num, valueBytes, rows, space);
        console.error(`done: ${valueBytes} B values, round ${round}, ${rows[rows.length - 1]?.engine}`);
      }
    }
  }
  round = 0;
  out(`db_bench-style run: ${KEY_BYTES}-byte keys, batches of ${BATCH}, ${ROUNDS} rounds per size (engine order alternating); ${LIKE_FOR_LIKE}`);
  printTable(rows, space);
  if (REOPEN_KEYS > 0) {
    const times: number[] = [];
    for (const open of [openStrata, openLevel]) {
      resetRandom();
      fillValuePool();
      times.push(await reopenMillion(open));
    }
    const [strata, level] = times as [number, number];
    out(`\nReopen after ${REOPEN_KEYS} random puts of 100 B values (lower is better): stratadb ${strata.toFixed(0)} ms, leveldb ${level.toFixed(0)} ms, ratio ${(level / strata).toFixed(2)}`);
  }
  out('\n| stratadb after overwrite | write amp (engine stats) | compactions | GC runs | levels (tables/size) | stalls stop/slowdown/memtable | max stall ms |');
  out('|---|---:|---:|---:|---|---:|---:|');
  out(engineNotes.join('\n'));
  if (SUSTAINED_S > 0) {
    const results = [];
    results.push(await sustainedIngest('separated (valueThreshold 1 KiB)', { valueThreshold: 1024, vlogSegmentBytesMax: 32 * 1024 * 1024 }, SUSTAINED_S, SUSTAINED_KEYS));
    console.error('done: sustained separated');
    results.push(await sustainedIngest('values in tree (valueThreshold Infinity)', { valueThreshold: Infinity }, SUSTAINED_S, SUSTAINED_KEYS));
    console.error('done: sustained values in tree');
    out(`\nSustained 4 KiB random overwrite over ${SUSTAINED_KEYS} keys, batches of 100 fsynced, 10 gets per batch:`);
    out(formatSustained(results));
  }
}

await main();
writeResults();
