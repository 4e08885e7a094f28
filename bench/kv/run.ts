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
 * between a server's requests. Env: BENCH_NUM_100 / BENCH_NUM_4K (entries), BENCH_BATCH.
 *
 * Then (issue 3): stratadb's own accounting after the overwrite phase (write amplification per
 * engine stats, compactions, GC runs, levels, stalls), the reopen time of each database, and a
 * sustained 4 KiB ingest, separated vs values-in-tree (sustained.ts). Env: BENCH_SUSTAINED_S
 * (seconds per mode, default 30; 0 skips), BENCH_SUSTAINED_KEYS. The governor budget sweep
 * (governor-sweep.ts) runs when BENCH_SWEEP_S (seconds per budget) is set; BENCH_SWEEP_BASE_MBPS is
 * its 100 % budget. BENCH_ONLY=sweep runs only the sweep.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLevel, openStrata, type BenchEngine } from './engines.js';
import { governorSweep } from './governor-sweep.js';
import { formatSustained, sustainedIngest } from './sustained.js';

const SUSTAINED_S = Number(process.env.BENCH_SUSTAINED_S ?? 30);
const SUSTAINED_KEYS = Number(process.env.BENCH_SUSTAINED_KEYS ?? 20_000);
const SWEEP_S = Number(process.env.BENCH_SWEEP_S ?? 0);
const SWEEP_BASE_MBPS = Number(process.env.BENCH_SWEEP_BASE_MBPS ?? 40);
const ONLY = process.env.BENCH_ONLY ?? '';
const engineNotes: string[] = [];

const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const KEY_BYTES = 16;
const SIZES = [
  { valueBytes: 100, num: Number(process.env.BENCH_NUM_100 ?? 200_000) },
  { valueBytes: 4096, num: Number(process.env.BENCH_NUM_4K ?? 20_000) },
];

interface Row {
  workload: string;
  valueBytes: number;
  engine: string;
  ops: number;
  seconds: number;
}

let rngState = 0x9e3779b9;
function random(): number {
  rngState = (rngState + 0x6d2b79f5) >>> 0;
  let t = rngState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function keyOf(i: number): Uint8Array {
  return Buffer.from(String(i).padStart(KEY_BYTES, '0'));
}

function valueOf(bytes: number): Uint8Array {
  const out = Buffer.allocUnsafe(bytes);
  for (let i = 0; i < bytes; i += 4) out.writeUInt32LE((random() * 0x1_0000_0000) >>> 0, Math.min(i, bytes - 4));
  return out;
}

function wcharBytes(): number {
  const match = /wchar:\s*(\d+)/.exec(readFileSync('/proc/self/io', 'utf8'));
  return match === null ? 0 : Number(match[1]);
}

function diskBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) total += statSync(join(dir, name)).size;
  return total;
}

async function fill(engine: BenchEngine, num: number, valueBytes: number, order: (i: number) => number): Promise<void> {
  for (let start = 0; start < num; start += BATCH) {
    const keys: Uint8Array[] = [];
    const values: Uint8Array[] = [];
    for (let i = start; i < Math.min(num, start + BATCH); i++) {
      keys.push(keyOf(order(i)));
      values.push(valueOf(valueBytes));
    }
    await engine.putBatch(keys, values);
  }
}

/** Reads in rounds of READ_ROUND_OPS, yielding to the event loop between rounds (as a server does). */
const READ_ROUND_OPS = 1000;

async function reads(engine: BenchEngine, num: number, missing: boolean): Promise<number> {
  let found = 0;
  for (let i = 0; i < num; i++) {
    if (i % READ_ROUND_OPS === 0) await new Promise((resolve) => setImmediate(resolve));
    const k = Math.floor(random() * num);
    if (engine.get(keyOf(missing ? num + k : k)) !== undefined) found++;
  }
  return found;
}

async function timed(rows: Row[], workload: string, valueBytes: number, engine: BenchEngine, ops: number, fn: () => Promise<unknown> | unknown): Promise<void> {
  const start = process.hrtime.bigint();
  await fn();
  rows.push({ workload, valueBytes, engine: engine.name, ops, seconds: Number(process.hrtime.bigint() - start) / 1e9 });
}

