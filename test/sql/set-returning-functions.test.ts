/**
 * Set-returning functions in a select list (PostgreSQL 10+'s ProjectSet), differentially against
 * PostgreSQL 15: several SRFs in lockstep (the longest decides the row count, shorter ones give
 * NULL), over a FROM clause, beside plain columns, nested in expressions and in each other, with
 * aggregates and windows below them, ORDER BY / DISTINCT / LIMIT above them, in GROUP BY and
 * window definitions (then below the Aggregate / WindowAgg), in a single INSERT … VALUES row, of
 * every kind (unnest, generate_series, JSON and regexp ones) and inside subqueries, CTEs and set
 * operations. Rows, column names and type OIDs must match; errors must match in SQLSTATE,
 * message, position and hint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startServer, type RunningServer } from '../../src/server.js';
import { MemoryVfs } from '../../src/storage/index.js';
import { startPostgres } from '../support/postgres.js';
import type { ServerHandle } from '../support/server-handle.js';
import { Differential } from '../support/differential.js';

let strata: RunningServer;
let postgres: ServerHandle;
let diff: Differential;
let s: pg.Client;
let p: pg.Client;

const SETUP = [
  'CREATE TABLE t (id int PRIMARY KEY, a int[], b text[], n int)',
  "INSERT INTO t VALUES (1, '{1,2,3}', '{x,y}', 2), (2, '{4}', '{p,q,r}', 0), (3, NULL, '{}', NULL), (4, '{}', NULL, 1)",
  'CREATE TABLE doc (id int PRIMARY KEY, m int[], j jsonb, s text)',
  `INSERT INTO doc VALUES (1, '{3,1,2}', '[1,"x",{"k":2}]', 'a,b,c'), (2, '{{1,2},{3,4}}', '[]', 'x'), (3, NULL, NULL, NULL)`,
];

beforeAll(async () => {
  strata = await startServer({ dataDir: '/db', port: 0, engine: { vfs: new MemoryVfs(), flushInWorker: false } });
  postgres = await startPostgres();
  const subject = { host: strata.host, port: strata.port, user: 'postgres', database: 'postgres' };
  diff = await Differential.connect(postgres, subject);
  s = new pg.Client(subject);
  p = new pg.Client({ host: postgres.host, port: postgres.port, user: postgres.user, database: postgres.database });
  await Promise.all([s.connect(), p.connect()]);
  for (const sql of SETUP) await Promise.all([s.query(sql), p.query(sql)]);
}, 60_000);

afterAll(async () => {
  await diff?.close();
  await s?.end();
  await p?.end();
  await strata?.close();
  await postgres?.stop();
});

async function same(statements: readonly string[]): Promise<void> {
  expect(await diff.checkAll(statements)).toEqual([]);
}

interface ErrorFields {
  readonly code: string | undefined;
  readonly message: string;
  readonly position: string | undefined;
  readonly hint: string | undefined;
}

async function errorOf(client: pg.Client, sql: string): Promise<ErrorFields | 'no error'> {
  try {
    await client.query(sql);
    return 'no error';
  } catch (error) {
    const e = error as pg.DatabaseError;
    return { code: e.code, message: e.message, position: e.position, hint: e.hint };
  }
}

async function sameErrors(statements: readonly string[]): Promise<void> {
  for (const sql of statements) {
    const expected = await errorOf(p, sql);
    expect(expected, sql).not.toBe('no error');
    expect(await errorOf(s, sql), sql).toEqual(expected);
  }
}

describe('set-returning functions in a select list', () => {
  it('run in lockstep: the longest decides the row count, shorter ones give NULL', async () => {
    await same([
      'SELECT generate_series(1, 3), generate_series(1, 2)',
      "SELECT unnest('{1,2}'::int[]), unnest('{a,b,c}'::text[])",
      'SELECT unnest(ARRAY[1, 2]), generate_series(1, 0)',
      'SELECT generate_series(1, 0), 5',
      'SELECT unnest(NULL::int[]), 1',
      'SELECT unnest(ARRAY[1, 2]) AS x, 5 AS y',
      'SELECT generate_series(1, 3), generate_series(1, 3) AS again',
    ]);
  });

  it('run per row over a FROM clause, beside plain columns', async () => {
    await same([
      'SELECT unnest(a), unnest(b) FROM t',
      'SELECT id, unnest(a) FROM t',
      'SELECT id, unnest(a), n FROM t WHERE id < 4',
      'SELECT id, generate_series(1, n) AS g FROM t ORDER BY id, g',
      'SELECT t.id, unnest(u.b) FROM t JOIN t u ON u.id = t.id + 1',
      'SELECT id, (SELECT sum(x) FROM unnest(a) AS x) FROM t',
    ]);
  });

  it('of every kind (JSON, regexp, multi-dimensional arrays), inside subqueries, CTEs and set operations', async () => {
    await same([
      'SELECT jsonb_array_elements(j), id FROM doc ORDER BY 2',
      "SELECT regexp_split_to_table(s, ','), id FROM doc ORDER BY 2, 1",
      "SELECT regexp_matches(s, '[a-c]', 'g'), id FROM doc ORDER BY 2, 1",
      "SELECT id, unnest(m), unnest(string_to_array(s, ',')) FROM doc ORDER BY 1",
      'SELECT id, (SELECT unnest(doc.m) LIMIT 1) FROM doc ORDER BY id',
      'SELECT id FROM doc WHERE EXISTS (SELECT unnest(doc.m)) ORDER BY id',
      'SELECT * FROM (SELECT id, unnest(m) AS u FROM doc) AS s WHERE u > 1 ORDER BY 1, 2',
      'WITH c AS (SELECT unnest(m) AS u FROM doc) SELECT count(*), sum(u) FROM c',
      'SELECT unnest(m) FROM doc WHERE id = 1 UNION SELECT generate_series(5, 6) ORDER BY 1',
      'SELECT count(*) FROM (SELECT generate_series(1, 100000)) AS s',
    ]);
  });

  it('nest in expressions and in each other (one ProjectSet level per depth)', async () => {
    await same([
      'SELECT unnest(a) + 1 FROM t',
      'SELECT abs(unnest(a)) * 2, upper(unnest(b)) FROM t',
      'SELECT unnest(ARRAY[1, 2]) IN (1, 3)',
      'SELECT nullif(generate_series(1, 2), 1), greatest(1, generate_series(0, 2))',
      'SELECT generate_series(1, 2) IS NULL',
      'SELECT generate_series(1, generate_series(1, 3))',
      'SELECT generate_series(1, 2), generate_series(1, generate_series(1, 3))',
      'SELECT generate_series(1, 2) AS a, generate_series(1, generate_series(1, 3)) + generate_series(5, 6) AS b',
    ]);
  });

  it('run above aggregates and windows, below ORDER BY, DISTINCT and LIMIT', async () => {
    await same([
      'SELECT count(*), generate_series(1, 2) FROM t',
      'SELECT n, count(*), generate_series(1, count(*)::int) FROM t GROUP BY n ORDER BY n NULLS FIRST, 3',
      'SELECT id, row_number() OVER (ORDER BY id), unnest(a) FROM t ORDER BY id',
      'SELECT unnest(array_agg(id ORDER BY id)) FROM t',
      'SELECT generate_series(1, id) FROM t ORDER BY 1 DESC',
      'SELECT generate_series(1, 3) AS g ORDER BY g DESC LIMIT 2',
      'SELECT DISTINCT unnest(b) FROM t ORDER BY 1',
      'SELECT DISTINCT ON (generate_series(1, 2)) 5',
      'SELECT id FROM t ORDER BY unnest(a), id',
      'SELECT sum(x) FROM (SELECT unnest(a) AS x FROM t) AS s',
      'SELECT generate_series(1, 2) UNION ALL SELECT 5',
      'SELECT array(SELECT unnest(ARRAY[3, 4]))',
      'SELECT unnest(ARRAY[1, 2]) FROM t WHERE id = 1 LIMIT 1',
    ]);
  });

  it('in GROUP BY and in a window\'s PARTITION BY / ORDER BY run below the Aggregate / WindowAgg', async () => {
    await same([
      'SELECT unnest(a), count(*) FROM t GROUP BY 1 ORDER BY 1',
      'SELECT unnest(b) AS tag, count(*) FROM t GROUP BY tag ORDER BY 2 DESC, 1',
      'SELECT unnest(a) + 1, count(*) FROM t GROUP BY unnest(a) ORDER BY 1',
      'SELECT generate_series(1, 2), unnest(a), count(*) FROM t GROUP BY 2 ORDER BY 2, 1',
      'SELECT generate_series(1, unnest(a)) AS g, count(*) FROM t GROUP BY unnest(a) ORDER BY 1, 2',
      'SELECT unnest(a), count(*) FILTER (WHERE n > 0) FROM t GROUP BY 1 HAVING count(*) > 1 ORDER BY 1',
      'SELECT unnest(a), unnest(b), count(*) FROM t GROUP BY 1, 2 ORDER BY 1, 2',
      'SELECT max(id), generate_series(1, 2) FROM t GROUP BY unnest(b) ORDER BY 1, 2',
      'SELECT sum(id) OVER (PARTITION BY unnest(ARRAY[1])) FROM t ORDER BY 1',
      'SELECT count(*) OVER (ORDER BY generate_series(1, 2))',
      'SELECT id, unnest(a), sum(id) OVER (PARTITION BY unnest(a)) FROM t ORDER BY 1, 2',
    ]);
  });

  it('are rejected where PostgreSQL rejects them, with its errors', async () => {
    await sameErrors([
      'SELECT CASE WHEN id > 1 THEN unnest(a) END FROM t',
      "SELECT 1, CASE generate_series(1, 2) WHEN 1 THEN 'a' END",
      'SELECT coalesce(unnest(a), 0) FROM t',
      'SELECT coalesce(1, generate_series(1, 2) + unnest(ARRAY[3]))',
      'SELECT * FROM t WHERE unnest(a) > 1',
      'SELECT max(unnest(a)) FROM t',
      'SELECT sum(unnest(a)) OVER () FROM t',
      'SELECT 1 HAVING unnest(ARRAY[1]) = 1',
      'SELECT 1 LIMIT unnest(ARRAY[1])',
      'SELECT 1 OFFSET unnest(ARRAY[1])',
      'VALUES (1), (unnest(ARRAY[1, 2]))',
      'SELECT 1 FROM t JOIN t u ON unnest(ARRAY[t.id]) = u.id',
      'SELECT 1 FROM generate_series(1, unnest(ARRAY[2]))',
      'SELECT row_number() OVER (ROWS BETWEEN unnest(ARRAY[1]) PRECEDING AND CURRENT ROW)',
      'SELECT count(*) FILTER (WHERE unnest(ARRAY[true])) FROM t',
      'SELECT id, generate_series(1, 2) FROM t FOR UPDATE',
      'VALUES (unnest(ARRAY[1])), (2)',
    ]);
  });

  it('take parameters and run again from a cached plan (extended protocol)', async () => {
    const sql = 'SELECT generate_series(1, $1::int) AS g, unnest($2::text[]) AS u';
    for (const values of [[3, ['a', 'b']], [1, ['x', 'y', 'z']], [3, ['a', 'b']]]) {
      expect(await diff.check(sql, { ordered: true, values })).toBeUndefined();
    }
  });

  it('fill an INSERT from a single VALUES row or a query', async () => {
    await same([
      'CREATE TABLE ins (id int, v text DEFAULT \'d\')',
      "INSERT INTO ins VALUES (unnest(ARRAY[1, 2, 3]), 'x')",
      'INSERT INTO ins VALUES (generate_series(4, 5), DEFAULT)',
      "INSERT INTO ins SELECT generate_series(6, 7), unnest(ARRAY['a', 'b', 'c'])",
      'SELECT * FROM ins ORDER BY id, v',
    ]);
  });

  it('as the argument of NOT, AND, IS TRUE, CASE/WHEN: 42804 as in PostgreSQL', async () => {
    await sameErrors([
      'SELECT NOT (generate_series(1, 3) > 1)',
      'SELECT true AND unnest(ARRAY[true, false])',
      'SELECT generate_series(1, 2) > 1 IS TRUE',
      'SELECT CASE WHEN generate_series(1, 2) > 1 THEN 1 END',
    ]);
  });
});
