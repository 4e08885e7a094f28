/**
 * End to end through the wire server with node-postgres: parameterized queries (extended
 * protocol), type OIDs and values as pg parses them, errors with SQLSTATE and position,
 * transactions, and a multi-statement simple query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startServer, type RunningServer } from '../../src/server.js';
import { MemoryVfs } from '../../src/storage/index.js';

let server: RunningServer;
let client: pg.Client;

beforeAll(async () => {
  server = await startServer({ dataDir: '/db', port: 0, engine: { vfs: new MemoryVfs(), flushInWorker: false } });
  client = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: 'postgres' });
  await client.connect();
});

afterAll(async () => {
  await client.end();
  await server.close();
});

describe('node-postgres against stratadb', () => {
  it('runs DDL, parameterized DML and queries with typed results', async () => {
    await client.query('CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, price numeric(8,2), qty int DEFAULT 0, big bigint, ok boolean)');
    const ins = await client.query('INSERT INTO items (name, price, qty, big, ok) VALUES ($1, $2, $3, $4, $5) RETURNING id', ['pen', '1.50', 3, '9007199254740993', true]);
    expect(ins.rows).toEqual([{ id: 1 }]);
    expect(ins.command).toBe('INSERT');
    await client.query('INSERT INTO items (name) VALUES ($1), ($2)', ['cup', 'mug']);
    const r = await client.query('SELECT id, name, price, qty, big, ok FROM items WHERE id = $1', [1]);
    expect(r.rows).toEqual([{ id: 1, name: 'pen', price: '1.50', qty: 3, big: '9007199254740993', ok: true }]);
    expect(r.fields.map((f) => f.dataTypeID)).toEqual([23, 25, 1700, 23, 20, 16]);
    const count = await client.query({ text: 'SELECT count(*) AS n FROM items WHERE qty >= $1', values: [0], rowMode: 'array' });
    expect(count.rows).toEqual([['3']]);
  });

  it('reports errors with SQLSTATE, position and detail', async () => {
    await expect(client.query('SELEC 1')).rejects.toMatchObject({ code: '42601', position: '1' });
    await expect(client.query('SELECT nosuch FROM items')).rejects.toMatchObject({ code: '42703', position: '8' });
    await expect(client.query("INSERT INTO items (id, name) VALUES (1, 'dup')")).rejects.toMatchObject({
      code: '23505',
      detail: 'Key (id)=(1) already exists.',
      schema: 'public',
      table: 'items',
      constraint: 'items_pkey',
    });
  });

  it('names the schema, table and constraint or column of every integrity violation, as PostgreSQL 15 does', async () => {
    // Expected fields: PostgreSQL 15's ErrorResponse for the same statements (psql \set VERBOSITY verbose).
    await client.query('CREATE SCHEMA s1');
    await client.query('CREATE TABLE s1.p (id int PRIMARY KEY, u int UNIQUE, n int NOT NULL, c int CHECK (c > 0))');
    await client.query('CREATE TABLE s1.ch (id int PRIMARY KEY, pid int REFERENCES s1.p(id))');
    await client.query('INSERT INTO s1.p VALUES (1, 1, 1, 1)');
    const cases: Array<[string, Record<string, string>]> = [
      ['INSERT INTO s1.p VALUES (1, 2, 1, 1)', { code: '23505', table: 'p', constraint: 'p_pkey' }],
      ['INSERT INTO s1.p VALUES (2, 1, 1, 1)', { code: '23505', table: 'p', constraint: 'p_u_key' }],
      ['INSERT INTO s1.p VALUES (3, 3, NULL, 1)', { code: '23502', table: 'p', column: 'n' }],
      ['INSERT INTO s1.p VALUES (4, 4, 1, -1)', { code: '23514', table: 'p', constraint: 'p_c_check' }],
      ['INSERT INTO s1.ch VALUES (1, 99)', { code: '23503', table: 'ch', constraint: 'ch_pid_fkey' }],
      ['UPDATE s1.p SET n = NULL', { code: '23502', table: 'p', column: 'n' }],
    ];
    for (const [sql, fields] of cases) await expect(client.query(sql), sql).rejects.toMatchObject({ ...fields, schema: 's1' });
    await client.query('INSERT INTO s1.ch VALUES (2, 1)');
    // The referenced side: the error names the referencing table.
    await expect(client.query('DELETE FROM s1.p')).rejects.toMatchObject({ code: '23503', schema: 's1', table: 'ch', constraint: 'ch_pid_fkey' });
    await client.query('DROP SCHEMA s1 CASCADE');
  });

  it('keeps transaction state across statements', async () => {
    await client.query('BEGIN');
    await client.query("UPDATE items SET qty = qty + 10 WHERE name = 'cup'");
    await expect(client.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
    await expect(client.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
    await client.query('ROLLBACK');
    const r = await client.query("SELECT qty FROM items WHERE name = 'cup'");
    expect(r.rows).toEqual([{ qty: 0 }]);
    const multi = (await client.query("SELECT 1 AS a; SELECT 'x' AS b")) as unknown as pg.QueryResult[];
    expect(multi.map((m) => m.rows)).toEqual([[{ a: 1 }], [{ b: 'x' }]]);
  });

  it('txid_current() is one id per transaction, increasing across transactions', async () => {
    await client.query('BEGIN');
    const first = await client.query('SELECT txid_current() AS id');
    const again = await client.query('SELECT txid_current() AS id, txid_current_if_assigned() AS assigned');
    await client.query('COMMIT');
    expect(again.rows[0]).toEqual({ id: first.rows[0].id, assigned: first.rows[0].id });
    const next = await client.query('SELECT txid_current_if_assigned() AS before, txid_current() AS id');
    expect(next.rows[0].before).toBeNull();
    expect(BigInt(next.rows[0].id)).toBeGreaterThan(BigInt(first.rows[0].id));
  });

  it('infers an untyped parameter of = ANY ($1) / <> ALL ($1) as an array of the left type, as PostgreSQL does', async () => {
    // Prisma's and pg_stat_activity tooling's queries send exactly this: `x = ANY($1)` with no type.
    const any = await client.query('SELECT name FROM items WHERE id = ANY($1) ORDER BY id', [[1, 3]]);
    expect(any.rows).toEqual([{ name: 'pen' }, { name: 'mug' }]);
    const all = await client.query('SELECT name FROM items WHERE name <> ALL($1) ORDER BY id', [['pen', 'cup']]);
    expect(all.rows).toEqual([{ name: 'mug' }]);
    const described = await client.query({ text: 'SELECT $1::int[] IS NULL AS n, 2 = ANY($2) AS hit', values: [null, [2]] });
    expect(described.rows).toEqual([{ n: true, hit: true }]);
  });
});
