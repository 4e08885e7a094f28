/**
 * Diagnostic for the governor sweep's read tail (issue 3): where do the reads slower than the
 * median come from? Loads the sweep's data set (governor-sweep.ts: PRELOAD_KEYS keys, 1 KiB
 * values in the value log, a small block cache), then times single gets of unwritten keys, idle
 * and between fsynced write batches, and classifies every read slower than TAIL_FACTOR × p50 by
 * what happened during it:
 *
 * - switched: the main thread left the CPU during the read (its schedstat timeslice count moved:
 *   preempted by another thread or process, or it blocked in a system call);
 * - gc: a V8 garbage collection pause overlapped the read;
 * - miss: the read missed the block cache (a block pread + checksum);
 * - none of these (the read's own work with warm caches).
 *
 * A control runs first: the same pacing around a fixed piece of work with no engine in it (copy a
 * 4 KiB block out of a 16 MiB buffer and checksum it, about a cache-missing read's CPU work), so
 * the machine's own tail (other tenants, interrupts, the hypervisor) shows apart from the engine's.
 *
 * Env: TAIL_READS (default 20000 per phase), TAIL_FACTOR (default 3). Run: `npx tsx bench/kv/read-tail-trace.ts`.
 */
import { mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { NodeVfs, type VfsFile } from '../../src/storage/index.js';
import { crc32 } from '../../src/util/crc32.js';
import { canReadInto } from '../../src/storage/read-into.js';
import { openStrata, type BenchEngine } from './engines.js';
import { mainThreadSched } from './thread-sched.js';

/** Microseconds spent in file reads (pread) since the last reset: a read's I/O share. */
let readUs = 0;
/** `file` with its reads timed into readUs (readInto passed through, timed, when the file has it). */
function timedFile(file: VfsFile): VfsFile {
  const readInto = canReadInto(file)
    ? (offset: number, target: Uint8Array, targetOffset: number, length: number): number => {
        const t = performance.now();
        const n = file.readInto(offset, target, targetOffset, length);
        readUs += (performance.now() - t) * 1000;
        return n;
      }
    : undefined;
  const writeAt = file.writeAt === undefined ? undefined : (offset: number, data: Uint8Array): void => file.writeAt?.(offset, data);
  return {
    ...(readInto === undefined ? {} : { readInto }),
    ...(writeAt === undefined ? {} : { writeAt }),
    path: file.path,
    size: () => file.size(),
    read: (offset, length) => {
      const t = performance.now();
      const out = file.read(offset, length);
      readUs += (performance.now() - t) * 1000;
      return out;
    },
    append: (data) => file.append(data),
    sync: () => file.sync(),
    close: () => file.close(),
  };
}

/** Times the reads of every file (tables and value-log segments alike). */
class TimingVfs extends NodeVfs {
  override openRead(path: string): VfsFile {
    return timedFile(super.openRead(path));
  }
  override openAppend(path: string): VfsFile {
    return timedFile(super.openAppend(path));
  }
}

const READS = Number(process.env.TAIL_READS ?? 20_000);
const TAIL_FACTOR = Number(process.env.TAIL_FACTOR ?? 3);
const KEY_BYTES = 16;
const VALUE_BYTES = 1024;
const PRELOAD_KEYS = 100_000;
const CACHE_BYTES = 256 * 1024;

const gcPauses: PerformanceEntry[] = [];
new PerformanceObserver((list) => gcPauses.push(...list.getEntries())).observe({ entryTypes: ['gc'] });

const statFd = openSync(`/proc/${process.pid}/stat`, 'r');
const statBuf = Buffer.alloc(1024);
/** Minor page faults of the process so far (/proc/<pid>/stat field 10). */
function minorFaults(): number {
  const n = readSync(statFd, statBuf, 0, statBuf.length, 0);
  const text = statBuf.toString('latin1', 0, n);
  return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[7]);
}

const keyOf = (i: number): Uint8Array => Buffer.from(String(i).padStart(KEY_BYTES, '0'));
const oddKey = (): Uint8Array => keyOf(2 * Math.floor(Math.random() * (PRELOAD_KEYS / 2)) + 1);

interface Read {
  start: number;
  us: number;
  switched: boolean;
  miss: boolean;
  /** Of `us`: time in file reads. */
  preadUs: number;
  faults: number;
}

function timedRead(engine: BenchEngine, out: Read[]): void {
  const key = oddKey();
  const missesBefore = engine.stats?.().blockCacheMisses ?? 0;
  const slices = mainThreadSched()[2];
  readUs = 0;
  const faults = minorFaults();
  const t = performance.now();
  engine.get(key);
  const us = (performance.now() - t) * 1000;
  const switched = mainThreadSched()[2] !== slices;
  const preadUs = readUs;
  out.push({ start: t, us, switched, miss: (engine.stats?.().blockCacheMisses ?? 0) !== missesBefore, preadUs, faults: minorFaults() - faults });
}

