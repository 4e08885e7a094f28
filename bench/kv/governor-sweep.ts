/**
 * Governor budget sweep (issue 3, bench): the same mixed read/write load (fsynced batches of random
 * 1 KiB overwrites, each followed by point reads) with the background I/O budget
 * (backgroundBytesPerSecMax) at 10 %, 25 %, 50 % and 100 % of a base rate. Prints read p50/p99
 * per budget and writes them as an SVG chart (and JSON) into bench/results/.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStrata } from './engines.js';

const KEY_BYTES = 16;
const VALUE_BYTES = 1024;
const BATCH = 50;
const READS_PER_BATCH = 50;
const FRACTIONS = [0.1, 0.25, 0.5, 1];

export interface SweepPoint {
  readonly budgetPercent: number;
  readonly budgetMBps: number;
  readonly readUsP50: number;
  readonly readUsP99: number;
  readonly writeMBps: number;
  readonly compactions: number;
  readonly gcRuns: number;
  readonly throttleMs: number;
  readonly stallMsMax: number;
}

function percentile(samples: readonly number[], p: number): number {
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

const keyOf = (i: number): Uint8Array => Buffer.from(String(i).padStart(KEY_BYTES, '0'));

async function runBudget(fraction: number, baseMBps: number, seconds: number, keys: number): Promise<SweepPoint> {
  const dir = mkdtempSync(join(tmpdir(), 'kvbench-sweep-'));
  const budget = fraction * baseMBps * 1e6;
  const engine = await openStrata(dir, { memtableBytesMax: 1024 * 1024, vlogSegmentBytesMax: 8 * 1024 * 1024, valueThreshold: 512, backgroundBytesPerSecMax: budget });
  const reads: number[] = [];
  const value = Buffer.allocUnsafe(VALUE_BYTES);
  let written = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    const batchKeys: Uint8Array[] = [];
    const values: Uint8Array[] = [];
    for (let i = 0; i < BATCH; i++) {
      batchKeys.push(keyOf(Math.floor(Math.random() * keys)));
      value.writeUInt32LE(written + i, 0);
      values.push(Buffer.from(value));
    }
    await engine.putBatch(batchKeys, values);
    written += BATCH;
    for (let i = 0; i < READS_PER_BATCH; i++) {
      const t = performance.now();
      engine.get(keyOf(Math.floor(Math.random() * keys)));
      reads.push((performance.now() - t) * 1000);
    }
  }
  const elapsed = (performance.now() - start) / 1000;
  const stats = engine.stats?.();
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    budgetPercent: fraction * 100,
    budgetMBps: budget / 1e6,
    readUsP50: percentile(reads, 0.5),
    readUsP99: percentile(reads, 0.99),
    writeMBps: (written * (KEY_BYTES + VALUE_BYTES)) / elapsed / 1e6,
    compactions: stats?.compactions ?? 0,
    gcRuns: stats?.gcRuns ?? 0,
    throttleMs: stats?.governorThrottleMs ?? 0,
    stallMsMax: stats?.stallMsMax ?? 0,
  };
}

/** A bar chart: p50 and p99 read latency per budget. */
export function sweepSvg(points: readonly SweepPoint[], subtitle: string): string {
  const width = 640;
  const height = 360;
  const left = 70;
  const bottom = 300;
  const top = 60;
  const max = Math.max(1, ...points.map((p) => p.readUsP99)) * 1.15;
  const slot = (width - left - 20) / points.length;
  const bar = slot / 3;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="24" font-size="16">stratadb read latency vs background I/O budget</text>`,
    `<text x="${left}" y="42" fill="#555">${subtitle}</text>`,
    `<line x1="${left}" y1="${bottom}" x2="${width - 20}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#333"/>`,
    `<text x="10" y="${top + 10}" fill="#555">${max.toFixed(0)} µs</text>`,
  ];
  for (const [i, point] of points.entries()) {
    const x = left + i * slot + bar / 2;
    for (const [j, [us, colour]] of ([[point.readUsP50, '#7aa6c2'], [point.readUsP99, '#e8743b']] as const).entries()) {
      const h = ((bottom - top) * us) / max;
      parts.push(`<rect x="${(x + j * bar).toFixed(1)}" y="${(bottom - h).toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}" fill="${colour}"/>`);
      parts.push(`<text x="${(x + j * bar).toFixed(1)}" y="${(bottom - h - 4).toFixed(1)}" font-size="10">${us.toFixed(0)}</text>`);
    }
    parts.push(`<text x="${x.toFixed(1)}" y="${bottom + 18}">${point.budgetPercent}% (${point.budgetMBps.toFixed(0)} MB/s)</text>`);
  }
  parts.push(`<rect x="${width - 170}" y="52" width="10" height="10" fill="#7aa6c2"/><text x="${width - 155}" y="61">read p50 (µs)</text>`);
  parts.push(`<rect x="${width - 170}" y="68" width="10" height="10" fill="#e8743b"/><text x="${width - 155}" y="77">read p99 (µs)</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

/** Runs the sweep; writes bench/results/kv-governor-sweep.{svg,json}; returns a markdown table. */
export async function governorSweep(seconds: number, baseMBps: number, keys: number, resultsDir: string): Promise<string> {
  const points: SweepPoint[] = [];
  for (const fraction of FRACTIONS) {
    points.push(await runBudget(fraction, baseMBps, seconds, keys));
    console.error(`done: governor budget ${fraction * 100}%`);
  }
  const subtitle = `${seconds} s each; ${keys} keys, 1 KiB values, batches of ${BATCH} fsynced + ${READS_PER_BATCH} reads`;
  writeFileSync(join(resultsDir, 'kv-governor-sweep.svg'), sweepSvg(points, subtitle));
  writeFileSync(join(resultsDir, 'kv-governor-sweep.json'), JSON.stringify(points, null, 2));
  const lines = ['| budget | MB/s | read p50 µs | read p99 µs | p99/p50 | write MB/s | compactions | GC runs | throttled ms | max stall ms |', '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const p of points) {
    lines.push(
      `| ${p.budgetPercent}% | ${p.budgetMBps.toFixed(0)} | ${p.readUsP50.toFixed(0)} | ${p.readUsP99.toFixed(0)} | ${(p.readUsP99 / Math.max(1, p.readUsP50)).toFixed(1)} | ${p.writeMBps.toFixed(1)} | ${p.compactions} | ${p.gcRuns} | ${p.throttleMs.toFixed(0)} | ${p.stallMsMax.toFixed(0)} |`,
    );
  }
  return lines.join('\n');
}
