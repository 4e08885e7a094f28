/**
 * Transactional DDL: CREATE TABLE / CREATE INDEX / ALTER TABLE / DROP inside a transaction that
 * rolls back leave no trace — in the catalog, in the data, in later statements — both on the
 * in-memory store and on the real storage engine across a crash (memory VFS power loss) and
 * reopen, where committed DDL and data must survive and uncommitted DDL must not.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVersionedKv, type VersionedKv } from '../../src/mvcc/index.js';
import { Engine, MemoryVfs } from '../../src/storage/index.js';
import { Database } from '../../src/sql/index.js';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (error) {
    return String((error as { code?: string }).code);
  }
}

async function seed(db: Database): Promise<void> {
  await db.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
  await db.query("INSERT INTO t VALUES (1, 'one'), (2, 'two')");
}

async function rollBackEverything(db: Database): Promise<void> {
  await db.query('BEGIN');
  await db.query('CREATE TABLE u (a int)');
  await db.query('INSERT INTO u VALUES (1)');
  await db.query('CREATE INDEX t_v ON t (v)');
  await db.query("ALTER TABLE t ADD COLUMN w int DEFAULT 7");
  await db.query('ALTER TABLE t RENAME COLUMN v TO vv');
  await db.query("INSERT INTO t VALUES (3, 'three', 3)");
  await db.query('CREATE SCHEMA s');
  await db.query('CREATE VIEW tv AS SELECT id FROM t');
  await db.query('DROP TABLE t CASCADE');
  expect(await code(db.query('SELECT * FROM t'))).toBe('42P01');
  await db.query('ROLLBACK');
}

async function expectUntouched(db: Database): Promise<void> {
  const rows = await db.query('SELECT * FROM t ORDER BY id');
  expect(rows.rows).toEqual([{ id: 1, v: 'one' }, { id: 2, v: 'two' }]);
  expect(rows.fields.map((f) => f.name)).toEqual(['id', 'v']);
  expect(await code(db.query('SELECT * FROM u'))).toBe('42P01');
  expect(await code(db.query('SELECT * FROM tv'))).toBe('42P01');
  expect(await code(db.query('CREATE SCHEMA s'))).toBe('ok');
  expect(await code(db.query('CREATE INDEX t_v ON t (v)'))).toBe('ok');
  expect((await db.query("SELECT id FROM t WHERE v = 'two'")).rows).toEqual([{ id: 2 }]);
}

describe('transactional DDL', () => {
  it('a rolled-back transaction leaves no trace of its DDL (in-memory store)', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    await seed(db);
    await rollBackEverything(db);
    await expectUntouched(db);
    await db.close();
  });

  it('DDL failing inside a block is undone with the block', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    await seed(db);
    await db.query('BEGIN');
    await db.query('CREATE TABLE u (a int)');
    expect(await code(db.query('CREATE TABLE t (x int)'))).toBe('42P07');
    expect(await code(db.query('SELECT 1'))).toBe('25P02');
    expect((await db.query('COMMIT')).command).toBe('ROLLBACK');
    expect(await code(db.query('SELECT * FROM u'))).toBe('42P01');
    await db.close();
  });

  it('committed DDL survives a crash; uncommitted and rolled-back DDL do not (storage engine)', async () => {
    const vfs = new MemoryVfs();
    const engine = await Engine.open('/db', { vfs, flushInWorker: false });
    const db = await Database.open(engine as unknown as VersionedKv);
    await seed(db);
    await rollBackEverything(db);
    await db.query('CREATE TABLE committed_later (k int PRIMARY KEY)');
    await db.query('INSERT INTO committed_later VALUES (42)');
    await db.query('BEGIN');
    await db.query('CREATE TABLE never_committed (a int)');
    await db.query('INSERT INTO never_committed VALUES (1)');
    await db.query('DROP TABLE committed_later');
    // Power loss with the transaction still open.
    const image = vfs.crashImage();
    const reopened = await Engine.open('/db', { vfs: image, flushInWorker: false });
    const db2 = await Database.open(reopened as unknown as VersionedKv);
    const rows = await db2.query('SELECT * FROM t ORDER BY id');
    expect(rows.rows).toEqual([{ id: 1, v: 'one' }, { id: 2, v: 'two' }]);
    expect((await db2.query('SELECT * FROM committed_later')).rows).toEqual([{ k: 42 }]);
    expect(await code(db2.query('SELECT * FROM never_committed'))).toBe('42P01');
    expect(await code(db2.query('SELECT * FROM u'))).toBe('42P01');
    await expectUntouched(db2);
    await db2.close();
    await reopened.close();
    await db.query('ROLLBACK').catch(() => undefined);
  });
});
