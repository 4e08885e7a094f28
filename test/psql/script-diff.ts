/**
 * Runs a psql script file (test/psql/testdata/NAME.sql) with psql -a (every statement echoed
 * before its output) on a fresh database of a PostgreSQL 15 server and of a stratadb server, for
 * differential tests that compare everything psql prints: rows, command tags, notices, and
 * errors with their DETAIL, HINT and CONTEXT lines.
 *
 * - psql runs with -X and the C locale, without ON_ERROR_STOP: a failing statement prints its
 *   error and the script goes on, as a test of error messages needs.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startPostgres } from '../support/postgres.js';
import { startStratadb } from '../support/stratadb.js';
import type { ServerHandle } from '../support/server-handle.js';
import { runPsql } from './psql-runner.js';

export const TESTDATA_DIR = join(import.meta.dirname, 'testdata');

/** psql -a -f - of `script` into a new database `database` on `server`: stdout and stderr, interleaved in order. */
export async function runScriptEchoed(server: ServerHandle, database: string, script: string): Promise<string> {
  const created = await runPsql(server, [`CREATE DATABASE ${database}`]);
  if (created !== 'CREATE DATABASE\n') throw new Error(`CREATE DATABASE ${database} failed: ${created}`);
  const args = ['-X', '-a', '-h', server.host, '-p', String(server.port), '-U', 'postgres', '-d', database, '-f', '-'];
  const env = { ...process.env, PAGER: '', PSQL_PAGER: '', LC_ALL: 'C', COLUMNS: '200' };
  return new Promise((resolve, reject) => {
    // stderr into stdout (2>&1) keeps errors next to the statement that raised them.
    const child = execFile('sh', ['-c', 'exec psql "$@" 2>&1', 'psql', ...args], { env, maxBuffer: 16 << 20 }, (error, stdout) => {
      if (error !== null && (error as { code?: unknown }).code !== 0 && stdout === '') reject(error);
      else resolve(stdout);
    });
    child.stdin?.end(script);
  });
}

/** The script test/psql/testdata/`name`.sql. */
export function readScript(name: string): string {
  return readFileSync(join(TESTDATA_DIR, `${name}.sql`), 'utf8');
}

export interface ScriptServers {
  readonly pg: ServerHandle;
  readonly strata: ServerHandle;
}

/** Starts a PostgreSQL 15 cluster and a stratadb server before the file's tests, stops them after. */
export function useScriptServers(): ScriptServers {
  const started: { pg?: ServerHandle; strata?: ServerHandle } = {};
  beforeAll(async () => {
    [started.pg, started.strata] = await Promise.all([startPostgres({ settings: { fsync: 'off' } }), startStratadb()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([started.pg?.stop(), started.strata?.stop()]);
  });
  const get = (server: ServerHandle | undefined): ServerHandle => {
    if (server === undefined) throw new Error('the servers have not started');
    return server;
  };
  return {
    get pg(): ServerHandle {
      return get(started.pg);
    },
    get strata(): ServerHandle {
      return get(started.strata);
    },
  };
}

/** testdata/`name`.sql on both servers, each in a new database: [PostgreSQL's output, stratadb's]. */
export async function runScriptOnBoth(servers: ScriptServers, name: string): Promise<[string, string]> {
  const script = readScript(name);
  const database = name.replace(/\W/g, '_');
  return Promise.all([runScriptEchoed(servers.pg, database, script), runScriptEchoed(servers.strata, database, script)]);
}
