/**
 * Runs psql against a test server, asynchronously (the server lives in this same process).
 */
import { execFile } from 'node:child_process';

export interface PsqlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function psql(port: number, args: string[], options: { user?: string; password?: string; cwd?: string; sslmode?: string } = {}): Promise<PsqlResult> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, PGCONNECT_TIMEOUT: '20', PGSSLMODE: options.sslmode ?? 'disable' };
  if (options.password !== undefined) env.PGPASSWORD = options.password;
  const base = ['-X', '-h', '127.0.0.1', '-p', String(port), '-U', options.user ?? 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1'];
  return new Promise((resolve) => {
    execFile('psql', [...base, ...args], { env, cwd: options.cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}
