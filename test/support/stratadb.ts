/**
 * Starts a stratadb server as a child process for tests and benchmarks, with the same interface as
 * `postgres.ts`: a fresh temporary data directory, a free loopback port below 32768, resolved once
 * the server accepts TCP connections.
 *
 * - Runs `node dist/cli.js` when the build exists and is newer than every file under `src/`, else
 *   `node --import tsx src/cli.ts` (so tests never run a stale build).
 * - The server's stdout/stderr go to `<root>/server.log`; a failed start reports its tail.
 * - `stop()` sends SIGTERM and falls back to SIGKILL after `stopTimeoutMs`; at process exit a server
 *   still running is killed and its directory removed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SERVER_NODE_FLAGS } from '../../src/server-node-flags.js';
import { onExit } from './exit-cleanup.js';
import { freePort } from './free-port.js';
import type { ServerHandle } from './server-handle.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const STRATADB_CLI_SOURCE = join(REPO_ROOT, 'src', 'cli.ts');
const STRATADB_CLI_BUILD = join(REPO_ROOT, 'dist', 'cli.js');
const HOST = '127.0.0.1';
const START_ATTEMPTS_MAX = 3;
const POLL_INTERVAL_MS = 50;

export interface StratadbOptions {
  /** Commit durability; passed as `--sync <mode>` when given (the server's default otherwise). */
  sync?: 'full' | 'relaxed';
  /** More CLI arguments, after `--data`, `--port`, `--host`. */
  extraArgs?: readonly string[];
  /** Node flags before the script, e.g. `['--cpu-prof', '--cpu-prof-dir=/tmp/prof']`. */
  nodeArgs?: readonly string[];
  /** Node arguments that run a server in place of the stratadb CLI (the harness's own tests). */
  command?: readonly string[];
  /** Extra environment variables for the server. */
  env?: Readonly<Record<string, string>>;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  keepDataDir?: boolean;
}

/** True when the stratadb CLI exists (as source) in this tree. */
export function stratadbAvailable(): boolean {
  return existsSync(STRATADB_CLI_SOURCE) || existsSync(STRATADB_CLI_BUILD);
}

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

/** The node arguments that run the CLI: the build if it is fresh, else the sources through tsx. */
export function stratadbCommand(): string[] {
  const srcDir = join(REPO_ROOT, 'src');
  if (existsSync(STRATADB_CLI_BUILD) && (!existsSync(srcDir) || statSync(STRATADB_CLI_BUILD).mtimeMs >= newestMtimeMs(srcDir))) {
    return [...SERVER_NODE_FLAGS, STRATADB_CLI_BUILD];
  }
  if (!existsSync(STRATADB_CLI_SOURCE)) throw new Error(`stratadb CLI not found: ${STRATADB_CLI_SOURCE}`);
  return [...SERVER_NODE_FLAGS, '--import', 'tsx', STRATADB_CLI_SOURCE];
}

function tryConnect(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once('error', () => resolvePromise(false));
  });
}

function logTail(logPath: string): string {
  return existsSync(logPath) ? readFileSync(logPath, 'utf8').slice(-3000) : '';
}

/** Resolves true once `port` accepts, false if the child exits first; throws on timeout. */
async function waitAccepting(child: ChildProcess, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    if (await tryConnect(port)) return true;
    await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
  }
  throw new Error(`stratadb did not accept connections on ${HOST}:${port} within ${timeoutMs} ms`);
}

function waitExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => resolvePromise(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise(true);
    });
  });
}

function spawnServer(options: StratadbOptions, dataDir: string, port: number, logPath: string): ChildProcess {
  const args = [...(options.nodeArgs ?? []), ...(options.command ?? stratadbCommand()), '--data', dataDir, '--port', String(port), '--host', HOST];
  if (options.sync !== undefined) args.push('--sync', options.sync);
  args.push(...(options.extraArgs ?? []));
  const logFd = openSync(logPath, 'a');
  try {
    return spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    closeSync(logFd);
  }
}

/** Starts a fresh stratadb server; resolves once it accepts connections. */
export async function startStratadb(options: StratadbOptions = {}): Promise<ServerHandle> {
  const rootDir = mkdtempSync(join(tmpdir(), 'strata-db-'));
  const dataDir = join(rootDir, 'data');
  const logPath = join(rootDir, 'server.log');
  const keep = options.keepDataDir === true;
  mkdirSync(dataDir);
  let child: ChildProcess | undefined;
  const cancelExit = onExit(() => {
    child?.kill('SIGKILL');
    if (!keep) rmSync(rootDir, { recursive: true, force: true });
  });
  for (let attempt = 1; ; attempt++) {
    const port = await freePort(HOST);
    child = spawnServer(options, dataDir, port, logPath);
    let accepting = false;
    try {
      accepting = await waitAccepting(child, port, options.startTimeoutMs ?? 60_000);
    } catch (error) {
      child.kill('SIGKILL');
      cancelExit();
      throw new Error(`${(error as Error).message}\n--- ${logPath}:\n${logTail(logPath)}`);
    }
    if (accepting) return makeHandle(child, port, dataDir, rootDir, keep, options.stopTimeoutMs ?? 10_000, cancelExit);
    const tail = logTail(logPath);
    if (!/EADDRINUSE/.test(tail) || attempt >= START_ATTEMPTS_MAX) {
      cancelExit();
      if (!keep) rmSync(rootDir, { recursive: true, force: true });
      throw new Error(`stratadb exited during start (code ${child.exitCode}, signal ${child.signalCode})\n${tail}`);
    }
  }
}

function makeHandle(
  child: ChildProcess,
  port: number,
  dataDir: string,
  rootDir: string,
  keep: boolean,
  stopTimeoutMs: number,
  cancelExit: () => void,
): ServerHandle {
  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    if (!(await waitExit(child, stopTimeoutMs))) {
      child.kill('SIGKILL');
      await waitExit(child, stopTimeoutMs);
    }
    cancelExit();
    if (!keep) rmSync(rootDir, { recursive: true, force: true });
  };
  return {
    kind: 'stratadb',
    host: HOST,
    port,
    user: 'postgres',
    database: 'postgres',
    dataDir,
    pid: child.pid,
    stop: () => (stopped ??= stop()),
  };
}
