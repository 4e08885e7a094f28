/**
 * Autocommit statements that lose a write race wait for the row and re-run inside the server:
 * clients hammering one row with `UPDATE … SET n = n + 1` in autocommit (extended and simple
 * protocol) never see 40001 and no update is lost (without the re-run this workload fails with
 * 40001 within a few statements). UPDATEs inside READ COMMITTED blocks wait for the row as in
 * PostgreSQL; a REPEATABLE READ block still reports 40001 to its client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startServer, type RunningServer } from '../../src/server.js';
import { MemoryVfs } from '../../src/storage/index.js';

const CLIENTS = 4;
const UPDATES_PER_CLIENT = 150;

let server: RunningServer;
let clients: pg.Client[] = [];

beforeAll(async () => {
  server = await startServer({ dataDir: '/db', port: 0, engine: { vfs: new MemoryVfs(), flushInWorker: false } });
  clients = [];
  for (let i = 0; i < CLIENTS; i++) {
    const c = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: 'postgres' });
    await c.connect();
    clients.push(c);
  }
});

afterAll(async () => {
  for (const c of clients) await c.end();
  await server.close();
});

async function hammer(client: pg.Client, sql: string, params: unknown[]): Promise<void> {
  for (let i = 0; i < UPDATES_PER_CLIENT; i++) {
    const r = await client.query(sql, params);
    expect(r.rowCount).toBe(1);
  }
}

describe('autocommit retry of serialization failures', () => {
  it('loses no update and reports no 40001 (extended and simple protocol)', async () => {
    const [first] = clients as [pg.Client];
    await first.query('CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL)');
    await first.query('INSERT INTO t VALUES (1, 0)');
    await Promise.all(
      clients.map((c, i) => (i % 2 === 0 ? hammer(c, 'UPDATE t SET n = n + 1 WHERE id = $1', [1]) : hammer(c, 'UPDATE t SET n = n + 1 WHERE id = 1', []))),
    );
    const r = await first.query('SELECT n FROM t WHERE id = 1');
    expect(r.rows).toEqual([{ n: CLIENTS * UPDATES_PER_CLIENT }]);
  });

  it('makes an UPDATE inside a READ COMMITTED block wait for the row instead of failing', async () => {
    const [first] = clients as [pg.Client];
    await first.query('CREATE TABLE rmw (id int PRIMARY KEY, n int NOT NULL)');
    await first.query('INSERT INTO rmw VALUES (1, 0)');
    const rounds = 60;
    await Promise.all(
      clients.map(async (c, i) => {
        for (let k = 0; k < rounds; k++) {
          if (i % 2 === 0) {
            await c.query('UPDATE rmw SET n = n + 1 WHERE id = $1', [1]);
            continue;
          }
          await c.query('BEGIN');
          await c.query('SELECT n FROM rmw WHERE id = $1', [1]);
          await c.query('UPDATE rmw SET n = n + 1 WHERE id = $1', [1]);
          await c.query('COMMIT');
        }
      }),
    );
    expect((await first.query('SELECT n FROM rmw')).rows).toEqual([{ n: CLIENTS * rounds }]);
  });

  it('waits for a row held by an open block, re-reads it after the commit, and honours statement_timeout', async () => {
    const [a, b] = clients as [pg.Client, pg.Client];
    await a.query('CREATE TABLE held (id int PRIMARY KEY, n int NOT NULL)');
    await a.query('INSERT INTO held VALUES (1, 0)');
    await a.query('BEGIN');
    await a.query('UPDATE held SET n = n + 10 WHERE id = 1');
    await b.query('SET statement_timeout = 50');
    await expect(b.query('UPDATE held SET n = n + 1 WHERE id = 1')).rejects.toMatchObject({ code: '57014' });
    await b.query('SET statement_timeout = 0');
    const waiting = b.query('UPDATE held SET n = n + 1 WHERE id = $1 RETURNING n', [1]);
    await a.query('COMMIT');
    expect((await waiting).rows).toEqual([{ n: 11 }]);
  });

  it('still reports 40001 inside an explicit transaction block', async () => {
    const [a, b] = clients as [pg.Client, pg.Client];
    await a.query('CREATE TABLE u (id int PRIMARY KEY, n int NOT NULL)');
    await a.query('INSERT INTO u VALUES (1, 0)');
    await a.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await a.query('SELECT n FROM u WHERE id = 1');
    await b.query('UPDATE u SET n = n + 1 WHERE id = 1');
    await expect(a.query('UPDATE u SET n = n + 10 WHERE id = 1')).rejects.toMatchObject({ code: '40001' });
    await a.query('ROLLBACK');
    expect((await a.query('SELECT n FROM u')).rows).toEqual([{ n: 1 }]);
  });
});