function report(phase: string, reads: readonly Read[]): void {
  const sorted = reads.map((r) => r.us).sort((a, b) => a - b);
  const p = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
  const p50 = p(0.5);
  const tail = reads.filter((r) => r.us > TAIL_FACTOR * p50);
  const gcOverlap = (r: Read): boolean => gcPauses.some((g) => g.startTime < r.start + r.us / 1000 && g.startTime + g.duration > r.start);
  let switched = 0;
  let gc = 0;
  let miss = 0;
  let none = 0;
  for (const r of tail) {
    if (r.switched) switched++;
    else if (gcOverlap(r)) gc++;
    else if (r.miss) miss++;
    else none++;
  }
  const missP50 = reads.filter((r) => r.miss && !r.switched).map((r) => r.us).sort((a, b) => a - b);
  const hitP50 = reads.filter((r) => !r.miss && !r.switched).map((r) => r.us).sort((a, b) => a - b);
  const median = (xs: number[]): number => xs[Math.floor(xs.length / 2)] ?? 0;
  const share = (n: number): string => `${n} (${((100 * n) / Math.max(1, tail.length)).toFixed(0)}%)`;
  console.log(
    `${phase}: ${reads.length} reads, p50 ${p50.toFixed(1)} µs, p99 ${p(0.99).toFixed(1)} µs, p99.9 ${p(0.999).toFixed(1)} µs; ` +
      `block-cache miss ${((100 * reads.filter((r) => r.miss).length) / reads.length).toFixed(0)}% (median ${median(missP50).toFixed(1)} µs, hits ${median(hitP50).toFixed(1)} µs)`,
  );
  console.log(`  reads > ${TAIL_FACTOR}× p50: ${tail.length}: switched off the CPU ${share(switched)}, GC ${share(gc)}, cache miss ${share(miss)}, none of these ${share(none)}`);
  const slowMisses = tail.filter((r) => r.miss && !r.switched && !gcOverlap(r));
  const fastMisses = reads.filter((r) => r.miss && !r.switched && r.us <= p50);
  const mean = (xs: readonly Read[], f: (r: Read) => number): number => xs.reduce((sum, r) => sum + f(r), 0) / Math.max(1, xs.length);
  console.log(
    `  slow misses: mean ${mean(slowMisses, (r) => r.us).toFixed(1)} µs, of it pread ${mean(slowMisses, (r) => r.preadUs).toFixed(1)} µs, minor faults ${mean(slowMisses, (r) => r.faults).toFixed(2)}; misses at or below p50: mean ${mean(fastMisses, (r) => r.us).toFixed(1)} µs, pread ${mean(fastMisses, (r) => r.preadUs).toFixed(1)} µs, minor faults ${mean(fastMisses, (r) => r.faults).toFixed(2)}`,
  );
  const p99NotSwitched = reads.filter((r) => !r.switched).map((r) => r.us).sort((a, b) => a - b);
  console.log(`  without the reads that left the CPU: p50 ${median(p99NotSwitched).toFixed(1)} µs, p99 ${(p99NotSwitched[Math.floor(p99NotSwitched.length * 0.99)] ?? 0).toFixed(1)} µs`);
}

/** The control (see the module comment): reads-shaped records of a fixed engine-free operation. */
async function control(): Promise<Read[]> {
  const source = Buffer.allocUnsafe(16 * 1024 * 1024);
  for (let i = 0; i < source.length; i += 4) source.writeUInt32LE((Math.random() * 0x1_0000_0000) >>> 0, i);
  const out: Read[] = [];
  let sink = 0;
  while (out.length < READS) {
    for (let i = 0; i < 50; i++) {
      const at = 4096 * Math.floor(Math.random() * (source.length / 4096));
      const slices = mainThreadSched()[2];
      const t = performance.now();
      sink ^= crc32(Buffer.from(source.subarray(at, at + 4096)));
      const us = (performance.now() - t) * 1000;
      out.push({ start: t, us, switched: mainThreadSched()[2] !== slices, miss: false, preadUs: 0, faults: 0 });
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (sink === 0.5) console.log(sink);
  return out;
}

async function main(): Promise<void> {
  report('control (4 KiB copy + crc32, no engine)', await control());
  const dir = mkdtempSync(join(tmpdir(), 'kvbench-tail-'));
  const engine = await openStrata(dir, { vfs: new TimingVfs(), memtableBytesMax: 1024 * 1024, vlogSegmentBytesMax: 8 * 1024 * 1024, valueThreshold: 512, blockCacheBytes: CACHE_BYTES });
  const pool = Buffer.allocUnsafe(2 * VALUE_BYTES + 1024);
  for (let i = 0; i < pool.length; i++) pool[i] = Math.floor(Math.random() * 256);
  for (let start = 0; start < PRELOAD_KEYS; start += 1000) {
    const keys: Uint8Array[] = [];
    const values: Uint8Array[] = [];
    for (let i = start; i < start + 1000; i++) {
      keys.push(keyOf(i));
      values.push(pool.subarray(i % 1024, (i % 1024) + VALUE_BYTES));
    }
    await engine.putBatch(keys, values);
  }
  await engine.flush?.();
  await engine.settle?.();
  const idle: Read[] = [];
  while (idle.length < READS) {
    for (let i = 0; i < 50; i++) timedRead(engine, idle);
    await new Promise((resolve) => setImmediate(resolve));
  }
  report('idle', idle);
  const mixed: Read[] = [];
  let written = 0;
  while (mixed.length < READS) {
    const keys: Uint8Array[] = [];
    const values: Uint8Array[] = [];
    for (let i = 0; i < 50; i++) {
      keys.push(keyOf(2 * Math.floor(Math.random() * (PRELOAD_KEYS / 2))));
      values.push(pool.subarray((written + i) % 1024, ((written + i) % 1024) + VALUE_BYTES));
    }
    await engine.putBatch(keys, values);
    written += 50;
    for (let i = 0; i < 50; i++) timedRead(engine, mixed);
  }
  report('between write batches (background unthrottled)', mixed);
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
