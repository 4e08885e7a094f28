/**
 * SQLLogicTest command line: runs script files over the wire against PostgreSQL 15, stratadb, or both
 * in one invocation (interleaved file by file), and prints per-file counts and wall times, a
 * comparison table, and a final `N passed, N failed` line (stratadb's when both run).
 *
 *   tsx test/sqllogic/run.ts [--target postgres|stratadb|both] [files or dirs...]
 *     --postgres HOST:PORT / --stratadb HOST:PORT   use a running server instead of starting one
 *     --write-baseline [PATH]   write PostgreSQL's per-file counts (default test/sqllogic/postgres-baseline.json)
 *     --json PATH               write every result (with failure messages) as JSON
 *     --check                   exit 1 if stratadb fails a record PostgreSQL passes
 *     --verbose                 print every failure
 *     --timeout-ms N            per-record limit (default 300000)
 *     --sample                  select1–5 plus the first file of every other folder
 *
 * - The default corpus is ../shared/sqllogictest/test relative to the repository.
 * - Servers started here get fresh temporary data directories and are stopped at the end.
 * - Each file runs in a fresh database; a server started here that has no CREATE DATABASE is
 *   restarted with a fresh data directory between files instead (restart time is not counted).
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startPostgres } from '../support/postgres.js';
import type { ServerHandle } from '../support/server-handle.js';
import { REPO_ROOT, startStratadb, stratadbAvailable } from '../support/stratadb.js';
import { comparisonTable, failuresBeyond, fileLine, readBaseline, totalsLine, totalsOf, writeBaseline } from './slt-report.js';
import { type ConnectTarget, type FileResult, SltRunner } from './slt-runner.js';

const CORPUS_ROOT = resolve(REPO_ROOT, '..', 'shared', 'sqllogictest');
const DEFAULT_CORPUS = join(CORPUS_ROOT, 'test');
const BASELINE_PATH = join(REPO_ROOT, 'test', 'sqllogic', 'postgres-baseline.json');

type TargetName = 'postgres' | 'stratadb';

interface Target {
  readonly name: TargetName;
  connect: ConnectTarget;
  server: ServerHandle | undefined;
  runner: SltRunner;
  readonly results: FileResult[];
  readonly timeoutMs: number;
}

function scriptFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const out: string[] = [];
  for (const name of readdirSync(path)) out.push(...scriptFiles(join(path, name)).filter((file) => file.endsWith('.test')));
  return out;
}

/** The name a file goes by in reports and baselines: relative to the corpus root when inside it. */
function displayName(path: string): string {
  const fromCorpus = relative(CORPUS_ROOT, path);
  return fromCorpus.startsWith('..') ? relative(process.cwd(), path) : fromCorpus;
}

/** select1–5 (files directly in a folder named `test`) plus the first file of every other folder. */
function sample(files: readonly string[]): string[] {
  const seen = new Set<string>();
  return files.filter((file) => {
    const folder = dirname(file);
    if (basename(folder) === 'test') return true;
    if (seen.has(folder)) return false;
    seen.add(folder);
    return true;
  });
}

function parseHostPort(text: string): { host: string; port: number } {
  const at = text.lastIndexOf(':');
  const port = Number(text.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port)) throw new Error(`expected HOST:PORT, got '${text}'`);
  return { host: text.slice(0, at), port };
}

async function openTarget(name: TargetName, existing: string | undefined, timeoutMs: number): Promise<Target> {
  let server: ServerHandle | undefined;
  let connect: ConnectTarget;
  if (existing !== undefined) connect = { ...parseHostPort(existing), user: 'postgres', database: 'postgres' };
  else {
    server = name === 'postgres' ? await startPostgres() : await startStratadb();
    connect = server;
  }
  process.stderr.write(`${name}: ${connect.host}:${connect.port}${server !== undefined ? ` (started, data ${server.dataDir})` : ''}\n`);
  return { name, connect, server, runner: newRunner(name, connect, timeoutMs), results: [], timeoutMs };
}

function newRunner(name: TargetName, connect: ConnectTarget, timeoutMs: number): SltRunner {
  return new SltRunner(connect, { recordTimeoutMs: timeoutMs, onRecord: progress(name) });
}

/**
 * A server without CREATE DATABASE that we started ourselves is restarted with a fresh data
 * directory before the next file, so files never see each other's tables.
 */
async function isolateNextFile(target: Target): Promise<void> {
  if (target.runner.canCreateDatabase || target.server === undefined) return;
  await target.runner.close();
  await target.server.stop();
  target.server = target.name === 'postgres' ? await startPostgres() : await startStratadb();
  target.connect = target.server;
  target.runner = newRunner(target.name, target.connect, target.timeoutMs);
}

