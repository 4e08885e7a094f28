/**
 * Experiments of bench/kv/sweep-trace.ts (TRACE_MODE=first) on the first read after each fsynced
 * batch, alternated batch by batch: nothing before it (none); one control operation (the sweep's
 * two preads and checksums) before it, timed (control); TRACE_SPIN_US of CPU work on private
 * memory before it (spin); one event-loop turn before it (yield); or the thread kept awake through
 * the commit, turning the event loop instead of sleeping (awake). For `none` it also tells whether
 * the thread woke on the CPU it last ran the reads on.
 */
import { openSync, readSync } from 'node:fs';
import { crc32 } from '../../src/util/crc32.js';
import type { BenchEngine } from './engines.js';
import { READS_PER_BATCH } from './governor-sweep.js';
import { at, row, sorted, type Read } from './sweep-trace-report.js';

const FIRST_VARIANTS = ['none', 'control', 'spin', 'yield', 'awake'];
const SPIN_US = Number(process.env.TRACE_SPIN_US ?? 100);
const firstBy = new Map(FIRST_VARIANTS.map((v) => [v, [] as number[]]));
const laterBy = new Map(FIRST_VARIANTS.map((v) => [v, [] as number[]]));
const firstControls: number[] = [];
const firstReads = new Map(FIRST_VARIANTS.map((v) => [v, [] as Read[]]));
const laterControls: number[] = [];
const spinBytes = new Uint8Array(16 * 1024);
/** CPU work on private memory for `us` microseconds. */
function spin(us: number): void {
  const end = performance.now() + us / 1000;
  while (performance.now() < end) spinBytes[0] = crc32(spinBytes);
}
export const CONTROL_FILE_BYTES = 16 * 1024 * 1024;
let controlFd = -1;

/** Opens the control's file (page-cached, CONTROL_FILE_BYTES of random bytes). */
export function openControl(path: string): void {
  controlFd = openSync(path, 'r');
}
const controlBlock = Buffer.alloc(4096 + 5);
const controlRecord = Buffer.alloc(1024 + 28);
/** One control operation (the sweep's: a 4 KiB and a 1 KiB pread of a page-cached file, checksummed), in µs. */
function controlUs(): number {
  const blockAt = Math.floor(Math.random() * (CONTROL_FILE_BYTES / 8192)) * 8192;
  const recordAt = Math.floor(Math.random() * (CONTROL_FILE_BYTES / 2048)) * 2048;
  const t = process.hrtime.bigint();
  readSync(controlFd, controlBlock, 0, controlBlock.length, blockAt);
  crc32(controlBlock);
  readSync(controlFd, controlRecord, 0, controlRecord.length, recordAt);
  crc32(controlRecord);
  return Number(process.hrtime.bigint() - t) / 1000;
}

const statFd = openSync(`/proc/${process.pid}/task/${process.pid}/stat`, 'r');
const statBuffer = Buffer.alloc(1024);
/** The CPU the main thread runs on (/proc/<pid>/task/<pid>/stat field 39). */
function currentCpu(): number {
  const n = readSync(statFd, statBuffer, 0, statBuffer.length, 0);
  const text = statBuffer.toString('latin1', 0, n);
  return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[36]);
}
let lastCpu = -1;
const firstSameCpu: number[] = [];
const firstOtherCpu: number[] = [];

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** One batch of the experiment: commits it, then READS_PER_BATCH reads through `timedRead`. */
export async function firstReadBatch(
  engine: BenchEngine,
  batch: { keys: Uint8Array[]; values: Uint8Array[] },
  index: number,
  reads: Read[],
  timedRead: (first: boolean) => void,
): Promise<void> {
  const { keys, values } = batch;
  const variant = FIRST_VARIANTS[index % FIRST_VARIANTS.length] as string;
  if (variant === 'awake') {
    // The thread never sleeps through the commit: it spins on event-loop turns.
    let done = false;
    const commit = engine.putBatch(keys, values).then(() => {
      done = true;
    });
    while (!done) await tick();
    await commit;
  } else await engine.putBatch(keys, values);
  if (variant === 'control') firstControls.push(controlUs());
  else if (variant === 'spin') spin(SPIN_US);
  else if (variant === 'yield') await tick();
  const before = reads.length;
  for (let i = 0; i < READS_PER_BATCH; i++) {
    timedRead(i === 0);
    // The CPU the thread ran the first read on, against the one it ran the previous batch's last read on.
    if (i === 0 && variant === 'none') (currentCpu() === lastCpu ? firstSameCpu : firstOtherCpu).push((reads[before] as Read).us);
  }
  if (variant === 'none') lastCpu = currentCpu();
  firstBy.get(variant)?.push((reads[before] as Read).us);
  firstReads.get(variant)?.push(reads[before] as Read);
  laterBy.get(variant)?.push(...reads.slice(before + 1).map((r) => r.us));
  if (variant === 'control') laterControls.push(controlUs());
}

/** Prints the experiment's summary. */
export function reportFirstReads(): void {
  for (const variant of FIRST_VARIANTS) {
    const f = sorted(firstBy.get(variant) ?? []);
    const l = sorted(laterBy.get(variant) ?? []);
    console.log(`  after the batch: ${variant.padEnd(8)} first read p50 ${at(f, 0.5).toFixed(1)} p90 ${at(f, 0.9).toFixed(1)}; later reads p50 ${at(l, 0.5).toFixed(1)} p99 ${at(l, 0.99).toFixed(1)}`);
    row(`first, ${variant}`, firstReads.get(variant) ?? []);
  }
  const same = sorted(firstSameCpu);
  const other = sorted(firstOtherCpu);
  console.log(`  first read on the CPU of the previous batch's reads: n ${same.length} p50 ${at(same, 0.5).toFixed(1)} p90 ${at(same, 0.9).toFixed(1)}; on the other CPU: n ${other.length} p50 ${at(other, 0.5).toFixed(1)} p90 ${at(other, 0.9).toFixed(1)}`);
  const fc = sorted(firstControls);
  const lc = sorted(laterControls);
  console.log(`  control op first after the batch p50 ${at(fc, 0.5).toFixed(1)} p90 ${at(fc, 0.9).toFixed(1)}; after the reads p50 ${at(lc, 0.5).toFixed(1)} p90 ${at(lc, 0.9).toFixed(1)}`);
}
