/**
 * Starts a throwaway PostgreSQL 15 cluster for tests and benchmarks: initdb into a fresh temporary
 * directory, trust authentication, listening on 127.0.0.1 only, on a free port below 32768.
 *
 * - Every cluster has its own directory (mkdtemp) and port, so test files may start clusters in
 *   parallel; a start that loses the race for its port retries with another one.
 * - The server binaries must run as the `postgres` user: when this process is root (CI), the
 *   directory is chowned to `postgres` and every binary runs through `runuser -u postgres --`.
 * - No Unix socket is created (unix_socket_directories = ''), so clusters never share a socket path.
 * - The cluster is stopped and its directory removed by `stop()`, or at process exit at the latest.
 * - PostgreSQL's own defaults are kept (durability included) unless options say otherwise.
 */
import { execFile, spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onExit } from './exit-cleanup.js';
import { freePort } from './free-port.js';
import type { ServerHandle } from './server-handle.js';

const execFileAsync = promisify(execFile);

export const POSTGRES_BIN_DIR = process.env['STRATA_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';
const HOST = '127.0.0.1';
const START_ATTEMPTS_MAX = 5;
const START_TIMEOUT_S = 60;

export interface PostgresOptions {
  /** `synchronous_commit`; PostgreSQL's default ('on') when omitted. */
  synchronousCommit?: 'on' | 'off';
  /** Extra `postgresql.conf` settings, e.g. `{ fsync: 'off', shared_buffers: '256MB' }`. */
  settings?: Readonly<Record<string, string | number | boolean>>;
  /** Keep the data directory after stop() (for post-mortem). */
  keepDataDir?: boolean;
}

interface PostgresUser {
  uid: number;
  gid: number;
}

function postgresUser(): PostgresUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const result = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gidResult = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (result.status !== 0 || gidResult.status !== 0) {
    throw new Error('running as root but there is no `postgres` user to run PostgreSQL as');
  }
  return { uid: Number(result.stdout.trim()), gid: Number(gidResult.stdout.trim()) };
}

/** The command line that runs `binary` as the postgres user when we are root. */
function asPostgres(user: PostgresUser | undefined, binary: string, args: string[]): [string, string[]] {
  const path = join(POSTGRES_BIN_DIR, binary);
  return user === undefined ? [path, args] : ['runuser', ['-u', 'postgres', '--', path, ...args]];
}

function quoteSetting(value: string | number | boolean): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return `'${value.replaceAll("'", "''")}'`;
}

function configLines(options: PostgresOptions): string {
  const settings: Record<string, string | number | boolean> = {
    listen_addresses: HOST,
    unix_socket_directories: '',
    ...(options.synchronousCommit !== undefined ? { synchronous_commit: options.synchronousCommit } : {}),
    ...options.settings,
  };
  const lines = Object.entries(settings).map(([name, value]) => `${name} = ${quoteSetting(value)}`);
  return `\n# added by test/support/postgres.ts\n${lines.join('\n')}\n`;
}

async function initCluster(rootDir: string, dataDir: string, user: PostgresUser | undefined): Promise<void> {
  if (user !== undefined) chownSync(rootDir, user.uid, user.gid);
  const args = ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'];
  const [cmd, cmdArgs] = asPostgres(user, 'initdb', args);
  try {
    await execFileAsync(cmd, cmdArgs, { cwd: rootDir });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`initdb failed in ${dataDir}: ${stderr.trim() || String(error)}`);
  }
}

/** Starts the postmaster on `port`; false when the port was taken meanwhile, throws on other errors. */
async function startOn(
  rootDir: string,
  dataDir: string,
  logPath: string,
  port: number,
  user: PostgresUser | undefined,
): Promise<boolean> {
  const args = ['start', '-w', '-t', String(START_TIMEOUT_S), '-D', dataDir, '-l', logPath, '-o', `-p ${port}`];
  const [cmd, cmdArgs] = asPostgres(user, 'pg_ctl', args);
  try {
    await execFileAsync(cmd, cmdArgs, { cwd: rootDir });
    return true;
  } catch (error) {
    const log = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
    if (/could not bind|Address already in use|could not create any TCP\/IP sockets/.test(log)) return false;
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`pg_ctl start failed (port ${port}): ${stderr.trim()}\n${log.slice(-2000)}`);
  }
}

function stopSync(dataDir: string, user: PostgresUser | undefined, rootDir: string, keep: boolean): void {
  const [cmd, cmdArgs] = asPostgres(user, 'pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']);
  if (existsSync(join(dataDir, 'postmaster.pid'))) spawnSync(cmd, cmdArgs, { cwd: rootDir, stdio: 'ignore' });
  if (!keep) rmSync(rootDir, { recursive: true, force: true });
}

/** The postmaster's pid: the first line of postmaster.pid (undefined if unreadable). */
function postmasterPid(dataDir: string): number | undefined {
  const path = join(dataDir, 'postmaster.pid');
  const pid = existsSync(path) ? Number(readFileSync(path, 'utf8').split('\n')[0]) : Number.NaN;
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Starts a fresh PostgreSQL 15 cluster; resolves once it accepts connections. */
export async function startPostgres(options: PostgresOptions = {}): Promise<ServerHandle> {
  const user = postgresUser();
  const rootDir = mkdtempSync(join(tmpdir(), 'strata-pg-'));
  const dataDir = join(rootDir, 'data');
  const logPath = join(rootDir, 'postgres.log');
  const keep = options.keepDataDir === true;
  const cancelExit = onExit(() => stopSync(dataDir, user, rootDir, keep));
  try {
    await initCluster(rootDir, dataDir, user);
    appendFileSync(join(dataDir, 'postgresql.conf'), configLines(options));
    let port = 0;
    for (let attempt = 1; port === 0; attempt++) {
      const candidate = await freePort(HOST);
      if (await startOn(rootDir, dataDir, logPath, candidate, user)) port = candidate;
      else if (attempt >= START_ATTEMPTS_MAX) throw new Error(`PostgreSQL could not bind a port in ${attempt} attempts`);
    }
    return makeHandle(rootDir, dataDir, port, user, keep, cancelExit);
  } catch (error) {
    cancelExit();
    stopSync(dataDir, user, rootDir, keep);
    throw error;
  }
}

function makeHandle(
  rootDir: string,
  dataDir: string,
  port: number,
  user: PostgresUser | undefined,
  keep: boolean,
  cancelExit: () => void,
): ServerHandle {
  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    const [cmd, cmdArgs] = asPostgres(user, 'pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w']);
    try {
      await execFileAsync(cmd, cmdArgs, { cwd: rootDir });
    } finally {
      cancelExit();
      stopSync(dataDir, user, rootDir, keep);
    }
  };
  return {
    kind: 'postgres',
    host: HOST,
    port,
    user: 'postgres',
    database: 'postgres',
    dataDir,
    pid: postmasterPid(dataDir),
    stop: () => (stopped ??= stop()),
  };
}
