/**
 * WITH RECURSIVE (issue 7), differentially against real PostgreSQL 15: each query runs on stratadb
 * (embedded, db.query) and on PostgreSQL (node-postgres, text values) and must give the same rows
 * (as text, in order) and column type OIDs; error cases must give the same SQLSTATE and message.
 * Plus the default iteration limit, statement_timeout and EXPLAIN on stratadb alone, and both
 * safety limits on RecursiveUnionPlan directly with small limits and synthetic input plans.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Database } from '../../src/sql/index.js';
import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import { SqlError } from '../../src/util/index.js';
import { startPostgres } from '../support/postgres.js';
import { RecursiveUnionPlan, WorkTableScanPlan } from '../../src/sql/exec/recursive-union.js';
import { ArrayCursor, type ExplainNode, type PhysicalPlan, type RowCursor } from '../../src/sql/exec/operator.js';
import type { ExecContext } from '../../src/sql/exec/exec-context.js';
import type { Row } from '../../src/sql/exec/compile-expr.js';
import { INT4 } from '../../src/catalog/types/index.js';
import type { ServerHandle } from '../support/server-handle.js';

let db: Database;
let postgres: ServerHandle;
let p: pg.Client;

const SETUP = [
  'CREATE TABLE node (id int PRIMARY KEY, parent int, name text)',
  `INSERT INTO node VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'a1'), (5, 2, 'a2'), (6, 4, 'a1x'), (7, 3, 'b1')`,
  'CREATE TABLE edge (src int, dst int)',
  'INSERT INTO edge VALUES (1, 2), (2, 3), (3, 1), (3, 4), (4, 4), (5, 6)',
];

// Type parsing off: compare the wire text of every value.
const RAW = { getTypeParser: () => (v: string): string => v } as unknown as pg.CustomTypesConfig;

beforeAll(async () => {
  db = await Database.open(new MemoryVersionedKv());
  postgres = await startPostgres();
  p = new pg.Client({ host: postgres.host, port: postgres.port, user: postgres.user, database: postgres.database, types: RAW });
  await p.connect();
  for (const sql of SETUP) {
    await db.query(sql);
    await p.query(sql);
  }
}, 60_000);

afterAll(async () => {
  await p?.end();
  await db?.close();
  await postgres?.stop();
});

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 't' : 'f';
  return String(v);
}

async function same(sql: string): Promise<Array<Array<string | null>>> {
  const expected = await p.query({ text: sql, rowMode: 'array' });
  const actual = await db.query(sql);
  const rows = actual.rows.map((r) => Object.values(r).map(text));
  expect(rows, sql).toEqual(expected.rows);
  expect(actual.fields.map((f) => f.typeOid), sql).toEqual(expected.fields.map((f) => f.dataTypeID));
  expect(expected.rows.length, sql).toBeGreaterThan(0);
  return rows;
}

async function sameError(sql: string): Promise<string> {
  const expected = await p.query(sql).then(
    () => undefined,
    (e: unknown) => e as { code: string; message: string },
  );
  expect(expected, `PostgreSQL accepted: ${sql}`).toBeDefined();
  const actual = await db.query(sql).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(actual, `stratadb accepted: ${sql}`).toBeInstanceOf(SqlError);
  const err = actual as SqlError;
  expect({ code: err.code, message: err.message }, sql).toEqual({ code: expected?.code, message: expected?.message });
  return err.code;
}

describe('WITH RECURSIVE matches PostgreSQL 15', () => {
  it('counts', async () => {
    const rows = await same('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 10) SELECT * FROM t');
    expect(rows.map((r) => r[0])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    await same('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 100) SELECT sum(n), count(*) FROM t');
    await same('WITH RECURSIVE t(n) AS (VALUES (1::bigint) UNION ALL SELECT n * 2 FROM t WHERE n < 1000000) SELECT n FROM t ORDER BY n DESC');
  });

  it('stops an unbounded recursion at an outer LIMIT', async () => {
    await same('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT n FROM t LIMIT 5');
  });

  it('walks a parent/child tree with a path column', async () => {
    const rows = await same(`WITH RECURSIVE tree(id, name, depth, path) AS (
        SELECT id, name, 0, name FROM node WHERE parent IS NULL
        UNION ALL
        SELECT n.id, n.name, t.depth + 1, t.path || '/' || n.name FROM node n JOIN tree t ON n.parent = t.id
      ) SELECT id, depth, path FROM tree ORDER BY path`);
    expect(rows).toContainEqual(['6', '3', 'root/a/a1/a1x']);
    await same(`WITH RECURSIVE up(id, parent) AS (
        SELECT id, parent FROM node WHERE id = 6
        UNION ALL
        SELECT n.id, n.parent FROM up, node n WHERE n.id = up.parent
      ) SELECT id FROM up`);
  });

  it('terminates UNION (dedup) over a cyclic graph', async () => {
    await same('WITH RECURSIVE reach(v) AS (SELECT 1 UNION SELECT e.dst FROM edge e JOIN reach r ON e.src = r.v) SELECT v FROM reach ORDER BY v');
    await same('WITH RECURSIVE reach(v, hop) AS (SELECT 1, 0 UNION SELECT e.dst, 0 FROM edge e, reach r WHERE e.src = r.v) SELECT * FROM reach ORDER BY v');
    await same('WITH RECURSIVE reach AS (SELECT 5 AS v UNION SELECT dst FROM edge, reach WHERE src = v) SELECT count(*) FROM reach');
  });

  it('computes fibonacci with two columns', async () => {
    await same('WITH RECURSIVE fib(a, b) AS (SELECT 0::numeric, 1::numeric UNION ALL SELECT b, a + b FROM fib WHERE b < 1000000) SELECT a FROM fib');
    await same('WITH RECURSIVE fib(i, a, b) AS (SELECT 1, 0::bigint, 1::bigint UNION ALL SELECT i + 1, b, a + b FROM fib WHERE i < 50) SELECT i, a FROM fib WHERE i > 45');
  });

  it('types columns from the non-recursive term', async () => {
    await same(`WITH RECURSIVE t(n, s) AS (SELECT 1, 'x' UNION ALL SELECT n + 1, s || 'y' FROM t WHERE n < 3) SELECT * FROM t`);
    await same('WITH RECURSIVE t(n) AS (SELECT 1::smallint UNION ALL SELECT n + 1::smallint FROM t WHERE n < 3) SELECT n FROM t');
    await same('WITH RECURSIVE t(n) AS (SELECT 1::bigint UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT n FROM t');
  });

  it('allows the reference under INTERSECT and the left side of EXCEPT', async () => {
    await same('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL (SELECT n + 1 FROM t INTERSECT SELECT generate_series(1, 5))) SELECT * FROM t');
    await same('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL (SELECT n + 1 FROM t WHERE n < 6 EXCEPT SELECT 4)) SELECT * FROM t');
  });

  it('joins a recursive CTE with itself and reads it from a subquery', async () => {
    await same('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 5) SELECT a.n AS x, b.n AS y FROM t a JOIN t b ON b.n = a.n + 1 ORDER BY 1');
    await same('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 5) SELECT id FROM node WHERE id IN (SELECT n * 2 FROM t) ORDER BY id');
    await same('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 5) SELECT n, (SELECT count(*) FROM t t2 WHERE t2.n <= t.n) FROM t');
    await same('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT s.m FROM (SELECT n + 1 AS m FROM t) s WHERE s.m < 4) SELECT * FROM t');
  });

  it('treats a non-self-referencing CTE under WITH RECURSIVE as a plain one', async () => {
    await same('WITH RECURSIVE a AS (SELECT 1 AS x), b(y) AS (SELECT x + 1 FROM a UNION ALL SELECT y + 1 FROM b WHERE y < 4) SELECT * FROM b');
  });

  it('raises PostgreSQL’s errors', async () => {
    await sameError('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 0.5 FROM t WHERE n < 3) SELECT * FROM t');
    await sameError('WITH RECURSIVE t(n) AS (SELECT n FROM t UNION ALL SELECT 1) SELECT * FROM t');
    await sameError('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT 2 WHERE 1 IN (SELECT n FROM t)) SELECT * FROM t');
    await sameError('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT node.id FROM node LEFT JOIN t ON t.n = node.parent) SELECT * FROM t');
    await sameError('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT a.n FROM t a, t b) SELECT * FROM t');
    await sameError('WITH RECURSIVE t(n) AS (SELECT n + 1 FROM t) SELECT * FROM t');
    await sameError('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL (SELECT n + 1 FROM t INTERSECT ALL SELECT 2)) SELECT * FROM t');
    await sameError('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL (SELECT 2 EXCEPT SELECT n + 1 FROM t)) SELECT * FROM t');
    await sameError('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t ORDER BY 1) SELECT * FROM t');
    await sameError('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT count(*) FROM t WHERE n < 3) SELECT * FROM t');
    await sameError('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3 GROUP BY n HAVING max(n) < 3) SELECT * FROM t');
  });
});

describe('WITH RECURSIVE on stratadb', () => {
  it('shows Recursive Union and WorkTable Scan in EXPLAIN', async () => {
    const r = await db.query('EXPLAIN WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 10) SELECT * FROM t');
    const plan = r.rows.map((row) => Object.values(row)[0]).join('\n');
    expect(plan).toContain('Recursive Union');
    expect(plan).toContain('WorkTable Scan on t');
  });

  it('fails an unbounded recursion at recursionIterationsMax instead of hanging', async () => {
    const err = await db.query('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT count(*) FROM t').then(
      () => undefined,
      (e: unknown) => e as SqlError,
    );
    expect(err?.code).toBe('54000');
    expect(err?.message).toBe('recursive query "t" exceeded recursionIterationsMax (100000 iterations)');
  });

  it('honours statement_timeout inside the recursion', async () => {
    await db.query("SET statement_timeout = '1ms'");
    const err = await db.query('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT count(*) FROM t').then(
      () => undefined,
      (e: unknown) => e as SqlError,
    );
    await db.query('SET statement_timeout = 0');
    expect(err?.code).toBe('57014');
  });
});

/** Each working-table row n yields `fanOut` rows n + 1 (a recursion that never ends by itself). */
class Successors implements PhysicalPlan {
  readonly width = 1;
  constructor(
    private readonly input: PhysicalPlan,
    private readonly fanOut: number,
  ) {}
  explain(): ExplainNode {
    return { label: 'Successors', details: [], children: [this.input] };
  }
  open(ctx: ExecContext): RowCursor {
    const out: Row[] = [];
    const cursor = this.input.open(ctx);
    for (let r = cursor.next(); r !== undefined; r = cursor.next()) {
      for (let i = 0; i < this.fanOut; i++) out.push([(r[0] as number) + 1]);
    }
    return new ArrayCursor(out);
  }
}

