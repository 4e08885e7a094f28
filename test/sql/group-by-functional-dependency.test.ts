/**
 * GROUP BY and the grouping check, compared with a real PostgreSQL 15: columns functionally
 * dependent on a GROUP BY'd primary key may appear ungrouped (select list, HAVING, ORDER BY), and
 * every other ungrouped column raises 42803 with PostgreSQL's exact message text (the column
 * qualified by its FROM entry's alias) and error position. Correlated subqueries above the
 * aggregate read grouped columns of the outer row, and ungrouped ones raise 42803 too.
 *
 * - Each statement's outcome renders as column names and rows (sorted unless ORDER BY), or as
 *   SQLSTATE, message and position; stratadb (in process) and PostgreSQL must render the same.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import { Database } from '../../src/sql/index.js';
import { loadParser } from '../../src/sql/parse.js';
import type { SqlSession, WireRow } from '../../src/sql/session-api.js';
import { rowValues } from './encoded-row.js';
import { startPostgres } from '../support/postgres.js';
import type { ServerHandle } from '../support/server-handle.js';

const SETUP = [
  'CREATE TABLE t (id int PRIMARY KEY, name text, a int, b int)',
  'CREATE TABLE u (tid int, x int UNIQUE)',
  'CREATE TABLE t2 (k1 int, k2 int, v int, PRIMARY KEY (k1, k2))',
  'CREATE TABLE tu (id int UNIQUE, v int)',
  'CREATE TABLE t3 (id int PRIMARY KEY, z int)',
  "INSERT INTO t VALUES (1, 'one', 10, 100), (2, 'two', 20, 200), (3, 'three', 30, 100)",
  'INSERT INTO u VALUES (1, 5), (1, 6), (2, 7)',
  'INSERT INTO t2 VALUES (1, 1, 11), (1, 2, 12), (2, 1, 21)',
  'INSERT INTO t3 VALUES (1, 9), (2, 8)',
  'CREATE VIEW tv AS SELECT * FROM t',
];

/** Functional dependency on a primary key: accepted, as in PostgreSQL 9.1+. */
const DEPENDENT = [
  'SELECT t.id, t.name, count(*) FROM t JOIN u ON u.tid = t.id GROUP BY t.id ORDER BY 1',
  'SELECT t.*, count(u.x) FROM t JOIN u ON u.tid = t.id GROUP BY t.id ORDER BY t.id',
  "SELECT name || '!' AS n, sum(x) FROM t JOIN u ON u.tid = t.id GROUP BY t.id HAVING max(a) > 5 AND name <> 'zz' ORDER BY a DESC",
  'SELECT name FROM t GROUP BY id HAVING a > 1 ORDER BY b, name',
  'SELECT name, count(*) FROM t GROUP BY id ORDER BY a',
  'SELECT x.name FROM t x GROUP BY x.id',
  'SELECT k1, k2, v FROM t2 GROUP BY k1, k2',
  'SELECT v FROM t2 GROUP BY k2, k1, v',
  'SELECT id, name FROM t GROUP BY 1 ORDER BY 2',
  'SELECT upper(name) FROM t GROUP BY 1',
  'SELECT sum(a) OVER (), name FROM t GROUP BY id',
  'SELECT DISTINCT ON (name) id FROM t GROUP BY id ORDER BY name',
  'SELECT t1.name, count(*) FROM t t1, t t2 GROUP BY t1.id ORDER BY 1',
  'SELECT name, z FROM t JOIN t3 USING (id) GROUP BY id, t3.id',
  'SELECT name FROM t JOIN t3 USING (id) GROUP BY id',
  'SELECT b, count(*) FROM t GROUP BY b ORDER BY b',
  'SELECT (SELECT t.b) FROM t GROUP BY b',
  'SELECT (SELECT t.name) FROM t GROUP BY id',
  'SELECT b, (SELECT count(*) FROM t x WHERE x.b = t.b) FROM t GROUP BY b',
  "SELECT id FROM t GROUP BY id HAVING EXISTS (SELECT 1 WHERE t.name = 'one')",
  'SELECT b, (SELECT t.b + 1), count(*) FROM t GROUP BY b HAVING (SELECT t.b) > 150 OR count(*) > 1 ORDER BY (SELECT -t.b)',
  'SELECT id, (SELECT (SELECT t.name || t.b)) FROM t GROUP BY id ORDER BY 1',
  'SELECT sum(a), (SELECT max(b) FROM t x WHERE x.b > t.b) FROM t GROUP BY b ORDER BY 1',
];

