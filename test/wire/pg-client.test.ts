/**
 * End-to-end with node-postgres against the wire server and the fake database.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Running } from './harness.js';

let running: Running;

beforeAll(async () => {
  running = await startServer();
});
afterAll(async () => {
  await running.stop();
});

describe('pg client', () => {
  it('runs a simple query', async () => {
    const client = await running.client();
    const result = await client.query('SELECT 1');
    expect(result.rows).toEqual([{ '?column?': 1 }]);
    expect(result.command).toBe('SELECT');
    expect(result.fields[0]?.dataTypeID).toBe(23);
  });

  it('runs several statements in one simple query', async () => {
    const client = await running.client();
    const results = (await client.query("SELECT 1; SELECT 'a'; SELECT 2")) as unknown as pg.QueryResult[];
    expect(results.map((r) => r.rows[0])).toEqual([{ '?column?': 1 }, { '?column?': 'a' }, { '?column?': 2 }]);
  });

  it('runs parameterized queries', async () => {
    const client = await running.client();
    const result = await client.query('SELECT $1::int, $2::text', [42, 'hello']);
    expect(result.rows).toEqual([{ '?column?': 'hello' }]);
    expect(result.rows.length).toBe(1);
    const row = (await client.query({ text: 'SELECT $1::int, $2::text', values: [42, 'hi'], rowMode: 'array' })).rows[0];
    expect(row).toEqual([42, 'hi']);
    expect((await client.query('SELECT $1', [null])).rows[0]).toEqual({ '?column?': null });
  });

  it('runs named prepared statements repeatedly', async () => {
    const client = await running.client();
    for (let i = 0; i < 5; i++) {
      const result = await client.query({ name: 'get-int', text: 'SELECT $1::int', values: [i] });
      expect(result.rows[0]).toEqual({ '?column?': i });
    }
  });

  it('returns binary results', async () => {
    // pg always decodes DataRow values as UTF-8 strings (its binary mode is partial), so the raw
    // parser gets the int4 bytes as a string; they are all ASCII here, so they survive intact.
    const raw = { getTypeParser: () => (value: string): string => value };
    const client = await running.client({ binary: true } as pg.ClientConfig);
    const result = await client.query({ text: 'SELECT $1::int', values: [300], rowMode: 'array', types: raw } as pg.QueryConfig);
    expect(result.fields[0]?.format).toBe('binary');
    const bytes = Buffer.from(result.rows[0][0] as string, 'utf8');
    expect([...bytes]).toEqual([0, 0, 1, 44]);
    const text = await client.query({ text: "SELECT 'bin'", values: [], rowMode: 'array' });
    expect(text.rows[0]).toEqual(['bin']);
  });

  it('reports errors with SQLSTATE and keeps the connection usable', async () => {
    const client = await running.client();
    await expect(client.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012', message: 'division by zero' });
    await expect(client.query('SELEKT 1')).rejects.toMatchObject({ code: '42601', position: '1' });
    await expect(client.query('SELECT 1/0', [])).rejects.toMatchObject({ code: '22012' });
    await expect(client.query({ name: 'dup', text: 'SELECT 1/0', values: [] })).rejects.toMatchObject({ code: '22012' });
    expect((await client.query('SELECT 1')).rows).toEqual([{ '?column?': 1 }]);
  });

  it('tracks transactions and the failed state', async () => {
    const client = await running.client();
    await client.query('BEGIN');
    await expect(client.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
    await expect(client.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
    const rollback = await client.query('ROLLBACK');
    expect(rollback.command).toBe('ROLLBACK');
    expect((await client.query('SELECT 1')).rows.length).toBe(1);
  });

  it('streams large results and sends notices and parameter changes', async () => {
    const client = await running.client();
    const result = await client.query('SELECT generate_series(1, 25000)');
    expect(result.rowCount).toBe(25000);
    expect(result.rows[24999]).toEqual({ generate_series: 25000 });
    const notices: string[] = [];
    client.on('notice', (n) => notices.push(n.message ?? ''));
    await client.query("SELECT notice('hello there')");
    expect(notices).toEqual(['hello there']);
  });

  it('answers an empty query', async () => {
    const client = await running.client();
    const result = await client.query('');
    expect(result.rows).toEqual([]);
  });

  it('runs a pool of 20 clients concurrently', async () => {
    const pool = new pg.Pool({ host: '127.0.0.1', port: running.port, user: 'postgres', database: 'postgres', max: 20 });
    const jobs: Array<Promise<number>> = [];
    for (let i = 0; i < 200; i++) {
      jobs.push(pool.query('SELECT $1::int', [i]).then((r) => r.rows[0]['?column?'] as number));
    }
    const values = await Promise.all(jobs);
    expect(values).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(pool.totalCount).toBe(20);
    await pool.end();
  });

  it('cancels a running statement via pg cancel', async () => {
    const client = await running.client();
    const sleeping = running.db.whenSleeping();
    const pending = client.query('SELECT pg_sleep(60)');
    await sleeping;
    // pg's own cancel path: a new socket sends CancelRequest with the BackendKeyData it got.
    const canceller = new pg.Client({ host: '127.0.0.1', port: running.port, user: 'postgres' });
    const internals = client as unknown as { activeQuery: unknown; processID: number };
    expect(internals.processID).toBeGreaterThan(0);
    (canceller as unknown as { cancel(target: pg.Client, query: unknown): void }).cancel(client, internals.activeQuery);
    await expect(pending).rejects.toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
    expect((await client.query('SELECT 1')).rows.length).toBe(1);
  });

  it('refuses an unknown database and an unknown role', async () => {
    await expect(running.client({ database: 'nope' })).rejects.toMatchObject({ code: '3D000', message: 'database "nope" does not exist' });
    await expect(running.client({ user: 'nobody' })).rejects.toMatchObject({ code: '28000', message: 'role "nobody" does not exist' });
  });

  it('passes startup settings and application_name to the session', async () => {
    const client = await running.client({ application_name: 'my-app', options: '-c search_path=foo --work-mem=4MB' });
    expect((await client.query('SELECT 1')).rowCount).toBe(1);
    const options = running.db.lastSessionOptions;
    expect(options?.applicationName).toBe('my-app');
    expect(options?.settings.get('search_path')).toBe('foo');
    expect(options?.settings.get('work_mem')).toBe('4MB');
  });
});
