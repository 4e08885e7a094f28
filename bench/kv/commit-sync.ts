/**
 * Commit-sync bench (issue 9): what one durable group commit costs. A file-backed engine in
 * os.tmpdir() with sync 'full'; COMMITTERS concurrent committers each commit one VALUE_BYTES
 * inline value (a YCSB-style update) in a loop. Per run: commits/s, groups, commit-log fsyncs,
 * process CPU per commit (process.cpuUsage: every thread, the libuv pool's fdatasyncs included;
 * the kernel's journal thread is not), and the commit log's fdatasync latency per group (p50, p99;
 * the preallocation's own fsyncs are counted apart). With `--value-threshold 0` the values go to the
 * value log, whose group fdatasyncs (run concurrently with the commit log's) are timed the same
 * way, with the zero bytes written ahead of it.
 *
 * Each run is its own child process. With `--baseline-src DIR` (a copy of `src/` to compare
 * against, e.g. the tree before a change) runs alternate A/B in one invocation, so both see the
 * same machine load; medians over the rounds are printed.
 *
 * With `--background burst,paced` (any of none, burst, paced) the variants are background-write
 * modes instead, alternated the same way: while the committers run, a background writer writes
 * new files of `--background-file-mb` (default 64: a GC segment at the default) through the
 * Vfs, drawing from a Governor of `--background-mbps` (default 40): `burst` draws the whole file
 * and then writes it (before pacing), `paced` passes the governor as the write's pacer (a draw
 * before each 1 MiB chunk, vfs.ts). Both sync every 4 MiB (NodeVfs). The commit log's fdatasync
 * p99 is then the latency a background write adds to commits.
 *
 *   npx tsx bench/kv/commit-sync.ts [--rounds 5] [--commits 2000] [--value-threshold 0]
 *                                   [--baseline-src /tmp/base/src]
 *                                   [--background burst,paced] [--background-mbps 40] [--background-file-mb 64]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Engine, EngineOptions, Vfs, VfsFile } from '../../src/storage/index.js';

const COMMITTERS = 8;
const VALUE_BYTES = 1024;
const HERE = fileURLToPath(import.meta.url);

interface RunResult {
  readonly label: string;
  readonly commitsPerSec: number;
  readonly groups: number;
  readonly logSyncs: number;
  readonly fillSyncs: number;
  /** Groups whose fdatasync overlapped a fill's fsync, and their fdatasync p50. */
  readonly overlapping: number;
  readonly overlapUsP50: number;
  readonly cpuUsPerCommit: number;
  readonly sysUsPerCommit: number;
  readonly syncUsP50: number;
  readonly syncUsP99: number;
  readonly syncUsP999: number;
  /** The value log's group fdatasyncs (0 when values stay inline), its fill fsyncs and zeros. */
  readonly vlogSyncUsP50: number;
  readonly vlogSyncUsP99: number;
  readonly vlogFillSyncs: number;
  readonly vlogZeroBytes: number;
  /** Background bytes written during the run (0 without --background). */
  readonly backgroundMB: number;
}

/** How the background writer of a run writes its files (see the header). */
type BackgroundMode = 'none' | 'burst' | 'paced';

interface BackgroundSpec {
  readonly mode: BackgroundMode;
  readonly bytesPerSec: number;
  readonly fileBytes: number;
}

interface GovernorLike {
  acquire(bytes: number): Promise<void>;
}

function argValue(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 && at + 1 < process.argv.length ? (process.argv[at + 1] as string) : fallback;
}

/** What the timing Vfs saw: the groups' commit-log fdatasync latencies, and the fill's fsyncs. */
interface LogSyncs {
  readonly syncUs: number[];
  /** The groups' fdatasyncs that overlapped a fill's fsync (which carries the new size and zeros). */
  readonly overlapUs: number[];
  fillSyncs: number;
  fillsRunning: number;
}

function newLogSyncs(): LogSyncs {
  return { syncUs: [], overlapUs: [], fillSyncs: 0, fillsRunning: 0 };
}

/**
 * A NodeVfs (of the tree under test) that times the fdatasyncs of commit-log segments (`.log`,
 * into `seen`) and value-log segments (`.vlog`, into `seenVlog`) through the handle a segment is
 * first opened with (the groups'), and counts those of later handles (the preallocation's). Files
 * are proxied: every other member reaches the file as is.
 */
