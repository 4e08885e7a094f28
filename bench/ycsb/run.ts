/**
 * YCSB workloads A, C and F over the wire against PostgreSQL 15 and stratadb in one invocation.
 *
 *   tsx bench/ycsb/run.ts [--target both|postgres|stratadb] [--durability default|relaxed]
 *     [--records 100000] [--connections 8] [--runs 3] [--workloads A,C,F] [--warmup-s 5]
 *     [--duration-s 20] [--operations N] [--seed 1] [--out bench/results]
 *     [--postgres HOST:PORT] [--stratadb HOST:PORT] [--profile DIR] [--skip-load]
 *     [--stratadb-args="--value-cache-bytes 0 …"]
 *
 * - Each system is started fresh (temporary data directory, loopback port) unless HOST:PORT is given;
 *   durability `default` keeps PostgreSQL's defaults and stratadb's default; `relaxed` runs PostgreSQL
 *   with synchronous_commit=off and stratadb with `--sync relaxed`.
 * - Both systems are loaded, then runs interleave: for each run, each workload, each system (the
 *   system order alternates between runs, so neither always goes first).
 * - Output: a text table on stdout and `ycsb-<durability>-c<connections>.{txt,json,svg}` in --out.
 * - `--profile DIR` starts stratadb under `node --cpu-prof` (the profile is written when it exits).
 * - `--stratadb-args` passes server options (src/cli.ts) to the stratadb it starts, to compare
 *   settings.
 * - `--skip-load` runs against a usertable an earlier invocation loaded (with --postgres/--stratadb
 *   pointing at servers that kept it), so a profiler attached to the server sees only the runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { startPostgres } from '../../test/support/postgres.js';
import type { ServerHandle } from '../../test/support/server-handle.js';
import { REPO_ROOT, startStratadb, stratadbAvailable } from '../../test/support/stratadb.js';
import { ycsbKey } from './fnv-hash.js';
import { svgChart } from './svg-chart.js';
import { connectClient, type ConnectionTarget, loadUsertable } from './usertable.js';
import { type CpuSample, type RunProgress, type RunResult, runWorkload } from './workload-runner.js';
import { ownCpuMs, processTreeCpuMs } from '../support/process-cpu.js';
import { WORKLOADS, type WorkloadName } from './workload.js';
import { ratios, summarize, type Summary, type SystemName, textTable } from './ycsb-report.js';

interface Options {
  targets: SystemName[];
  durability: 'default' | 'relaxed';
  records: number;
  connections: number;
  runs: number;
  workloads: WorkloadName[];
  warmupS: number;
  durationS: number;
  operations: number;
  seed: number;
  outDir: string;
  existing: Partial<Record<SystemName, string>>;
  profileDir: string | undefined;
  skipLoad: boolean;
  stratadbArgs: readonly string[];
}

interface System {
  readonly name: SystemName;
  readonly target: ConnectionTarget;
  readonly server: ServerHandle | undefined;
  readonly version: string;
  readonly clients: pg.Client[];
}

function positiveNumber(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number, not '${text}'`);
  return value;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      target: { type: 'string', default: 'both' },
      durability: { type: 'string', default: 'default' },
      records: { type: 'string', default: '100000' },
      connections: { type: 'string', default: '8' },
      runs: { type: 'string', default: '3' },
      workloads: { type: 'string', default: 'A,C,F' },
      'warmup-s': { type: 'string', default: '5' },
      'duration-s': { type: 'string', default: '20' },
      operations: { type: 'string' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results') },
      postgres: { type: 'string' },
      stratadb: { type: 'string' },
      profile: { type: 'string' },
      'skip-load': { type: 'boolean', default: false },
      'stratadb-args': { type: 'string', default: '' },
    },
  });
  const targets: SystemName[] = values.target === 'both' ? ['postgres', 'stratadb'] : [values.target as SystemName];
  if (!targets.every((t) => t === 'postgres' || t === 'stratadb')) throw new Error(`--target must be both, postgres or stratadb`);
  if (targets.includes('stratadb') && values.stratadb === undefined && !stratadbAvailable()) {
    throw new Error('stratadb CLI (src/cli.ts) not found; use --target postgres');
  }
  if (values.durability !== 'default' && values.durability !== 'relaxed') throw new Error('--durability must be default or relaxed');
  const workloads = values.workloads.split(',').map((w) => w.trim().toUpperCase());
  for (const w of workloads) if (!(w in WORKLOADS)) throw new Error(`unknown workload '${w}' (A, C, F)`);
  return {
    targets,
    durability: values.durability,
    records: Math.max(1, Math.floor(positiveNumber('records', values.records))),
    connections: Math.max(1, Math.floor(positiveNumber('connections', values.connections))),
    runs: Math.max(1, Math.floor(positiveNumber('runs', values.runs))),
    workloads: workloads as WorkloadName[],
    warmupS: positiveNumber('warmup-s', values['warmup-s']),
    durationS: positiveNumber('duration-s', values['duration-s']),
    operations: values.operations === undefined ? Infinity : positiveNumber('operations', values.operations),
    seed: Math.floor(positiveNumber('seed', values.seed)),
    outDir: resolve(values.out),
    existing: { postgres: values.postgres, stratadb: values.stratadb },
    profileDir: values.profile === undefined ? undefined : resolve(values.profile),
    skipLoad: values['skip-load'] === true,
    stratadbArgs: values['stratadb-args'].split(/\s+/).filter((arg) => arg !== ''),
  };
}

function parseHostPort(text: string): ConnectionTarget {
  const at = text.lastIndexOf(':');
  return { host: text.slice(0, at), port: Number(text.slice(at + 1)), user: 'postgres', database: 'postgres' };
}

async function startSystem(name: SystemName, options: Options): Promise<System> {
  const existing = options.existing[name];
  let server: ServerHandle | undefined;
  if (existing === undefined && name === 'postgres') {
    server = await startPostgres(options.durability === 'relaxed' ? { synchronousCommit: 'off' } : {});
  } else if (existing === undefined) {
    const nodeArgs = options.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`];
    server = await startStratadb({ ...(options.durability === 'relaxed' ? { sync: 'relaxed' as const } : {}), nodeArgs, extraArgs: options.stratadbArgs });
  }
  const target = server ?? parseHostPort(existing as string);
  const probe = await connectClient(target);
  const version = await probe.query('SHOW server_version').then(
    (result) => String((result.rows[0] as { server_version: unknown }).server_version),
    () => 'unknown version',
  );
  await probe.end();
  return { name, target, server, version, clients: [] };
}

async function load(system: System, options: Options): Promise<void> {
  const startedMs = performance.now();
  let loaded = 0;
  await loadUsertable(system.target, options.records, options.connections, (rows) => {
    loaded += rows;
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[Kloading ${system.name}: ${loaded}/${options.records}`);
  });
  const seconds = (performance.now() - startedMs) / 1000;
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  console.error(`loaded ${options.records} records into ${system.name} in ${seconds.toFixed(1)} s (${Math.round(options.records / seconds)} rows/s)`);
}

async function connectAll(system: System, options: Options): Promise<void> {
  for (let i = 0; i < options.connections; i++) system.clients.push(await connectClient(system.target));
}

function progressLine(label: string, options: Options, progress: RunProgress, lastOps: { ops: number; atS: number }): string {
  if (!progress.measuring) return `${label}  warm-up ${progress.elapsedS.toFixed(0)}/${options.warmupS} s`;
  const rate = (progress.operations - lastOps.ops) / Math.max(0.001, progress.elapsedS - lastOps.atS);
  lastOps.ops = progress.operations;
  lastOps.atS = progress.elapsedS;
  const measuredS = Math.max(0, progress.elapsedS - options.warmupS);
  return `${label}  ${measuredS.toFixed(0)}/${options.durationS} s  ${Math.round(rate).toLocaleString('en-US')} ops/s  ${progress.operations} ops  ${progress.errors} errors`;
}

async function runOne(system: System, workload: WorkloadName, run: number, keys: readonly string[], options: Options): Promise<RunResult> {
  const progress: RunProgress = { measuring: false, operations: 0, errors: 0, elapsedS: 0 };
  const serverPid = system.server?.pid;
  const label = `[run ${run}/${options.runs}] ${workload} ${system.name}`;
  const lastOps = { ops: 0, atS: options.warmupS };
  let lines = 0;
  const ticker = setInterval(() => {
    const line = progressLine(label, options, progress, lastOps);
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`);
    else if (++lines % 5 === 0) process.stderr.write(`${line}\n`);
  }, 1000);
  try {
    const runOptions = {
      recordCount: options.records,
      warmupS: options.warmupS,
      durationS: options.durationS,
      operationsMax: options.operations,
      seed: options.seed * 100 + run,
      consecutiveErrorsMax: 1000,
      cpuProbe: (): CpuSample => ({ serverMs: serverPid === undefined ? undefined : processTreeCpuMs(serverPid), driverMs: ownCpuMs() }),
    };
    return await runWorkload(system.clients, WORKLOADS[workload], keys, runOptions, progress);
  } finally {
    clearInterval(ticker);
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  }
}

function title(options: Options): string {
  return `YCSB ${options.workloads.join('/')}: ${options.records.toLocaleString('en-US')} records, ${options.connections} connection${options.connections === 1 ? '' : 's'}, durability ${options.durability}`;
}

function subtitle(options: Options, systems: readonly System[]): string {
  const versions = systems.map((s) => `${s.name} ${s.version}`).join(', ');
  const load = `load average ${loadAverageAtStart?.toFixed(1)} → ${loadavg()[0]?.toFixed(1)} on ${cpus().length} CPUs`;
  return `${options.runs} runs × ${options.durationS} s after ${options.warmupS} s warm-up, interleaved; ${new Date().toISOString().slice(0, 16)}Z\n${versions}; ${load}`;
}

/** The 1-minute load average when the run began: the machine is shared, so say how busy it was. */
const loadAverageAtStart = loadavg()[0];

