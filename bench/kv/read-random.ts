/**
 * readrandom on its own, at one or more key counts (the standard run uses 200,000 keys; a
 * million shows the read path once the tables outgrow the block cache): per engine and round,
 * fillrandom + overwrite of 100 B values as run.ts does, then `num` gets of random present keys.
 * Reports wall ops/s, process CPU µs per get (user + system of every thread, so background work
 * still running after the fill counts against its engine), the stratadb/LevelDB ratio per round,
 * and stratadb's shape during the reads: tables per level, block-cache hit rate, table bytes read.
 *
 * Env (through run.ts, BENCH_ONLY=readrandom): BENCH_READ_KEYS (comma list, default 1000000),
 * BENCH_ROUNDS, BENCH_READ_ENGINES (`stratadb`, `leveldb` or both, default both),
 * BENCH_READ_DIR (keep the filled databases there and reuse them in later runs: fills once, reads
 * many times; for profiling).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DbStats } from '../../src/storage/index.js';
import { openLevel, openStrata, type BenchEngine } from './engines.js';
import { fill, fillValuePool, random, reads, resetRandom } from './workload.js';

const VALUE_BYTES = 100;

interface ReadRow {
  readonly engine: string;
  readonly num: number;
  readonly round: number;
  readonly opsPerSec: number;
  readonly cpuUsPerGet: number;
  readonly shape: string;
  readonly found: number;
}

/** Opens (filling on first use) the database of `engine` with `num` keys. */
async function prepared(name: string, num: number, batch: number, keepDir: string | undefined): Promise<{ engine: BenchEngine; dir: string; keep: boolean }> {
  const open = name === 'stratadb' ? openStrata : openLevel;
  const dir = keepDir === undefined ? mkdtempSync(join(tmpdir(), 'kvbench-read-')) : join(keepDir, `${name}-${num}`);
  const filled = keepDir !== undefined && existsSync(join(dir, 'FILLED'));
  mkdirSync(dir, { recursive: true });
  const engine = await open(dir);
  resetRandom();
  fillValuePool();
  if (!filled) {
    await fill(engine, num, VALUE_BYTES, batch, () => Math.floor(random() * num));
    await fill(engine, num, VALUE_BYTES, batch, () => Math.floor(random() * num));
    await engine.settle?.();
    if (keepDir !== undefined) {
      // A fresh open after the fill, as later runs will see it.
      await engine.close();
      mkdirSync(join(dir, 'FILLED'));
      return { engine: await open(dir), dir, keep: true };
    }
  }
  return { engine, dir, keep: keepDir !== undefined };
}

function shapeOf(stats: DbStats | undefined, before: DbStats | undefined): string {
  if (stats === undefined || before === undefined) return '';
  const levels = stats.levels.map((level, i) => `L${i} ${level.tables}`).join(' ');
  const hits = stats.blockCacheHits - before.blockCacheHits;
  const misses = stats.blockCacheMisses - before.blockCacheMisses;
  const read = (stats.tableBytesRead - before.tableBytesRead) / 1e6;
  return `${levels}; cache hits ${((hits / Math.max(1, hits + misses)) * 100).toFixed(0)}% of ${hits + misses}; ${read.toFixed(0)} MB of blocks read`;
}

async function readRound(name: string, num: number, round: number, batch: number, keepDir: string | undefined): Promise<ReadRow> {
  const { engine, dir, keep } = await prepared(name, num, batch, keepDir);
  const before = engine.stats?.();
  resetRandom();
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const found = await reads(engine, num, false);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  // Random fills leave ~86% of the key space present (1 − e^−2); both engines must agree.
  if (found === 0) throw new Error(`${name}: found none of ${num} keys`);
  const shape = shapeOf(engine.stats?.(), before);
  await engine.close();
  if (!keep) rmSync(dir, { recursive: true, force: true });
  return { engine: name, num, round, opsPerSec: num / seconds, cpuUsPerGet: (cpu.user + cpu.system) / num, shape, found };
}

/** Runs readrandom at each key count; returns the result table (markdown). */
export async function readRandomBench(keyCounts: readonly number[], rounds: number, batch: number): Promise<string> {
  const names = (process.env.BENCH_READ_ENGINES ?? 'stratadb,leveldb').split(',');
  const keepDir = process.env.BENCH_READ_DIR;
  const rows: ReadRow[] = [];
  for (const num of keyCounts) {
    for (let round = 0; round < rounds; round++) {
      for (const name of round % 2 === 0 ? names : [...names].reverse()) {
        rows.push(await readRound(name, num, round, batch, keepDir));
        console.error(`done: readrandom ${num} keys, round ${round}, ${name}`);
      }
    }
  }
  const lines = [
    `readrandom of 100 B values after fillrandom + overwrite (batches of ${batch}), ${rounds} rounds, engine order alternating:`,
    '| keys | round | engine | found | ops/s | CPU µs per get | ratio (ops/s) | ratio (CPU) | stratadb shape during the reads |',
    '|---:|---:|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    const other = rows.find((r) => r.num === row.num && r.round === row.round && r.engine !== row.engine);
    const mine = row.engine === 'stratadb' && other !== undefined;
    const ratio = mine ? (row.opsPerSec / other.opsPerSec).toFixed(2) : '';
    const cpuRatio = mine ? (other.cpuUsPerGet / row.cpuUsPerGet).toFixed(2) : '';
    lines.push(`| ${row.num} | ${row.round} | ${row.engine} | ${row.found} | ${Math.round(row.opsPerSec)} | ${row.cpuUsPerGet.toFixed(2)} | ${ratio} | ${cpuRatio} | ${row.shape} |`);
  }
  return lines.join('\n');
}
