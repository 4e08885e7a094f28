/**
 * Wire benchmark: `SELECT 1` round trips per second, simple and extended query protocol, with 1
 * and 8 connections, against stratadb's wire server (own process; over the fake database and over
 * the real SQL layer on the in-memory KV) and PostgreSQL 15
 * (temporary cluster, trust auth, loopback) in the same run. Clients are node-postgres.
 * Modes: simple (Query), extended (unnamed Parse/Bind/Describe/Execute/Sync per query), prepared
 * (named statement, Bind/Execute/Sync), rows (DataRow throughput: rows/s of a 10,000-row result). Run: `npx tsx bench/wire/run.ts [secondsPerCell]`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const SECONDS = Number(process.argv[2] ?? 3);
const PG_BIN = '/usr/lib/postgresql/15/bin';

type Mode = 'simple' | 'extended' | 'prepared' | 'rows';

/** The 'rows' mode streams this many int4 rows per query and reports rows/s instead of queries/s. */
const ROWS_PER_QUERY = 10_000;

function asPostgres(command: string): void {
  const result = spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', command], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}${result.stdout}`);
}

function startPostgres(): { port: number; stop(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'stratadb-bench-pg-'));
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim();
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim();
  chownSync(dir, Number(uid), Number(gid));
  const port = 20_000 + Math.floor(Math.random() * 10_000);
  asPostgres(`${PG_BIN}/initdb -D ${dir}/data -A trust -U postgres >/dev/null`);
  asPostgres(`${PG_BIN}/pg_ctl -D ${dir}/data -o "-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off" -l ${dir}/log -w start >/dev/null`);
  return {
    port,
    stop(): void {
      asPostgres(`${PG_BIN}/pg_ctl -D ${dir}/data -m fast -w stop >/dev/null`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

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

/** Round trips (or rows) per second; NaN when the server does not support the query. */
async function roundTrips(port: number, connections: number, mode: Mode): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
      await client.connect();
      return client;
    }),
  );
  const query: string | pg.QueryConfig =
    mode === 'rows' ? `SELECT generate_series(1, ${ROWS_PER_QUERY})` : mode === 'simple' ? 'SELECT 1' : mode === 'extended'
        ? ({ text: 'SELECT 1', queryMode: 'extended' } as pg.QueryConfig) // Parse/Bind/Describe/Execute/Sync each time
        : { name: 'one', text: 'SELECT 1' }; // named prepared statement: Bind/Execute/Sync
  try {
    for (const client of clients) for (let i = 0; i < 50; i++) await client.query(query); // warm up
  } catch {
    await Promise.all(clients.map((client) => client.end()));
    return Number.NaN;
  }
  let count = 0;
  const deadline = performance.now() + SECONDS * 1000;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) {
        await client.query(query);
        count++;
      }
    }),
  );
  await Promise.all(clients.map((client) => client.end()));
  return ((mode === 'rows' ? ROWS_PER_QUERY : 1) * count) / SECONDS;
}

function rate(value: number): string {
  return (Number.isNaN(value) ? 'n/a' : Math.round(value).toLocaleString('en-US')).padStart(12);
}

async function main(): Promise<void> {
  const postgres = startPostgres();
  const fake = await startStrata('fake');
  const sql = await startStrata('sql');
  try {
    console.log(`round trips/s (rows/s for 'rows'), ${SECONDS} s per cell, node-postgres clients in one process`);
    console.log('mode      conns   strata:fake    strata:sql   postgres 15   fake/pg   sql/pg');
    for (const mode of ['simple', 'extended', 'prepared', 'rows'] as const) {
      for (const connections of [1, 8]) {
        const ours = await roundTrips(fake.port, connections, mode);
        const full = await roundTrips(sql.port, connections, mode);
        const theirs = await roundTrips(postgres.port, connections, mode);
        const ratio = (x: number): string => (Number.isNaN(x) ? 'n/a' : (x / theirs).toFixed(2)).padStart(8);
        console.log(`${mode.padEnd(9)} ${String(connections).padStart(5)}  ${rate(ours)}  ${rate(full)}  ${rate(theirs)}  ${ratio(ours)} ${ratio(full)}`);
      }
    }
  } finally {
    fake.child.stdin?.end();
    sql.child.stdin?.end();
    postgres.stop();
  }
}

await main();
