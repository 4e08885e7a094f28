/**
 * A stratadb server child process on a data directory the caller owns, so that torture tests can
 * SIGKILL it and start it again on the same directory (test/support/stratadb.ts always makes a
 * fresh directory).
 *
 * - start() resolves once the port accepts TCP connections; a server that exits first (or does not
 *   accept in time) is an error carrying the tail of its log.
 * - kill() sends SIGKILL and resolves when the process is gone; stop() asks for a clean shutdown.
 * - Output of every start is appended to `<logPath>`; a process still running at exit is killed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { onExit } from '../support/exit-cleanup.js';
import { freePort } from '../support/free-port.js';
import { REPO_ROOT, stratadbCommand } from '../support/stratadb.js';

const HOST = '127.0.0.1';
const POLL_INTERVAL_MS = 25;
const START_TIMEOUT_MS = 60_000;
const START_ATTEMPTS_MAX = 3;

export interface ServerProcessOptions {
  readonly dataDir: string;
  readonly logPath: string;
  readonly extraArgs?: readonly string[];
  /** Node arguments that run the CLI (default: stratadbCommand(), the build or tsx). */
  readonly command?: readonly string[];
}

export class ServerProcess {
  private child: ChildProcess | undefined;
  private cancelExit: (() => void) | undefined;
  port = 0;
  readonly host = HOST;

  constructor(private readonly options: ServerProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the server on the data directory; resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.running()) throw new Error('server process already running');
    for (let attempt = 1; ; attempt++) {
      this.port = await freePort(HOST);
      const child = this.spawn(this.port);
      this.child = child;
      this.cancelExit = onExit(() => child.kill('SIGKILL'));
      if (await waitAccepting(child, this.port, START_TIMEOUT_MS)) return;
      await waitExit(child);
      this.cancelExit();
      const tail = this.logTail();
      if (!/EADDRINUSE/.test(tail) || attempt >= START_ATTEMPTS_MAX) {
        throw new Error(`stratadb exited during start (code ${child.exitCode}, signal ${child.signalCode})\n${tail}`);
      }
    }
  }

  /** SIGKILL: no shutdown code runs, as in a power cut of the process. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    child.kill('SIGKILL');
    await waitExit(child);
    this.cancelExit?.();
    this.child = undefined;
  }

  /** SIGTERM (clean shutdown); returns the exit code. */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (child === undefined) return null;
    child.kill('SIGTERM');
    await waitExit(child);
    this.cancelExit?.();
    this.child = undefined;
    return child.exitCode;
  }

  running(): boolean {
    const child = this.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  logTail(): string {
    return existsSync(this.options.logPath) ? readFileSync(this.options.logPath, 'utf8').slice(-3000) : '';
  }

  private spawn(port: number): ChildProcess {
    const args = [...(this.options.command ?? stratadbCommand()), '--data', this.options.dataDir, '--port', String(port), '--host', HOST, ...(this.options.extraArgs ?? [])];
    const logFd = openSync(this.options.logPath, 'a');
    try {
      return spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', logFd, logFd] });
    } finally {
      closeSync(logFd);
    }
  }
}

function tryConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitAccepting(child: ChildProcess, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    if (await tryConnect(port)) return true;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  child.kill('SIGKILL');
  return false;
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