class One implements PhysicalPlan {
  readonly width = 1;
  explain(): ExplainNode {
    return { label: 'One', details: [], children: [] };
  }
  open(): RowCursor {
    return new ArrayCursor([[1]]);
  }
}

describe('RecursiveUnionPlan limits', () => {
  const ctx = { checkCancel: (): void => undefined } as unknown as ExecContext;
  function run(fanOut: number, limits: { recursionIterationsMax: number; recursionRowsMax: number }): unknown {
    const work = new WorkTableScanPlan('t', 1);
    const plan = new RecursiveUnionPlan('t', true, new One(), new Successors(work, fanOut), work, [INT4], limits);
    const cursor = plan.open(ctx);
    try {
      let n = 0;
      while (cursor.next() !== undefined) n++;
      return n;
    } catch (e) {
      return e;
    } finally {
      cursor.close();
    }
  }

  it('raises recursionRowsMax on a growing recursion', () => {
    const err = run(2, { recursionIterationsMax: 1000, recursionRowsMax: 100 }) as SqlError;
    expect(err).toBeInstanceOf(SqlError);
    expect(err.code).toBe('54000');
    expect(err.message).toBe('recursive query "t" exceeded recursionRowsMax (100 rows)');
  });

  it('raises recursionIterationsMax on a recursion that never ends', () => {
    const err = run(1, { recursionIterationsMax: 50, recursionRowsMax: 1000 }) as SqlError;
    expect(err.code).toBe('54000');
    expect(err.message).toBe('recursive query "t" exceeded recursionIterationsMax (50 iterations)');
  });

  it('emits every row, dropping duplicates under UNION, while within both limits', () => {
    const work = new WorkTableScanPlan('t', 1);
    const plan = new RecursiveUnionPlan('t', false, new One(), new Successors(work, 2), work, [INT4], { recursionIterationsMax: 10, recursionRowsMax: 11 });
    const cursor = plan.open(ctx);
    const seen: unknown[] = [];
    for (let i = 0; i < 11; i++) seen.push(cursor.next()?.[0]);
    cursor.close();
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });
});
