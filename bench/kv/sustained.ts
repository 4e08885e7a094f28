/**
 * Sustained 4 KiB ingest (issue 3, bench): random overwrites of a fixed key space for a fixed
 * time, fsynced batches, with compaction and value-log GC running — separated values vs
 * values-in-tree (valueThreshold = Infinity) in the same run. Reports MB/s, write amplification
 * (engine accounting and the process's write() bytes), space amplification after settling, the
 * read p99 while background work runs vs idle, and the longest write stall.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineOptions } from '../../src/storage/index.js';
import { openStrata } from './engines.js';

const KEY_BYTES = 16;
const VALUE_BYTES = 4096;
const BATCH = 100;
const GETS_PER_BATCH = 10;
const IDLE_GETS = 20_000;

export interface SustainedResult {
  readonly mode: string;
  readonly seconds: number;
  readonly mbPerSec: number;
  readonly engineWriteAmp: number;
  readonly osWriteAmp: number;
  readonly spaceAmp: number;
  readonly busyUsP99: number;
  readonly idleUsP99: number;
  readonly stallMsMax: number;
  readonly compactions: number;
  readonly gcRuns: number;
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

function p99(samples: number[]): number {
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.floor(sorted.length * 0.99)] ?? 0;
}

const keyOf = (i: number): Uint8Array => Buffer.from(String(i).padStart(KEY_BYTES, '0'));

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
  await engine.settle?.();
  const idle: number[] = [];
  for (let i = 0; i < IDLE_GETS; i++) {
    const t = performance.now();
    engine.get(keyOf(Math.floor(Math.random() * keys)));
    idle.push((performance.now() - t) * 1000);
  }
  const stats = engine.stats?.();
  const disk = diskBytes(dir);
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
    busyUsP99: p99(busy),
    idleUsP99: p99(idle),
    stallMsMax: stats?.stallMsMax ?? 0,
    compactions: stats?.compactions ?? 0,
    gcRuns: stats?.gcRuns ?? 0,
  };
}

export function formatSustained(results: readonly SustainedResult[]): string {
  const lines = [
    '| mode | seconds | MB/s | write amp (engine) | write amp (write() bytes) | space amp after settle | read p99 busy µs | read p99 idle µs | max stall ms | compactions | GC runs |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.mode} | ${r.seconds.toFixed(0)} | ${r.mbPerSec.toFixed(1)} | ${r.engineWriteAmp.toFixed(2)} | ${r.osWriteAmp.toFixed(2)} | ${r.spaceAmp.toFixed(2)} | ${r.busyUsP99.toFixed(0)} | ${r.idleUsP99.toFixed(0)} | ${r.stallMsMax.toFixed(0)} | ${r.compactions} | ${r.gcRuns} |`,
    );
  }
  return lines.join('\n');
}