function logSyncTimer(NodeVfs: new () => Vfs, seenLog: LogSyncs, seenVlog: LogSyncs): Vfs {
  const opened = new Set<string>();
  return new (class extends NodeVfs {
    override openAppend(path: string): VfsFile {
      const file = super.openAppend(path);
      const seen = path.endsWith('.log') ? seenLog : path.endsWith('.vlog') ? seenVlog : undefined;
      if (seen === undefined) return file;
      const groups = !opened.has(path);
      opened.add(path);
      const sync = async (): Promise<void> => {
        const start = process.hrtime.bigint();
        const fillsBefore = seen.fillSyncs;
        const overlapped = seen.fillsRunning > 0;
        if (!groups) {
          seen.fillSyncs++;
          seen.fillsRunning++;
        }
        await file.sync();
        if (!groups) seen.fillsRunning--;
        else (overlapped || seen.fillSyncs !== fillsBefore ? seen.overlapUs : seen.syncUs).push(Number(process.hrtime.bigint() - start) / 1000);
      };
      return new Proxy(file, {
        get: (target, prop): unknown => {
          if (prop === 'sync') return sync;
          const value = Reflect.get(target, prop) as unknown;
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
    }
  })();
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

/**
 * Writes new files of spec.fileBytes into `dir` through `vfs` until `running()` is false, drawing
 * from a governor of spec.bytesPerSec as `spec.mode` says; returns the bytes written.
 */
async function backgroundWriter(src: string, vfs: Vfs, dir: string, spec: BackgroundSpec, running: () => boolean): Promise<number> {
  if (spec.mode === 'none') return 0;
  const { Governor } = (await import(pathToFileURL(join(src, 'storage/governor.ts')).href)) as { Governor: new (budgetBytesPerSec: number) => GovernorLike };
  const governor = new Governor(spec.bytesPerSec);
  const data = Buffer.alloc(spec.fileBytes, 0x5a);
  let written = 0;
  for (let n = 0; running(); n++) {
    const path = join(dir, `background-${n}.vgc`);
    if (spec.mode === 'burst') {
      await governor.acquire(data.length);
      await vfs.writeFileSynced(path, data);
    } else {
      await vfs.writeFileSynced(path, data, (bytes) => governor.acquire(bytes));
    }
    vfs.remove(path);
    written += data.length;
  }
  return written;
}

/** One run in this process against the storage layer of `src`. */
async function runChild(src: string, label: string, commitsEach: number, valueThreshold: number, background: BackgroundSpec): Promise<RunResult> {
  const storage = (await import(pathToFileURL(join(src, 'storage/index.ts')).href)) as {
    Engine: { open(dir: string, options: EngineOptions): Promise<Engine> };
    NodeVfs: new () => Vfs;
  };
  const dir = mkdtempSync(join(tmpdir(), 'strata-commit-sync-'));
  const seen = newLogSyncs();
  const seenVlog = newLogSyncs();
  const vfs = logSyncTimer(storage.NodeVfs, seen, seenVlog);
  const engine = await storage.Engine.open(dir, { vfs, sync: 'full', valueThreshold, memtableBytesMax: 64 * 1024 * 1024 });
  const value = Buffer.alloc(VALUE_BYTES, 7);
  const committer = async (c: number, count: number): Promise<void> => {
    for (let n = 0; n < count; n++) {
      await engine.commit([{ key: Buffer.from(`user${c}-${n % 1000}`), value }], engine.lastTs() + 1);
    }
  };
  await Promise.all(Array.from({ length: COMMITTERS }, (_, c) => committer(c, 50)));
  for (const s of [seen, seenVlog]) {
    s.syncUs.length = 0;
    s.overlapUs.length = 0;
    s.fillSyncs = 0;
  }
  const statsBefore = engine.stats();
  const groupsBefore = statsBefore.groups;
  const zeroBytesBefore = vlogZeroBytes(statsBefore);
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  let committing = true;
  const backgroundDone = backgroundWriter(src, vfs, dir, background, () => committing);
  await Promise.all(Array.from({ length: COMMITTERS }, (_, c) => committer(c, commitsEach)));
  committing = false;
  const wallUs = Number(process.hrtime.bigint() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const backgroundBytes = await backgroundDone;
  const statsAfter = engine.stats();
  const groups = statsAfter.groups - groupsBefore;
  const zeroBytes = vlogZeroBytes(statsAfter) - zeroBytesBefore;
  const vlogSorted = [...seenVlog.syncUs, ...seenVlog.overlapUs].sort((a, b) => a - b);
  const commits = COMMITTERS * commitsEach;
  const sorted = [...seen.syncUs, ...seen.overlapUs].sort((a, b) => a - b);
  const overlapSorted = [...seen.overlapUs].sort((a, b) => a - b);
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    label,
    commitsPerSec: Math.round((commits / wallUs) * 1e6),
    groups,
    logSyncs: sorted.length,
    fillSyncs: seen.fillSyncs,
    overlapping: overlapSorted.length,
    overlapUsP50: percentile(overlapSorted, 0.5),
    cpuUsPerCommit: (used.user + used.system) / commits,
    sysUsPerCommit: used.system / commits,
    syncUsP50: percentile(sorted, 0.5),
    syncUsP99: percentile(sorted, 0.99),
    syncUsP999: percentile(sorted, 0.999),
    vlogSyncUsP50: percentile(vlogSorted, 0.5),
    vlogSyncUsP99: percentile(vlogSorted, 0.99),
    vlogFillSyncs: seenVlog.fillSyncs,
    vlogZeroBytes: zeroBytes,
    backgroundMB: backgroundBytes / 1e6,
  };
}

/** Zeros written ahead of the value log (0 for a tree without the counter). */
function vlogZeroBytes(stats: object): number {
  const value = (stats as { vlogZeroBytesWritten?: unknown }).vlogZeroBytesWritten;
  return typeof value === 'number' ? value : 0;
}

function spawnRun(src: string, label: string, commitsEach: number, valueThreshold: number): RunResult {
  const args = ['--child', src, '--label', label, '--commits', String(commitsEach), '--value-threshold', String(valueThreshold)];
  for (const name of ['--background-mbps', '--background-file-mb']) if (process.argv.includes(name)) args.push(name, argValue(name, ''));
  const child = spawnSync(process.execPath, [...process.execArgv, HERE, ...args], { encoding: 'utf8' });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !line.startsWith('{')) throw new Error(`run ${label} failed: ${child.stderr}`);
  return JSON.parse(line) as RunResult;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function format(r: RunResult): string {
  return (
    `${r.label.padEnd(9)} ${String(r.commitsPerSec).padStart(7)} commits/s  groups ${String(r.groups).padStart(6)}  log fsyncs ${String(r.logSyncs).padStart(6)} (+${r.fillSyncs} fill)  ` +
    `CPU ${r.cpuUsPerCommit.toFixed(1).padStart(6)} µs/commit (sys ${r.sysUsPerCommit.toFixed(1).padStart(5)})  fdatasync p50 ${r.syncUsP50.toFixed(0).padStart(5)} µs p99 ${r.syncUsP99.toFixed(0).padStart(6)} µs p99.9 ${r.syncUsP999.toFixed(0).padStart(6)} µs` +
    (r.fillSyncs > 0 ? `  (${r.overlapping} overlapping a fill: p50 ${r.overlapUsP50.toFixed(0)} µs)` : '') +
    (r.backgroundMB > 0 ? `  background ${r.backgroundMB.toFixed(0)} MB` : '') +
    (r.vlogSyncUsP50 > 0
      ? `\n          vlog fdatasync p50 ${r.vlogSyncUsP50.toFixed(0).padStart(5)} µs p99 ${r.vlogSyncUsP99.toFixed(0).padStart(6)} µs (+${r.vlogFillSyncs} fill, ${(r.vlogZeroBytes / 1024).toFixed(0)} KiB zeros)`
      : '')
  );
}

async function main(): Promise<void> {
  const commitsEach = Number(argValue('--commits', '2000'));
  // Inline by default (the value stays in the commit record); 0 puts it in the value log too.
  const valueThreshold = Number(argValue('--value-threshold', String(4 * VALUE_BYTES)));
  if (process.argv.includes('--child')) {
    const label = argValue('--label', 'run');
    const mode: BackgroundMode = label === 'burst' || label === 'paced' ? label : 'none';
    const background = { mode, bytesPerSec: Number(argValue('--background-mbps', '40')) * 1e6, fileBytes: Number(argValue('--background-file-mb', '64')) * 1024 * 1024 };
    const result = await runChild(argValue('--child', ''), label, commitsEach, valueThreshold, background);
    console.log(JSON.stringify(result));
    return;
  }
  const rounds = Number(argValue('--rounds', '5'));
  const baseline = argValue('--baseline-src', '');
  const current = resolve(HERE, '../../../src');
  const modes = argValue('--background', '');
  // With --background the variants are the background-write modes (run labels name them).
  const variants: Array<[string, string]> = modes === '' ? [['current', current]] : modes.split(',').map((mode) => [mode, current]);
  if (baseline !== '') variants.push(['baseline', resolve(baseline)]);
  const where = valueThreshold > VALUE_BYTES ? 'inline' : 'in the value log';
  console.log(`commit-sync: ${COMMITTERS} committers × ${commitsEach} commits of one ${VALUE_BYTES} B value (${where}), sync full, ${tmpdir()}`);
  const results = new Map<string, RunResult[]>(variants.map(([label]) => [label, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const [label, src] of order) {
      const result = spawnRun(src, label, commitsEach, valueThreshold);
      results.get(label)?.push(result);
      console.log(`round ${round + 1}  ${format(result)}`);
    }
  }
  console.log('medians over the rounds:');
  for (const [label, runs] of results) {
    const pick = (f: (r: RunResult) => number): number => median(runs.map(f));
    console.log(
      `          ${format({ label, commitsPerSec: pick((r) => r.commitsPerSec), groups: pick((r) => r.groups), logSyncs: pick((r) => r.logSyncs), fillSyncs: pick((r) => r.fillSyncs), overlapping: pick((r) => r.overlapping), overlapUsP50: pick((r) => r.overlapUsP50), cpuUsPerCommit: pick((r) => r.cpuUsPerCommit), sysUsPerCommit: pick((r) => r.sysUsPerCommit), syncUsP50: pick((r) => r.syncUsP50), syncUsP99: pick((r) => r.syncUsP99), syncUsP999: pick((r) => r.syncUsP999), vlogSyncUsP50: pick((r) => r.vlogSyncUsP50), vlogSyncUsP99: pick((r) => r.vlogSyncUsP99), vlogFillSyncs: pick((r) => r.vlogFillSyncs), vlogZeroBytes: pick((r) => r.vlogZeroBytes), backgroundMB: pick((r) => r.backgroundMB) })}`,
    );
  }
}

await main();