/** Ungrouped columns: 42803 with PostgreSQL's message and position. */
const UNGROUPED = [
  'SELECT a FROM t GROUP BY b',
  'SELECT t.a FROM t GROUP BY b',
  'SELECT x.a FROM t x GROUP BY b',
  'SELECT a FROM t x GROUP BY b',
  'SELECT x.n FROM t x(i, n) GROUP BY b',
  'SELECT "T".a FROM t "T" GROUP BY b',
  'SELECT b, a + 1 FROM t GROUP BY b',
  'SELECT b FROM t GROUP BY b HAVING a > 1',
  'SELECT b FROM t GROUP BY b ORDER BY a',
  'SELECT b FROM t GROUP BY b HAVING a > 1 ORDER BY name',
  'SELECT count(*), name FROM t',
  'SELECT name FROM t HAVING count(*) > 0',
  'SELECT * FROM t GROUP BY b',
  'SELECT t.* FROM t GROUP BY b',
  'SELECT tid, x FROM u GROUP BY tid',
  'SELECT t.id, u.x, count(*) FROM t JOIN u ON u.tid = t.id GROUP BY t.id',
  'SELECT id, v FROM tu GROUP BY id',
  'SELECT k1, v FROM t2 GROUP BY k1',
  'SELECT k1, v FROM t2 GROUP BY k2, k1 + 0',
  'SELECT name FROM t GROUP BY id + 0',
  'SELECT s.name FROM (SELECT * FROM t) s GROUP BY s.id',
  'SELECT name FROM tv GROUP BY id',
  'WITH c AS (SELECT * FROM t) SELECT name FROM c GROUP BY id',
  'SELECT t1.name FROM t t1, t t2 GROUP BY t2.id',
  'SELECT z FROM t JOIN t3 USING (id) GROUP BY id',
  'SELECT z FROM t3 RIGHT JOIN t USING (id) GROUP BY id',
  'SELECT g FROM generate_series(1, 3) g GROUP BY 1 + 1',
  'SELECT (SELECT t.a) FROM t GROUP BY b',
  'SELECT (SELECT (SELECT t.a)) FROM t GROUP BY b',
  'SELECT b FROM t GROUP BY b HAVING EXISTS (SELECT 1 WHERE t.a > 0)',
  'SELECT (SELECT u.x) FROM t JOIN u ON u.tid = t.id GROUP BY t.id',
];

interface ErrorFields {
  code?: unknown;
  message: string;
  position?: unknown;
}

function renderError(error: unknown): string {
  const e = error as ErrorFields;
  if (typeof e.code !== 'string') throw error;
  return `ERROR ${e.code} ${e.message} at ${String(e.position)}`;
}

function renderRows(sql: string, names: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | null>>): string {
  const lines = rows.map((r) => r.map((v) => v ?? 'NULL').join(' | '));
  if (!/\border\s+by\b/i.test(sql)) lines.sort();
  return [names.join(', '), ...lines].join('\n');
}

async function runOnStratadb(session: SqlSession, sql: string): Promise<string> {
  try {
    const [stmt] = session.prepareBatch(sql);
    if (stmt === undefined) return 'EMPTY';
    const portal = session.bind(stmt, [], [], []);
    const result = await portal.execute(0);
    if (result.kind !== 'rows') return result.kind === 'command' ? result.tag : result.kind;
    const rows = result.rows.map(rowValues).map((r: WireRow) => r.map((v) => (v === null ? null : String(v))));
    return renderRows(sql, (portal.fields ?? []).map((f) => f.name), rows);
  } catch (error) {
    session.noteError();
    return renderError(error);
  }
}

async function runOnPostgres(client: pg.Client, sql: string): Promise<string> {
  try {
    const r = await client.query({ text: sql, rowMode: 'array', types: { getTypeParser: () => (v: string) => v } });
    if (r.fields.length === 0) return r.command;
    return renderRows(sql, r.fields.map((f) => f.name), r.rows as Array<Array<string | null>>);
  } catch (error) {
    const e = error as ErrorFields;
    return renderError({ code: e.code, message: e.message, position: e.position === undefined ? undefined : Number(e.position) });
  }
}

describe('GROUP BY functional dependency and 42803 texts match PostgreSQL 15', () => {
  let postgres: ServerHandle;
  let client: pg.Client;
  let db: Database;
  let session: SqlSession;

  beforeAll(async () => {
    await loadParser();
    postgres = await startPostgres({ settings: { fsync: 'off' } });
    client = new pg.Client({ host: '127.0.0.1', port: postgres.port, user: 'postgres', database: 'postgres' });
    await client.connect();
    db = await Database.open(new MemoryVersionedKv());
    session = db.openSession({ user: 'postgres', database: 'postgres', applicationName: '', backendPid: 1, settings: new Map() });
    for (const sql of SETUP) {
      await client.query(sql);
      expect(await runOnStratadb(session, sql)).not.toMatch(/^ERROR/);
    }
  }, 60_000);
  afterAll(async () => {
    await session?.close();
    await db?.close();
    await client?.end();
    await postgres?.stop();
  });

  it.each(DEPENDENT)('accepts %s', async (sql) => {
    const expected = await runOnPostgres(client, sql);
    expect(expected).not.toMatch(/^ERROR/);
    expect(await runOnStratadb(session, sql)).toBe(expected);
  });

  it.each(UNGROUPED)('rejects %s', async (sql) => {
    const expected = await runOnPostgres(client, sql);
    expect(expected).toMatch(/^ERROR 42803 (column ".+" must appear in the GROUP BY clause or be used in an aggregate function|subquery uses ungrouped column ".+" from outer query) at \d+$/);
    expect(await runOnStratadb(session, sql)).toBe(expected);
  });
});
