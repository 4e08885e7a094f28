/**
 * A throwaway PostgreSQL 15 cluster for differential tests and benchmarks: initdb as the
 * `postgres` user into a temp dir, trust auth, loopback only, a port below 32768, fsync off.
 */
import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const run = promisify(execFile);

export interface PgCluster {
  readonly port: number;
  stop(): Promise<void>;
}

async function asPostgres(command: string): Promise<void> {
  await run('su', ['postgres', '-s', '/bin/sh', '-c', command]);
}

export async function startPgCluster(): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'stratadb-pg-'));
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  chownSync(dir, uid, gid);
  const port = 20_000 + Math.floor(Math.random() * 12_000);
  await asPostgres(`${PG_BIN}/initdb -D ${dir}/data -A trust -U postgres >/dev/null`);
  await asPostgres(
    `${PG_BIN}/pg_ctl -D ${dir}/data -o "-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off" -l ${dir}/log -w start >/dev/null`,
  );
  return {
    port,
    async stop(): Promise<void> {
      await asPostgres(`${PG_BIN}/pg_ctl -D ${dir}/data -m immediate -w stop >/dev/null`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
