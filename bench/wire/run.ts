/**
 * Wire benchmark: round trips per second of `SELECT 1` over the simple, extended (unnamed
 * Parse/Bind/Describe/Execute/Sync) and prepared (named statement: Bind/Execute/Sync) protocols,
 * and DataRow throughput (rows/s of a 10,000-row result), with 1 and 8 connections. Targets, in
 * the same run: stratadb's wire server in its own process over the fake database (wire cost
 * only) and over the real SQL layer on the in-memory KV, and PostgreSQL 15 (temporary cluster,
 * trust auth, loopback, fsync off). The client is pgbench (C, libpq), so the client is not the
 * bottleneck. The machine is shared, so each cell is the median of REPEATS interleaved runs.
 * Run: `npx tsx bench/wire/run.ts [secondsPerCell] [repeats]`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPgCluster } from '../../test/wire/pg-cluster.js';

const SECONDS = Number(process.argv[2] ?? 3);
/** Each cell runs this many times, interleaved across targets; the median is reported. */
const REPEATS = Number(process.argv[3] ?? 3);
const PG_BIN = '/usr/lib/postgresql/15/bin';
const ROWS_PER_QUERY = 10_000;

type Mode = 'simple' | 'extended' | 'prepared' | 'rows';

async function startStrata(kind: 'fake' | 'sql'): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn('npx', ['tsx', 'bench/wire/server-main.ts', kind], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /port=(\d+)/.exec(text);
      if (match !== null) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { port, child };
}

/** Queries per second (rows per second for 'rows'), or NaN when the target cannot run it. */
function pgbench(port: number, connections: number, mode: Mode, scripts: Record<'one' | 'rows', string>): Promise<number> {
  const args = [
    '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-n', '-T', String(SECONDS),
    '-c', String(connections), '-j', String(Math.min(connections, 2)),
    '-M', mode === 'rows' ? 'simple' : mode, '-f', mode === 'rows' ? scripts.rows : scripts.one, 'postgres',
  ];
  return new Promise((resolve) => {
    execFile(`${PG_BIN}/pgbench`, args, { env: { ...process.env, PGSSLMODE: 'disable' } }, (error, stdout) => {
      const match = /tps = ([\d.]+)/.exec(stdout);
      if (error !== null || match === null) return resolve(Number.NaN);
      resolve(Number(match[1]) * (mode === 'rows' ? ROWS_PER_QUERY : 1));
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function cell(value: number): string {
  return (Number.isNaN(value) ? 'n/a' : Math.round(value).toLocaleString('en-US')).padStart(12);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stratadb-bench-wire-'));
  const scripts = { one: join(dir, 'one.sql'), rows: join(dir, 'rows.sql') };
  writeFileSync(scripts.one, 'SELECT 1;\n');
  writeFileSync(scripts.rows, `SELECT generate_series(1, ${ROWS_PER_QUERY});\n`);
  const postgres = await startPgCluster();
  const fake = await startStrata('fake');
  const sql = await startStrata('sql');
  try {
    console.log(`pgbench, median of ${REPEATS} × ${SECONDS} s per cell; queries/s (rows/s for 'rows')`);
    console.log('mode      conns   strata:fake    strata:sql   postgres 15   fake/pg   sql/pg');
    for (const mode of ['simple', 'extended', 'prepared', 'rows'] as const) {
      for (const connections of [1, 8]) {
        const runs: number[][] = [[], [], []];
        for (let r = 0; r < REPEATS; r++) {
          runs[0]!.push(await pgbench(fake.port, connections, mode, scripts));
          runs[1]!.push(await pgbench(sql.port, connections, mode, scripts));
          runs[2]!.push(await pgbench(postgres.port, connections, mode, scripts));
        }
        const [ours, full, theirs] = runs.map(median) as [number, number, number];
        const ratio = (x: number): string => (Number.isNaN(x) ? 'n/a' : (x / theirs).toFixed(2)).padStart(8);
        console.log(`${mode.padEnd(9)} ${String(connections).padStart(5)}  ${cell(ours)}  ${cell(full)}  ${cell(theirs)}  ${ratio(ours)} ${ratio(full)}`);
      }
    }
  } finally {
    fake.child.stdin?.end();
    sql.child.stdin?.end();
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
