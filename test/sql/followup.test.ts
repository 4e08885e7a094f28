/**
 * Follow-up fixes to the SQL layer, each checked against PostgreSQL 15's behaviour:
 * - a typed literal is read with typmod -1, then length-coerced with the cast's own semantics;
 * - now(), CURRENT_TIMESTAMP and 'now'::timestamptz are the transaction's start time;
 * - regclass / regproc input and format_type() as PostgreSQL prints them;
 * - table rows show the stored column values, not the key encoding's reading of them;
 * - a long statement yields to the event loop and can be cancelled while it runs.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import { Database } from '../../src/sql/index.js';

/** Spins (no timers) until the wall clock has moved on by at least 2 ms. */
function clockTick(): void {
  const start = Date.now();
  while (Date.now() < start + 2) {
    // busy wait: the clock, not a sleep, is what this needs
  }
}

describe('typed literals (issue 6.1)', () => {
  it('truncates on an explicit cast, raises 22001 on assignment', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    expect((await db.query("SELECT 'abc'::varchar(2) AS v, 'abc'::char(2) AS c")).rows).toEqual([{ v: 'ab', c: 'ab' }]);
    expect((await db.query("SELECT CAST('abcd' AS character varying(3)) AS v")).rows).toEqual([{ v: 'abc' }]);
    await db.query('CREATE TABLE t (v varchar(2))');
    await expect(db.query("INSERT INTO t VALUES ('abc')")).rejects.toMatchObject({ code: '22001' });
    await db.query("INSERT INTO t VALUES ('ab  ')");
    expect((await db.query('SELECT v FROM t')).rows).toEqual([{ v: 'ab' }]);
    expect((await db.query("SELECT '1.256'::numeric(4,2)::text AS n")).rows).toEqual([{ n: '1.26' }]);
    await db.close();
  });
});

describe('transaction time (issue 6.2)', () => {
  it('fixes now(), current_timestamp and now literals for the whole transaction', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    const sql = "SELECT now()::text AS a, current_timestamp::text AS b, 'now'::timestamptz::text AS c, 'today'::date = current_date AS d";
    await db.query('BEGIN');
    const first = (await db.query(sql)).rows[0] as Record<string, unknown>;
    expect(first.a).toBe(first.b);
    expect(first.a).toBe(first.c);
    expect(first.d).toBe(true);
    clockTick();
    expect((await db.query(sql)).rows[0]).toEqual(first);
    await db.query('COMMIT');
    clockTick();
    const next = (await db.query(sql)).rows[0] as Record<string, unknown>;
    expect(next.a).toBe(next.c);
    expect(next.a).not.toBe(first.a);
    await db.close();
  });
});

describe('reg* input and format_type (issue 6.3)', () => {
  it('reads regclass names at run time and prints format_type as PostgreSQL', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    await db.query('CREATE TABLE t (id int)');
    const oid = (await db.query("SELECT 't'::regclass::oid AS o")).rows[0]?.['o'];
    expect(typeof oid).toBe('number');
    expect((await db.query("SELECT 't'::regclass::text AS r")).rows).toEqual([{ r: 't' }]);
    const runtime = await db.query("SELECT v::regclass::oid AS o, v::regclass::text AS r FROM (VALUES ('t'), ('public.t')) x(v)");
    expect(runtime.rows).toEqual([{ o: oid, r: 't' }, { o: oid, r: 't' }]);
    await expect(db.query("SELECT v::regclass FROM (VALUES ('nope')) x(v)")).rejects.toMatchObject({ code: '42P01' });
    const f = await db.query(
      'SELECT format_type(1042, -1) a, format_type(1043, 14) b, format_type(1042, NULL) c, format_type(23, NULL) d, format_type(1043, -1) e, format_type(1014, -1) f',
    );
    // Verified on PostgreSQL 15.
    expect(f.rows).toEqual([{ a: 'bpchar', b: 'character varying(10)', c: 'character', d: 'integer', e: 'character varying', f: 'bpchar[]' }]);
    await db.close();
  });

  it('reads and prints regproc with PostgreSQL 15 function oids', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    // Verified on PostgreSQL 15: now() is pg_proc oid 1299; abs and upper have overloads.
    const r = await db.query("SELECT 'now'::regproc::text AS a, 'now'::regproc::oid AS b, 'pg_catalog.NOW'::regproc::oid AS c, 1299::regproc::text AS d");
    expect(r.rows).toEqual([{ a: 'now', b: 1299, c: 1299, d: 'now' }]);
    expect((await db.query("SELECT v::regproc::oid AS o FROM (VALUES ('now')) x(v)")).rows).toEqual([{ o: 1299 }]);
    await expect(db.query("SELECT 'abs'::regproc")).rejects.toMatchObject({ code: '42725', message: 'more than one function named "abs"' });
    await expect(db.query("SELECT 'nope'::regproc")).rejects.toMatchObject({ code: '42883', message: 'function "nope" does not exist' });
    await db.close();
  });
});

