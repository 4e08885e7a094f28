/**
 * End-to-end over the real SQL layer: src/sql's Database on the in-memory VersionedKv, served by
 * the wire server, driven by pg and psql.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import { Database } from '../../src/sql/index.js';
import { WireServer } from '../../src/wire/index.js';
import { psql } from './psql.js';

let db: Database;
let server: WireServer;
let port: number;
let dir: string;
const clients: pg.Client[] = [];

async function client(config: pg.ClientConfig = {}): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', ...config });
  c.on('error', () => {});
  await c.connect();
  clients.push(c);
  return c;
}

beforeAll(async () => {
  db = await Database.open(new MemoryVersionedKv());
  server = new WireServer(db, { host: '127.0.0.1', port: 0 });
  port = (await server.listen()).port;
  dir = mkdtempSync(join(tmpdir(), 'stratadb-wire-sql-'));
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => {})));
  await server.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('pg over the SQL layer', () => {
  it('creates, inserts and selects with simple and parameterized queries', async () => {
    const c = await client();
    await c.query('CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance int8)');
    const insert = await c.query('INSERT INTO accounts VALUES ($1, $2, $3), ($4, $5, $6)', [1, 'ann', 100, 2, 'bob', 50]);
    expect(insert.rowCount).toBe(2);
    const rows = await c.query('SELECT id, owner, balance FROM accounts ORDER BY id');
    expect(rows.rows).toEqual([{ id: 1, owner: 'ann', balance: '100' }, { id: 2, owner: 'bob', balance: '50' }]);
    expect(rows.fields.map((f) => f.dataTypeID)).toEqual([23, 25, 20]);
    const one = await c.query({ name: 'by-id', text: 'SELECT owner FROM accounts WHERE id = $1', values: [2] });
    expect(one.rows).toEqual([{ owner: 'bob' }]);
    const again = await c.query({ name: 'by-id', text: 'SELECT owner FROM accounts WHERE id = $1', values: [1] });
    expect(again.rows).toEqual([{ owner: 'ann' }]);
  });

  it('keeps transaction state: commit, rollback, failed block', async () => {
    const c = await client();
    await c.query('CREATE TABLE ledger (id int PRIMARY KEY, note text)');
    await c.query('BEGIN');
    await c.query("INSERT INTO ledger VALUES (1, 'kept')");
    await c.query('COMMIT');
    await c.query('BEGIN');
    await c.query("INSERT INTO ledger VALUES (2, 'dropped')");
    await expect(c.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
    await expect(c.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
    await c.query('ROLLBACK');
    expect((await c.query('SELECT note FROM ledger ORDER BY id')).rows).toEqual([{ note: 'kept' }]);
  });

  it('returns errors with SQLSTATE and position', async () => {
    const c = await client();
    await expect(c.query('SELECT nope')).rejects.toMatchObject({ code: '42703', message: 'column "nope" does not exist', position: '8' });
    await expect(c.query('SELEC 1')).rejects.toMatchObject({ code: '42601' });
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('returns binary results', async () => {
    const c = await client({ binary: true } as pg.ClientConfig);
    const raw = { getTypeParser: () => (value: string): string => value };
    const result = await c.query({ text: 'SELECT 258::int4 AS i, true AS b', queryMode: 'extended', types: raw } as pg.QueryConfig);
    expect(result.fields.map((f) => f.format)).toEqual(['binary', 'binary']);
    expect([...Buffer.from(result.rows[0].i as string, 'utf8')]).toEqual([0, 0, 1, 2]);
    expect([...Buffer.from(result.rows[0].b as string, 'utf8')]).toEqual([1]);
  });

  it('serves a pool of 20 concurrent clients', async () => {
    const c = await client();
    await c.query('CREATE TABLE hits (id int PRIMARY KEY, n int)');
    const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', max: 20 });
    const jobs: Array<Promise<unknown>> = [];
    for (let i = 0; i < 100; i++) jobs.push(pool.query('INSERT INTO hits VALUES ($1, $2)', [i, i * 2]));
    await Promise.all(jobs);
    const sums = await Promise.all(Array.from({ length: 40 }, () => pool.query('SELECT count(*) AS n, sum(n) AS s FROM hits')));
    for (const r of sums) expect(r.rows[0]).toEqual({ n: '100', s: String(99 * 100) });
    await pool.end();
  });
});

describe('authentication over the SQL layer', () => {
  it('logs in with SCRAM as a role created by CREATE ROLE … PASSWORD', async () => {
    const c = await client();
    await c.query("CREATE ROLE carl LOGIN PASSWORD 'carl secret'");
    const scram = new WireServer(db, { host: '127.0.0.1', port: 0, auth: { method: 'scram-sha-256' } });
    const scramPort = (await scram.listen()).port;
    try {
      const login = async (password: string): Promise<unknown> => {
        const carl = new pg.Client({ host: '127.0.0.1', port: scramPort, user: 'carl', password, database: 'postgres' });
        carl.on('error', () => {});
        try {
          await carl.connect();
          return (await carl.query('SELECT current_user AS u')).rows[0];
        } finally {
          await carl.end().catch(() => {});
        }
      };
      expect(await login('carl secret')).toEqual({ u: 'carl' });
      await expect(login('carl secreT')).rejects.toMatchObject({ code: '28P01', message: 'password authentication failed for user "carl"' });
    } finally {
      await scram.close();
    }
  });
});

describe('cancel over the SQL layer', () => {
  it('cancels a statement streaming a large result via pg cancel', async () => {
    const c = await client();
    await c.query('CREATE TABLE big (id int PRIMARY KEY)');
    await c.query(`INSERT INTO big VALUES ${Array.from({ length: 2000 }, (_, i) => `(${i})`).join(',')}`);
    // 4,000,000 rows; the cancel is sent when the first row arrives, so the statement is running.
    const query = new pg.Query('SELECT a.id, b.id FROM big a, big b');
    let rows = 0;
    const outcome = new Promise<unknown>((resolve) => {
      query.on('end', () => resolve('completed'));
      query.on('error', (error: Error) => resolve(error));
    });
    query.on('row', () => {
      if (rows++ > 0) return;
      const canceller = new pg.Client({ host: '127.0.0.1', port, user: 'postgres' });
      (canceller as unknown as { cancel(target: pg.Client, q: unknown): void }).cancel(c, query);
    });
    void c.query(query);
    expect(await outcome).toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
    expect(rows).toBeLessThan(4_000_000);
    expect((await c.query('SELECT count(*) AS n FROM big')).rows).toEqual([{ n: '2000' }]);
  });
});

describe('psql over the SQL layer', () => {
  it('runs -c and -f and prints SQLSTATEs under VERBOSITY verbose', async () => {
    const script = join(dir, 'script.sql');
    writeFileSync(script, [
      'CREATE TABLE notes (id int PRIMARY KEY, body text);',
      "INSERT INTO notes VALUES (1, 'a;b'), (2, 'c');",
      'SELECT body FROM notes ORDER BY id;',
      '\\set VERBOSITY verbose',
      'SELECT missing FROM notes;',
      '',
    ].join('\n'));
    const result = await psql(port, ['-A', '-f', script]);
    expect(result.stdout).toContain('CREATE TABLE\nINSERT 0 2\nbody\na;b\nc\n(2 rows)');
    expect(result.stderr).toContain('ERROR:  42703: column "missing" does not exist');
    const count = await psql(port, ['-A', '-t', '-c', 'SELECT count(*) FROM notes']);
    expect(count.stdout.trim()).toBe('2');
  });

  it('copies in (text and CSV) and out with \\copy', async () => {
    const tsv = join(dir, 'in.tsv');
    const csv = join(dir, 'in.csv');
    const out = join(dir, 'out.tsv');
    writeFileSync(tsv, '1\tone\n2\ttwo\n3\t\\N\n');
    writeFileSync(csv, '4,"f,our"\n5,five\n');
    await psql(port, ['-c', 'CREATE TABLE copied (a int PRIMARY KEY, b text)']);
    expect((await psql(port, ['-c', `\\copy copied from '${tsv}'`])).stdout.trim()).toBe('COPY 3');
    expect((await psql(port, ['-c', `\\copy copied from '${csv}' with (format csv)`])).stdout.trim()).toBe('COPY 2');
    expect((await psql(port, ['-c', `\\copy copied to '${out}'`])).stdout.trim()).toBe('COPY 5');
    expect(readFileSync(out, 'utf8')).toBe('1\tone\n2\ttwo\n3\t\\N\n4\tf,our\n5\tfive\n');
    const asCsv = await psql(port, ['-c', '\\copy (SELECT * FROM copied ORDER BY a) to stdout with csv']);
    expect(asCsv.stdout).toBe('1,one\n2,two\n3,\n4,"f,our"\n5,five\n');
  });
});