async function runEngine(open: (dir: string) => Promise<BenchEngine>, num: number, valueBytes: number, rows: Row[], space: Map<string, [number, number]>): Promise<void> {
  const seqDir = mkdtempSync(join(tmpdir(), 'kvbench-'));
  let engine = await open(seqDir);
  await timed(rows, 'fillseq', valueBytes, engine, num, () => fill(engine, num, valueBytes, (i) => i));
  await engine.close();
  rmSync(seqDir, { recursive: true, force: true });
  const dir = mkdtempSync(join(tmpdir(), 'kvbench-'));
  engine = await open(dir);
  const wcharBefore = wcharBytes();
  await timed(rows, 'fillrandom', valueBytes, engine, num, () => fill(engine, num, valueBytes, () => Math.floor(random() * num)));
  await timed(rows, 'overwrite', valueBytes, engine, num, () => fill(engine, num, valueBytes, () => Math.floor(random() * num)));
  const written = wcharBytes() - wcharBefore;
  await engine.settle?.();
  space.set(`${engine.name}/${valueBytes}`, [written / (2 * num * (KEY_BYTES + valueBytes)), diskBytes(dir)]);
  const stats = engine.stats?.();
  if (stats !== undefined) {
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
  const lines = ['| workload | value | stratadb ops/s | stratadb MB/s | leveldb ops/s | leveldb MB/s | ratio |', '|---|---:|---:|---:|---:|---:|---:|'];
  for (const row of rows.filter((r) => r.engine === 'stratadb')) {
    const other = rows.find((r) => r.engine === 'leveldb' && r.workload === row.workload && r.valueBytes === row.valueBytes);
    if (other === undefined) continue;
    const ops = (r: Row): number => r.ops / r.seconds;
    const mb = (r: Row): string => ((ops(r) * (KEY_BYTES + r.valueBytes)) / 1e6).toFixed(1);
    if (row.workload === 'reopen') {
      const ms = (r: Row): string => `${(r.seconds * 1000).toFixed(0)} ms`;
      lines.push(`| reopen (time, lower is better) | ${row.valueBytes} B | ${ms(row)} | | ${ms(other)} | | ${(other.seconds / row.seconds).toFixed(2)} |`);
      continue;
    }
    lines.push(`| ${row.workload} | ${row.valueBytes} B | ${Math.round(ops(row))} | ${mb(row)} | ${Math.round(ops(other))} | ${mb(other)} | ${(ops(row) / ops(other)).toFixed(2)} |`);
  }
  lines.push('', '| engine / value | bytes written per user byte (fillrandom + overwrite) | space on disk after overwrite |', '|---|---:|---:|');
  for (const [name, [amp, bytes]] of space) lines.push(`| ${name} B | ${amp.toFixed(2)} | ${(bytes / 1e6).toFixed(1)} MB |`);
  console.log(lines.join('\n'));
}

async function main(): Promise<void> {
  if (SWEEP_S > 0) {
    const resultsDir = join(import.meta.dirname, '..', 'results');
    console.log(`Governor budget sweep (100% = ${SWEEP_BASE_MBPS} MB/s), chart: bench/results/kv-governor-sweep.svg`);
    console.log(await governorSweep(SWEEP_S, SWEEP_BASE_MBPS, 20_000, resultsDir));
    if (ONLY === 'sweep') return;
  }
  const rows: Row[] = [];
  const space = new Map<string, [number, number]>();
  for (const { valueBytes, num } of SIZES) {
    for (const open of [openStrata, openLevel]) {
      rngState = 0x9e3779b9;
      await runEngine(open, num, valueBytes, rows, space);
      console.error(`done: ${valueBytes} B values, ${rows[rows.length - 1]?.engine}`);
    }
  }
  console.log(`db_bench-style run: ${KEY_BYTES}-byte keys, batches of ${BATCH}, each batch fsynced; memtable 4 MiB for both.`);
  printTable(rows, space);
  console.log('\n| stratadb after overwrite | write amp (engine stats) | compactions | GC runs | levels (tables/size) | stalls stop/slowdown/memtable | max stall ms |');
  console.log('|---|---:|---:|---:|---|---:|---:|');
  console.log(engineNotes.join('\n'));
  if (SUSTAINED_S > 0) {
    const results = [];
    results.push(await sustainedIngest('separated (valueThreshold 1 KiB)', { vlogSegmentBytesMax: 32 * 1024 * 1024 }, SUSTAINED_S, SUSTAINED_KEYS));
    console.error('done: sustained separated');
    results.push(await sustainedIngest('values in tree (valueThreshold Infinity)', { valueThreshold: Infinity }, SUSTAINED_S, SUSTAINED_KEYS));
    console.error('done: sustained values in tree');
    console.log(`\nSustained 4 KiB random overwrite over ${SUSTAINED_KEYS} keys, batches of 100 fsynced, 10 gets per batch:`);
    console.log(formatSustained(results));
  }
}

await main();