describe('row values over key values (issue 6.4)', () => {
  it('prints key columns as stored, through every access path', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    await db.query('CREATE TABLE n (id numeric(10,2) PRIMARY KEY, c char(4) UNIQUE, iv interval, note text)');
    await db.query('CREATE INDEX ON n (iv)');
    await db.query("INSERT INTO n VALUES (1.5, 'a', '1 day 24:00', 'x'), (2, 'bb', '36 hours', 'y')");
    const all = [
      { id: '1.50', c: 'a   ', iv: '1 day 24:00:00', note: 'x' },
      { id: '2.00', c: 'bb  ', iv: '36:00:00', note: 'y' },
    ];
    const sql = 'SELECT id::text, c::text || \'|\' AS c, iv::text, note FROM n';
    const text = all.map((r) => ({ ...r, c: `${r.c.trimEnd()}|` }));
    expect((await db.query(`${sql} ORDER BY id`)).rows).toEqual(text);
    expect((await db.query(`${sql} WHERE id = 1.5`)).rows).toEqual([text[0]]);
    expect((await db.query(`${sql} WHERE c = 'bb'`)).rows).toEqual([text[1]]);
    expect((await db.query(`${sql} WHERE iv = '2 days'`)).rows).toEqual([text[0]]);
    expect((await db.query('SELECT c FROM n WHERE id = 2')).rows).toEqual([{ c: 'bb  ' }]);
    expect((await db.query("UPDATE n SET note = 'z' WHERE id = 1.50 RETURNING id::text")).rows).toEqual([{ id: '1.50' }]);
    await db.query('CREATE TABLE j (k jsonb PRIMARY KEY)');
    await db.query('INSERT INTO j VALUES (\'{"a": 1.50}\')');
    expect((await db.query("SELECT k::text FROM j WHERE k = '{\"a\": 1.5}'")).rows).toEqual([{ k: '{"a": 1.50}' }]);
    await db.close();
  });
});

describe('long statements share the event loop (issue 6.5)', () => {
  const options = { user: 'postgres', database: 'postgres', applicationName: 'followup', settings: new Map<string, string>() };
  const crossJoin = 'SELECT a.x, b.x, c.x FROM generate_series(1, 400) a(x), generate_series(1, 400) b(x), generate_series(1, 400) c(x)';

  it('lets another session run, and is cancelled with 57014 before it completes', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    const long = db.openSession({ ...options, backendPid: 9001 });
    const other = db.openSession({ ...options, backendPid: 9002 });
    let settled = false;
    const running = long
      .bind(long.prepare(crossJoin, []), [], [], [])
      .execute(0)
      .finally(() => {
        settled = true;
      });
    // The cross join (64M rows) is still running while another session answers a query.
    const point = await other.bind(other.prepare('SELECT 41 + 1 AS v', []), [], [], []).execute(0);
    expect(point).toMatchObject({ kind: 'rows', tag: 'SELECT 1' });
    expect(settled).toBe(false);
    long.cancel();
    await expect(running).rejects.toMatchObject({ code: '57014' });
    // The session is usable afterwards.
    const after = await long.bind(long.prepare('SELECT 1 AS v', []), [], [], []).execute(0);
    expect(after).toMatchObject({ kind: 'rows', tag: 'SELECT 1' });
    await long.close();
    await other.close();
    await db.close();
  });

  it('keeps concurrent db.query() calls in order on the shared session', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    await db.query('CREATE TABLE t (v int)');
    const order: string[] = [];
    const track = <T>(name: string, p: Promise<T>): Promise<T> => p.then((r) => (order.push(name), r));
    // The long query yields while it streams rows; the INSERT must still wait for it.
    const results = await Promise.all([
      track('long', db.query('SELECT a.x FROM generate_series(1, 500) a(x), generate_series(1, 1000) b(x)')),
      track('insert', db.query('INSERT INTO t VALUES (1)')),
      track('count', db.query('SELECT count(*)::int AS n FROM t')),
    ]);
    expect(order).toEqual(['long', 'insert', 'count']);
    expect(results[0].rowCount).toBe(500_000);
    expect(results[2].rows).toEqual([{ n: 1 }]);
    await db.close();
  });
});
