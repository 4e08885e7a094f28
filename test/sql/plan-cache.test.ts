/**
 * The plan cache: a repeated statement is parsed, bound and planned once (cache hits), a DDL
 * statement invalidates the plans built on the old catalog version (the same text sees the new
 * schema), plans from uncommitted DDL stay private to their transaction, and search_path is part
 * of the key.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import { Database } from '../../src/sql/index.js';

describe('plan cache', () => {
  it('reuses plans, and DDL invalidates them', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    await db.query('CREATE TABLE t (id int PRIMARY KEY, a text)');
    await db.query("INSERT INTO t VALUES (1, 'x')");
    const sql = 'SELECT * FROM t WHERE id = $1';
    expect((await db.query(sql, [1])).rows).toEqual([{ id: 1, a: 'x' }]);
    const hits = db.plans.hits;
    for (let i = 0; i < 5; i++) await db.query(sql, [1]);
    expect(db.plans.hits - hits).toBe(5);
    await db.query('ALTER TABLE t ADD COLUMN b int DEFAULT 7');
    expect((await db.query(sql, [1])).rows).toEqual([{ id: 1, a: 'x', b: 7 }]);
    await db.query('BEGIN');
    await db.query('ALTER TABLE t DROP COLUMN a');
    expect((await db.query(sql, [1])).rows).toEqual([{ id: 1, b: 7 }]);
    await db.query('ROLLBACK');
    expect((await db.query(sql, [1])).rows).toEqual([{ id: 1, a: 'x', b: 7 }]);
    await db.close();
  });

  it('keys plans by search_path', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    await db.query('CREATE SCHEMA s; CREATE TABLE public.t (v text); CREATE TABLE s.t (v text)');
    await db.query("INSERT INTO public.t VALUES ('public'); INSERT INTO s.t VALUES ('s')");
    expect((await db.query('SELECT v FROM t')).rows).toEqual([{ v: 'public' }]);
    await db.query('SET search_path = s, public');
    expect((await db.query('SELECT v FROM t')).rows).toEqual([{ v: 's' }]);
    await db.close();
  });
});
