/**
 * End-to-end with psql against the wire server and the fake database: -c, -f scripts, \copy in
 * and out, and errors with their SQLSTATE under VERBOSITY verbose.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Running } from './harness.js';
import { psql } from './psql.js';

let running: Running;
let dir: string;

beforeAll(async () => {
  running = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'stratadb-psql-'));
});
afterAll(async () => {
  await running.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('psql', () => {
  it('runs a command with -c', async () => {
    const result = await psql(running.port, ['-A', '-t', '-c', 'SELECT 42']);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('42');
  });

  it('prints errors with SQLSTATE under VERBOSITY verbose', async () => {
    const result = await psql(running.port, ['-c', '\\set VERBOSITY verbose', '-c', 'SELECT 1/0']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('ERROR:  22012: division by zero');
  });

  it('runs a script with -f, including a transaction and a failed statement', async () => {
    const script = join(dir, 'script.sql');
    writeFileSync(script, [
      'CREATE TABLE notes (line text);',
      "INSERT INTO notes VALUES ('first');",
      'BEGIN;',
      "INSERT INTO notes VALUES ('second');",
      'COMMIT;',
      'SELECT * FROM notes;',
      '\\set VERBOSITY verbose',
      'SELEKT;',
      '',
    ].join('\n'));
    const result = await psql(running.port, ['-A', '-f', script]);
    expect(result.stdout).toContain('CREATE TABLE\nINSERT 0 1\nBEGIN\nINSERT 0 1\nCOMMIT\nline\nfirst\nsecond\n(2 rows)');
    expect(result.stderr).toContain('ERROR:  42601: syntax error at or near "SELEKT"');
    expect(result.code).toBe(3);
  });

  it('copies in and out with \\copy', async () => {
    const input = join(dir, 'in.txt');
    const output = join(dir, 'out.txt');
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i}`);
    writeFileSync(input, lines.join('\n') + '\n');
    await psql(running.port, ['-c', 'CREATE TABLE lines (line text)']);
    const load = await psql(running.port, ['-c', `\\copy lines from '${input}'`]);
    expect(load.stderr).toBe('');
    expect(load.stdout.trim()).toBe('COPY 5000');
    const dump = await psql(running.port, ['-c', `\\copy lines to '${output}'`]);
    expect(dump.stdout.trim()).toBe('COPY 5000');
    expect(readFileSync(output, 'utf8')).toBe(lines.join('\n') + '\n');
  });

  it('reports an unknown database the way PostgreSQL does', async () => {
    const result = await psql(running.port, ['-d', 'missing', '-c', 'SELECT 1']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('FATAL:  database "missing" does not exist');
  });
});