/** A progress line: rewritten in place on a terminal, else one line every 30 s. */
function progress(name: string): (result: FileResult) => void {
  const tty = process.stderr.isTTY;
  const intervalMs = tty ? 250 : 30_000;
  let last = Date.now();
  return (result) => {
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    const line = `${name} ${result.file}: ${result.run} run, ${result.failed} failed`;
    process.stderr.write(tty ? `\r${line}   ` : `  … ${line}\n`);
  };
}

function chooseTargets(requested: string): TargetName[] {
  if (requested === 'postgres' || requested === 'stratadb') return [requested];
  if (requested !== 'both') throw new Error(`--target must be postgres, stratadb or both, not '${requested}'`);
  if (stratadbAvailable()) return ['postgres', 'stratadb'];
  process.stderr.write('stratadb CLI (src/cli.ts) not found: running PostgreSQL only\n');
  return ['postgres'];
}

function printFailures(target: Target, verbose: boolean): void {
  if (!verbose) return;
  for (const result of target.results) {
    for (const failure of result.failures) console.log(`  ${target.name} ${result.file}:${failure.line} ${failure.reason}: ${failure.message}`);
  }
}

/** Records stratadb fails that PostgreSQL passes (same run if PG ran, else the baseline). */
function regressions(strata: Target, postgres: Target | undefined): number {
  const baseline = readBaseline(BASELINE_PATH);
  const pgByFile = new Map(postgres?.results.map((result) => [result.file, result]) ?? []);
  let count = 0;
  for (const result of strata.results) {
    const pgResult = pgByFile.get(result.file);
    const reference = pgResult !== undefined ? { failedLines: pgResult.failures.map((f) => f.line) } : baseline?.files[result.file];
    if (reference === undefined) continue;
    const lines = failuresBeyond(result, reference);
    count += lines.length;
    if (lines.length > 0) console.log(`stratadb fails ${lines.length} records PostgreSQL passes in ${result.file}: lines ${lines.slice(0, 20).join(', ')}${lines.length > 20 ? ', …' : ''}`);
  }
  return count;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      target: { type: 'string', default: 'both' },
      postgres: { type: 'string' },
      stratadb: { type: 'string' },
      'write-baseline': { type: 'boolean', default: false },
      'baseline-path': { type: 'string', default: BASELINE_PATH },
      json: { type: 'string' },
      check: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      'timeout-ms': { type: 'string', default: '300000' },
      sample: { type: 'boolean', default: false },
    },
  });
  const all = (positionals.length > 0 ? positionals : [DEFAULT_CORPUS])
    .flatMap((path) => scriptFiles(resolve(path)))
    .sort((a, b) => (displayName(a) < displayName(b) ? -1 : 1));
  const files = values.sample ? sample(all) : all;
  const targets: Target[] = [];
  try {
    for (const name of chooseTargets(values.target)) targets.push(await openTarget(name, values[name], Number(values['timeout-ms'])));
    for (const file of files) {
      for (const target of targets) {
        const result = await target.runner.runFile(file, displayName(file));
        target.results.push(result);
        if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
        console.log(fileLine(target.name, result));
        await isolateNextFile(target);
      }
    }
    return report(targets, values);
  } finally {
    for (const target of targets) {
      await target.runner.close();
      await target.server?.stop();
    }
  }
}

function report(targets: Target[], values: { 'write-baseline': boolean; 'baseline-path': string; json?: string; check: boolean; verbose: boolean }): number {
  const postgres = targets.find((target) => target.name === 'postgres');
  const strata = targets.find((target) => target.name === 'stratadb');
  for (const target of targets) printFailures(target, values.verbose);
  if (postgres !== undefined && strata !== undefined) console.log(`\n${comparisonTable(postgres.results, strata.results)}\n`);
  for (const target of targets) console.log(totalsLine(target.name, totalsOf(target.results)));
  if (postgres !== undefined && values['write-baseline']) {
    writeBaseline(values['baseline-path'], `PostgreSQL 15 (${postgres.connect.host}:${postgres.connect.port})`, postgres.results);
    console.log(`baseline written to ${values['baseline-path']}`);
  }
  if (values.json !== undefined) {
    writeFileSync(values.json, `${JSON.stringify(Object.fromEntries(targets.map((t) => [t.name, t.results])), null, 1)}\n`);
  }
  const beyond = strata !== undefined ? regressions(strata, postgres) : 0;
  const final = totalsOf((strata ?? postgres ?? targets[0])?.results ?? []);
  console.log(`${final.passed} passed, ${final.failed} failed`);
  return values.check && beyond > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
