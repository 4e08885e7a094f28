/**
 * Runs psql (the PostgreSQL 15 client on PATH) against a test server: `-X` (no psqlrc), no pager,
 * C locale, so the printed output depends only on the server's answers.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ServerHandle } from '../support/server-handle.js';

const execFileAsync = promisify(execFile);

/** psql's stdout and stderr for one invocation with the given `-c` commands (stderr appended). */
export async function runPsql(server: ServerHandle, commands: readonly string[], extraArgs: readonly string[] = []): Promise<string> {
  const args = ['-X', '-h', server.host, '-p', String(server.port), '-U', 'postgres', '-d', 'postgres', ...extraArgs];
  for (const c of commands) args.push('-c', c);
  const env = { ...process.env, PAGER: '', PSQL_PAGER: '', LC_ALL: 'C', PGCONNECT_TIMEOUT: '10', COLUMNS: '200' };
  try {
    const { stdout, stderr } = await execFileAsync('psql', args, { env, encoding: 'utf8' });
    return stdout + stderr;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return (e.stdout ?? '') + (e.stderr ?? '');
  }
}

/** Runs a SQL script file-style (one -f through stdin is not needed: statements joined by ';'). */
export async function runScript(server: ServerHandle, sql: string): Promise<string> {
  return runPsql(server, [sql], ['-q', '-v', 'ON_ERROR_STOP=1']);
}
