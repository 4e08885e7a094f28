/**
 * End to end: the real server (CLI in a child process: storage engine → transactions → SQL →
 * wire) driven by node-postgres and psql, as a user would. Data survives a restart.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server.js';
import { startStratadb } from '../support/stratadb.js';
import type { ServerHandle } from '../support/server-handle.js';

let server: ServerHandle;

function client(): pg.Client {
  return new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: 'postgres' });
}

function psql(...args: string[]): string {
  return execFileSync('psql', ['-X', '-h', server.host, '-p', String(server.port), '-U', 'postgres', '-d', 'postgres', ...args], {
    encoding: 'utf8',
    env: { ...process.env, PGCONNECT_TIMEOUT: '10' },
  });
}

beforeAll(async () => {
  server = await startStratadb();
});

afterAll(async () => {
  await server?.stop();
});

describe('the real server', () => {
  it('runs DDL, DML and queries from node-postgres, simple and extended', async () => {
    const c = client();
    await c.connect();
    try {
      await c.query('CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance bigint DEFAULT 0)');
      const inserted = await c.query('INSERT INTO accounts VALUES ($1, $2, $3), ($4, $5, $6)', [1, 'ann', 100, 2, 'bob', 50]);
      expect(inserted.command).toBe('INSERT');
      expect(inserted.rowCount).toBe(2);
      const one = await c.query({ name: 'by-id', text: 'SELECT owner, balance FROM accounts WHERE id = $1', values: [2] });
      expect(one.rows).toEqual([{ owner: 'bob', balance: '50' }]);
      const again = await c.query({ name: 'by-id', text: 'SELECT owner, balance FROM accounts WHERE id = $1', values: [1] });
      expect(again.rows).toEqual([{ owner: 'ann', balance: '100' }]);
      const duplicate = await c.query('INSERT INTO accounts VALUES (1, $1)', ['eve']).catch((e: unknown) => e);
      expect((duplicate as { code?: string }).code).toBe('23505');
    } finally {
      await c.end();
    }
  });

  it('keeps transactions isolated and rolls back on ROLLBACK', async () => {
    const a = client();
    const b = client();
    await a.connect();
    await b.connect();
    try {
      await a.query('BEGIN');
      await a.query('UPDATE accounts SET balance = balance - 10 WHERE id = 1');
      await a.query('UPDATE accounts SET balance = balance + 10 WHERE id = 2');
      const during = await b.query('SELECT sum(balance) AS total FROM accounts');
      expect(during.rows[0].total).toBe('150');
      await a.query('ROLLBACK');
      const after = await b.query('SELECT balance FROM accounts ORDER BY id');
      expect(after.rows.map((r: { balance: string }) => r.balance)).toEqual(['100', '50']);
      await a.query('BEGIN');
      await a.query('SELECT * FROM nosuchtable').catch(() => undefined);
      const failed = await a.query('SELECT 1').catch((e: unknown) => e);
      expect((failed as { code?: string }).code).toBe('25P02');
      await a.query('ROLLBACK');
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('answers psql, with SQLSTATEs in verbose mode', () => {
    const out = psql('-c', 'SELECT owner FROM accounts ORDER BY id');
    expect(out).toContain(' ann\n');
    expect(out).toContain('(2 rows)');
    let stderr = '';
    try {
      psql('-v', 'ON_ERROR_STOP=1', '-c', '\\set VERBOSITY verbose', '-c', 'SELECT 1/0');
    } catch (error) {
      stderr = String((error as { stderr?: string }).stderr);
    }
    expect(stderr).toContain('22012');
  });

  it('keeps committed data across a restart (in-process server)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stratadb-e2e-'));
    try {
      const first = await startServer({ dataDir, port: 0 });
      const c1 = new pg.Client({ host: first.host, port: first.port, user: 'postgres', database: 'postgres' });
      await c1.connect();
      await c1.query('CREATE TABLE kept (k text PRIMARY KEY, v int)');
      await c1.query("INSERT INTO kept VALUES ('a', 1), ('b', 2)");
      await c1.end();
      await first.close();
      const second = await startServer({ dataDir, port: 0 });
      const c2 = new pg.Client({ host: second.host, port: second.port, user: 'postgres', database: 'postgres' });
      await c2.connect();
      const rows = await c2.query('SELECT k, v FROM kept ORDER BY k');
      await c2.end();
      await second.close();
      expect(rows.rows).toEqual([{ k: 'a', v: 1 }, { k: 'b', v: 2 }]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
