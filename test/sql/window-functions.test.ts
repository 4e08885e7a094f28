/**
 * Window functions (issue 7) and aggregates over windows with FILTER, differentially against real
 * PostgreSQL 15: each query runs through node-postgres on both servers and must give the same rows
 * (text values, in order) and the same column type OIDs (EXPLAIN output included). Error cases
 * compare the SQLSTATE (FILTER's, also the message and position).
 * - Queries only select values that do not depend on the order of peers (rows equal under the
 *   window's ORDER BY), which PostgreSQL leaves unspecified.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startServer, type RunningServer } from '../../src/server.js';
import { MemoryVfs } from '../../src/storage/index.js';
import { startPostgres } from '../support/postgres.js';
import type { ServerHandle } from '../support/server-handle.js';

let strata: RunningServer;
let postgres: ServerHandle;
let s: pg.Client;
let p: pg.Client;

const SETUP = [
  'CREATE TABLE emp (id int PRIMARY KEY, dept text, salary int, bonus numeric(6,2))',
  `INSERT INTO emp VALUES (1, 'eng', 100, 1.50), (2, 'eng', 120, NULL), (3, 'eng', 120, 2.25), (4, 'ops', 90, 0.75),
     (5, 'ops', 90, 1.00), (6, 'ops', 80, NULL), (7, 'hr', 70, 3.00), (8, NULL, 60, 0.50)`,
];

// Type parsing off: compare the wire text of every value.
const RAW = { getTypeParser: () => (v: string): string => v } as unknown as pg.CustomTypesConfig;

beforeAll(async () => {
  strata = await startServer({ dataDir: '/db', port: 0, engine: { vfs: new MemoryVfs(), flushInWorker: false } });
  postgres = await startPostgres();
  s = new pg.Client({ host: strata.host, port: strata.port, user: 'postgres', database: 'postgres', types: RAW });
  p = new pg.Client({ host: postgres.host, port: postgres.port, user: postgres.user, database: postgres.database, types: RAW });
  await s.connect();
  await p.connect();
  for (const sql of SETUP) {
    await s.query(sql);
    await p.query(sql);
  }
}, 60_000);

afterAll(async () => {
  await s?.end();
  await p?.end();
  await strata?.close();
  await postgres?.stop();
});

async function same(sql: string): Promise<unknown[][]> {
  const q = { text: sql, rowMode: 'array' as const };
  const expected = await p.query(q);
  const actual = await s.query(q);
  expect(actual.rows, sql).toEqual(expected.rows);
  expect(actual.fields.map((f) => f.dataTypeID), sql).toEqual(expected.fields.map((f) => f.dataTypeID));
  expect(expected.rows.length, sql).toBeGreaterThan(0);
  return actual.rows as unknown[][];
}

describe('window functions match PostgreSQL 15', () => {
  it('ranks within partitions', async () => {
    await same('SELECT id, row_number() OVER (PARTITION BY dept ORDER BY salary DESC, id) FROM emp ORDER BY id');
    await same('SELECT id, rank() OVER (PARTITION BY dept ORDER BY salary), dense_rank() OVER (PARTITION BY dept ORDER BY salary) FROM emp ORDER BY id');
    await same('SELECT id, rank() OVER (ORDER BY salary DESC), percent_rank() OVER (ORDER BY salary), cume_dist() OVER (ORDER BY salary) FROM emp ORDER BY id');
    await same('SELECT id, ntile(3) OVER (ORDER BY id), row_number() OVER () > 0 FROM emp ORDER BY id');
  });

  it('lag and lead with offsets and defaults', async () => {
    await same('SELECT id, lag(salary) OVER (ORDER BY id), lead(salary) OVER (ORDER BY id) FROM emp ORDER BY id');
    await same('SELECT id, lag(salary, 2, -1) OVER (PARTITION BY dept ORDER BY id), lead(bonus, 1, 9.99) OVER (PARTITION BY dept ORDER BY id) FROM emp ORDER BY id');
  });

  it('aggregates over partitions: default RANGE frame with peers and ROWS frames', async () => {
    await same('SELECT id, sum(salary) OVER (PARTITION BY dept), avg(salary) OVER (PARTITION BY dept), count(*) OVER (PARTITION BY dept) FROM emp ORDER BY id');
    await same('SELECT id, sum(salary) OVER (ORDER BY salary), count(bonus) OVER (ORDER BY salary), avg(bonus) OVER (PARTITION BY dept ORDER BY salary) FROM emp ORDER BY id');
    await same('SELECT id, sum(salary) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW), max(salary) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING) FROM emp ORDER BY id');
    await same('SELECT id, min(salary) OVER (ORDER BY salary RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING), sum(salary) OVER (ORDER BY id ROWS UNBOUNDED PRECEDING) FROM emp ORDER BY id');
  });

  it('first_value, last_value and nth_value over frames', async () => {
    await same('SELECT id, first_value(id) OVER (PARTITION BY dept ORDER BY salary), last_value(salary) OVER (PARTITION BY dept ORDER BY salary) FROM emp ORDER BY id');
    await same('SELECT id, last_value(id) OVER (PARTITION BY dept ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), nth_value(salary, 2) OVER (ORDER BY id) FROM emp ORDER BY id');
    await same('SELECT id, first_value(salary) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING) FROM emp ORDER BY id');
  });

  it('windows over grouped results', async () => {
    await same('SELECT dept, count(*), sum(count(*)) OVER () FROM emp GROUP BY dept ORDER BY dept');
    await same('SELECT dept, sum(salary) AS total, rank() OVER (ORDER BY sum(salary) DESC) FROM emp GROUP BY dept HAVING count(*) > 0 ORDER BY dept');
  });

  it('orders by a window result and uses named windows', async () => {
    await same('SELECT id, row_number() OVER (ORDER BY salary DESC, id) AS rn FROM emp ORDER BY rn DESC LIMIT 5');
    await same('SELECT id FROM emp ORDER BY row_number() OVER (ORDER BY bonus NULLS FIRST, id) DESC');
    await same('SELECT id, sum(salary) OVER w, rank() OVER w FROM emp WINDOW w AS (PARTITION BY dept ORDER BY salary) ORDER BY id');
    await same('SELECT id, sum(salary) OVER (w ORDER BY id) FROM emp WINDOW w AS (PARTITION BY dept) ORDER BY id');
  });
});

describe('window aggregates with FILTER match PostgreSQL 15', () => {
  it('leave out the rows where FILTER is not true, in every frame', async () => {
    await same('SELECT id, count(*) FILTER (WHERE salary > 90) OVER (PARTITION BY dept), sum(salary) FILTER (WHERE bonus IS NOT NULL) OVER (ORDER BY id) FROM emp ORDER BY id');
    await same("SELECT id, avg(bonus) FILTER (WHERE dept = 'eng') OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM emp ORDER BY id");
    await same('SELECT id, count(*) FILTER (WHERE salary >= 90) OVER w, max(salary) FILTER (WHERE id > 2) OVER w FROM emp WINDOW w AS (PARTITION BY dept ORDER BY id) ORDER BY id');
    await same('SELECT id, count(*) OVER (), count(*) FILTER (WHERE id > 4) OVER (), count(*) FILTER (WHERE NULL) OVER () FROM emp ORDER BY id');
  });

  it('over grouped rows, beside a plain aggregate with FILTER', async () => {
    await same('SELECT dept, sum(count(*)) FILTER (WHERE dept IS NOT NULL) OVER () FROM emp GROUP BY dept ORDER BY dept');
    await same("SELECT dept, count(*) FILTER (WHERE id > 1), sum(count(*) FILTER (WHERE id > 1)) FILTER (WHERE dept <> 'hr') OVER (ORDER BY dept) FROM emp GROUP BY dept ORDER BY dept");
  });

  it('raise PostgreSQL\'s errors (SQLSTATE, message, position) where it rejects a call', async () => {
    const errors = [
      'SELECT row_number() FILTER (WHERE id > 1) OVER () FROM emp',
      'SELECT lag(id) FILTER (WHERE id > 1) OVER () FROM emp',
      'SELECT sum(salary ORDER BY id) OVER () FROM emp',
      "SELECT string_agg(dept, ',' ORDER BY id) OVER () FROM emp",
      'SELECT count(DISTINCT dept) OVER () FROM emp',
      'SELECT sum(salary) FILTER (WHERE sum(salary) > 1) OVER () FROM emp',
      'SELECT sum(salary) FILTER (WHERE row_number() OVER () > 1) OVER () FROM emp',
      'SELECT sum(salary) FILTER (WHERE nosuch > 1) OVER () FROM emp',
      'SELECT sum(salary) FILTER (WHERE 1) OVER () FROM emp',
      'SELECT count(*) FILTER (WHERE count(*) > 1) FROM emp',
    ];
    const fields = (e: { code?: string; message: string; position?: string }): string => `${e.code} ${e.message} @${e.position}`;
    for (const sql of errors) {
      const expected = await p.query(sql).then(() => 'no error', fields);
      const actual = await s.query(sql).then(() => 'no error', fields);
      expect(expected, sql).not.toBe('no error');
      expect(actual, sql).toBe(expected);
    }
  });
});

describe('window functions: plans and errors', () => {
  it('explains a WindowAgg node over its Sort', async () => {
    await same('EXPLAIN (COSTS OFF) SELECT id, row_number() OVER (ORDER BY salary) FROM emp');
    await same('EXPLAIN (COSTS OFF) SELECT id, rank() OVER (PARTITION BY dept ORDER BY salary DESC) FROM emp');
    await same('EXPLAIN (COSTS OFF) SELECT id, count(*) OVER () FROM emp');
  });

  it('rejects window functions with the SQLSTATE PostgreSQL reports', async () => {
    const errors = [
      'SELECT id FROM emp WHERE row_number() OVER () > 1',
      'SELECT lower(dept) OVER () FROM emp',
      'SELECT sum(salary) OVER nosuch FROM emp',
      'SELECT ntile(0) OVER () FROM emp',
      'SELECT sum(rank() OVER ()) FROM emp',
      'SELECT sum(salary) FROM emp GROUP BY dept HAVING rank() OVER () > 1',
      'SELECT rank() OVER (ORDER BY row_number() OVER ()) FROM emp',
    ];
    for (const sql of errors) {
      const expected = await p.query(sql).then(() => 'no error', (e: { code: string }) => e.code);
      const actual = await s.query(sql).then(() => 'no error', (e: { code: string }) => e.code);
      expect(actual, sql).toBe(expected);
      expect(expected, sql).not.toBe('no error');
    }
  });
});
