/**
 * PostgreSQL 15's pg_dump and psql -f against a test server, for the pg_dump round-trip tests:
 * a plain dump's text, a restore that stops at the first error, and the dump lines that must
 * differ between two servers masked.
 *
 * - Masked: the `-- Dumped from database version` line (the server's version string) and the
 *   `\restrict` / `\unrestrict` lines, whose key pg_dump 15.14+ draws at random for every dump.
 *   Nothing else: OIDs do not appear in plain dumps.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { POSTGRES_BIN_DIR } from '../support/postgres.js';
import type { ServerHandle } from '../support/server-handle.js';

const execFileAsync = promisify(execFile);

/** pg_dump of one database; rejects (with pg_dump's stderr) when it fails. */
export async function pgDump(server: ServerHandle, args: readonly string[] = [], database = 'postgres'): Promise<string> {
  const argv = ['-h', server.host, '-p', String(server.port), '-U', 'postgres', '-d', database, ...args];
  const { stdout } = await execFileAsync(join(POSTGRES_BIN_DIR, 'pg_dump'), argv, { env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 64 << 20 });
  return stdout;
}

/** Loads a plain dump with psql -f - (stdin), stopping at the first error; resolves to psql's stderr. */
export async function restoreDump(server: ServerHandle, database: string, dump: string): Promise<string> {
  const argv = ['-X', '-q', '-h', server.host, '-p', String(server.port), '-U', 'postgres', '-d', database, '-v', 'ON_ERROR_STOP=1', '-f', '-'];
  return new Promise((resolve, reject) => {
    const child = execFile('psql', argv, { env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 64 << 20 }, (error, _stdout, stderr) => {
      if (error !== null) reject(new Error(`psql -f failed: ${stderr}`));
      else resolve(stderr);
    });
    child.stdin?.end(dump);
  });
}

/** The dump text with the lines that must differ between servers masked (see the header). */
export function maskedDump(dump: string): string {
  return dump
    .replace(/^-- Dumped from database version .*$/m, '-- Dumped from database version (masked)')
    .replace(/^\\(un)?restrict .*$/gm, '\\$1restrict (masked)');
}