function writeResults(options: Options, systems: readonly System[], summaries: Summary[], startedAt: string): void {
  mkdirSync(options.outDir, { recursive: true });
  const base = join(options.outDir, `ycsb-${options.durability}-c${options.connections}`);
  const heading = title(options);
  const table = textTable(`${heading}\n${subtitle(options, systems)}`, summaries);
  console.log(`\n${table}`);
  writeFileSync(`${base}.txt`, `${table}\n`);
  const { existing: _existing, ...shownOptions } = options;
  const document = {
    benchmark: 'ycsb',
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage1mAtStart: loadAverageAtStart, loadAverage1mAtEnd: loadavg()[0] },
    options: { ...shownOptions, operations: Number.isFinite(options.operations) ? options.operations : null },
    systems: systems.map((s) => ({ name: s.name, version: s.version })),
    ratios: ratios(summaries),
    results: summaries,
  };
  writeFileSync(`${base}.json`, `${JSON.stringify(document, null, 1)}\n`);
  writeFileSync(`${base}.svg`, svgChart(heading, subtitle(options, systems), summaries));
  console.log(`\nwritten: ${base}.txt, ${base}.json, ${base}.svg`);
}

async function main(): Promise<void> {
  const options = parseOptions();
  const startedAt = new Date().toISOString();
  const keys = Array.from({ length: options.records }, (_, i) => ycsbKey(i));
  const systems: System[] = [];
  try {
    for (const name of options.targets) systems.push(await startSystem(name, options));
    for (const system of systems) {
      if (!options.skipLoad) await load(system, options);
      await connectAll(system, options);
    }
    const results = new Map<string, Array<{ run: number; result: RunResult }>>();
    for (let run = 1; run <= options.runs; run++) {
      const ordered = run % 2 === 1 ? systems : [...systems].reverse();
      for (const workload of options.workloads) {
        for (const system of ordered) {
          const result = await runOne(system, workload, run, keys, options);
          const key = `${system.name}/${workload}`;
          results.set(key, [...(results.get(key) ?? []), { run, result }]);
          const errors = result.errors.read + result.errors.update + result.errors.rmw;
          console.error(`${`[run ${run}/${options.runs}] ${workload} ${system.name}`.padEnd(28)} ${Math.round(result.throughputOpsPerS).toLocaleString('en-US').padStart(8)} ops/s  p99 ${(result.all.getValueAtPercentile(99) / 1000).toFixed(2)} ms  errors ${errors}${result.aborted ? ' (aborted)' : ''}`);
          for (const sample of result.errorSamples) console.error(`    ${sample}`);
        }
      }
    }
    const summaries: Summary[] = [];
    for (const workload of options.workloads) {
      for (const system of systems) summaries.push(summarize(system.name, workload, results.get(`${system.name}/${workload}`) ?? []));
    }
    writeResults(options, systems, summaries, startedAt);
  } finally {
    for (const system of systems) {
      for (const client of system.clients) await client.end().catch(() => undefined);
      await system.server?.stop();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
