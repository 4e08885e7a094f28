/**
 * The session contract the wire server drives (src/sql/session-api.ts): extended-protocol
 * prepare / bind / execute with inferred parameter types and row limits, simple-query batches
 * as one implicit transaction, the failed-block state and txStatus, settings reported as
 * ParameterStatus, notices, statement_timeout and cancellation.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import { Database } from '../../src/sql/index.js';
import type { ExecuteResult, SqlSession } from '../../src/sql/session-api.js';

const enc = (s: string): Uint8Array => Buffer.from(s);

async function open(): Promise<{ db: Database; s: SqlSession }> {
  const db = await Database.open(new MemoryVersionedKv());
  const s = db.openSession({ user: 'postgres', database: 'postgres', applicationName: 'test', backendPid: 42, settings: new Map() });
  return { db, s };
}

async function simple(s: SqlSession, sql: string): Promise<Array<ExecuteResult | string>> {
  const out: Array<ExecuteResult | string> = [];
  for (const p of s.prepareBatch(sql)) {
    try {
      out.push(await s.bind(p, [], [], []).execute(0));
    } catch (error) {
      s.noteError();
      out.push(`ERROR ${(error as { code: string }).code}`);
      break;
    }
  }
  return out;
}

describe('SqlSession', () => {
  it('infers parameter types and streams rows with a row limit', async () => {
    const { db, s } = await open();
    await simple(s, 'CREATE TABLE t (id int PRIMARY KEY, name text, amount numeric(8,2))');
    const ins = s.prepare('INSERT INTO t VALUES ($1, $2, $3)', []);
    expect(ins.paramTypeOids).toEqual([23, 25, 1700]);
    expect(ins.fields).toBeUndefined();
    for (let i = 1; i <= 5; i++) {
      const r = await s.bind(ins, [enc(String(i)), enc(`n${i}`), enc(`${i}.5`)], [0], []).execute(0);
      expect(r).toEqual({ kind: 'command', tag: 'INSERT 0 1' });
    }
    const sel = s.prepare('SELECT id, amount FROM t WHERE id >= $1 ORDER BY id', [0]);
    expect(sel.paramTypeOids).toEqual([23]);
    expect(sel.fields?.map((f) => [f.name, f.typeOid, f.typeModifier])).toEqual([['id', 23, -1], ['amount', 1700, 524294]]);
    const portal = s.bind(sel, [enc('2')], [0], [0]);
    const first = await portal.execute(2);
    expect(first).toEqual({ kind: 'rows', rows: [['2', '2.50'], ['3', '3.50']], suspended: true, tag: '' });
    const rest = await portal.execute(0);
    expect(rest).toEqual({ kind: 'rows', rows: [['4', '4.50'], ['5', '5.50']], suspended: false, tag: 'SELECT 4' });
    const bin = s.bind(s.prepare('SELECT $1::int8 AS x', []), [Buffer.from([0, 0, 0, 0, 0, 0, 1, 0])], [1], [1]);
    const r = await bin.execute(0);
    expect(r.kind === 'rows' ? Buffer.from(r.rows[0]?.[0] as Uint8Array).toString('hex') : r).toBe('0000000000000100');
    expect(bin.fields?.[0]?.typeOid).toBe(20);
    await s.close();
    await db.close();
  });

  it('runs a simple-query batch as one implicit transaction', async () => {
    const { db, s } = await open();
    await simple(s, 'CREATE TABLE t (id int PRIMARY KEY)');
    const out = await simple(s, 'INSERT INTO t VALUES (1); INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)');
    expect(out).toEqual([{ kind: 'command', tag: 'INSERT 0 1' }, 'ERROR 23505']);
    expect(s.txStatus()).toBe('I');
    const count = await simple(s, 'SELECT count(*) FROM t');
    expect(count[0]).toMatchObject({ rows: [['0']] });
    await simple(s, 'INSERT INTO t VALUES (5); BEGIN; INSERT INTO t VALUES (6)');
    expect(s.txStatus()).toBe('T');
    await simple(s, 'ROLLBACK');
    // As in PostgreSQL, BEGIN turns the batch's implicit transaction into the block: 5 is gone too.
    expect((await simple(s, 'SELECT id FROM t ORDER BY id'))[0]).toMatchObject({ rows: [] });
    await db.close();
  });

  it('keeps a failed block until ROLLBACK and reports E', async () => {
    const { db, s } = await open();
    await simple(s, 'BEGIN');
    expect(s.txStatus()).toBe('T');
    expect(await simple(s, 'SELECT 1/0')).toEqual(['ERROR 22012']);
    expect(s.txStatus()).toBe('E');
    expect(await simple(s, 'SELECT 1')).toEqual(['ERROR 25P02']);
    const ext = s.prepare('SELECT 2', []);
    await expect(s.bind(ext, [], [], []).execute(0)).rejects.toMatchObject({ code: '25P02' });
    expect(await simple(s, 'COMMIT')).toEqual([{ kind: 'command', tag: 'ROLLBACK' }]);
    expect(s.txStatus()).toBe('I');
    await db.close();
  });

  it('reports changed settings and notices', async () => {
    const { db, s } = await open();
    expect(s.takeParameterChanges()).toEqual([]);
    await simple(s, "SET application_name = 'x'; SET DateStyle = 'ISO, DMY'; SET search_path = public");
    expect(s.takeParameterChanges()).toEqual([['application_name', 'x'], ['DateStyle', 'ISO, DMY']]);
    await simple(s, 'CREATE TABLE IF NOT EXISTS t (a int); CREATE TABLE IF NOT EXISTS t (a int)');
    expect(s.takeNotices()).toEqual([{ severity: 'NOTICE', code: '00000', message: 'relation "t" already exists, skipping' }]);
    await simple(s, 'COMMIT');
    expect(s.takeNotices()[0]).toMatchObject({ severity: 'WARNING', code: '25P01' });
    const params = new Map(db.startupParameters({ user: 'postgres', database: 'postgres', applicationName: 'psql', backendPid: 1, settings: new Map([['DateStyle', 'ISO, DMY']]) }));
    expect(params.get('server_version')).toMatch(/^15\.\d+ /);
    expect(params.get('DateStyle')).toBe('ISO, DMY');
    expect(params.get('application_name')).toBe('psql');
    expect(params.get('integer_datetimes')).toBe('on');
    expect(params.get('standard_conforming_strings')).toBe('on');
    expect(params.get('client_encoding')).toBe('UTF8');
    expect(params.get('is_superuser')).toBe('on');
    expect(params.get('session_authorization')).toBe('postgres');
    await db.close();
  });

  it('cancels a statement with 57014 (statement_timeout and cancel())', async () => {
    const { db, s } = await open();
    await simple(s, 'CREATE TABLE big (id int PRIMARY KEY); INSERT INTO big VALUES (1), (2), (3)');
    const p = s.prepare('SELECT a.id FROM big a, big b', []);
    const portal = s.bind(p, [], [], []);
    expect(await portal.execute(1)).toMatchObject({ suspended: true });
    s.cancel();
    await expect(portal.execute(0)).rejects.toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
    const values = Array.from({ length: 3000 }, (_v, i) => `(${i + 10})`).join(',');
    await simple(s, `INSERT INTO big VALUES ${values}`);
    await simple(s, 'SET statement_timeout = 1');
    const out = await simple(s, 'SELECT count(*) FROM big a, big b, big c');
    expect(out).toEqual(['ERROR 57014']);
    await db.close();
  });

  it('knows roles and databases, with SCRAM verifiers for passwords', async () => {
    const { db, s } = await open();
    expect(db.hasDatabase('postgres')).toBe(true);
    expect(db.hasDatabase('nope')).toBe(false);
    await simple(s, "CREATE ROLE app LOGIN PASSWORD 'secret'; CREATE USER u2; CREATE ROLE r3");
    expect(db.role('app')).toMatchObject({ name: 'app', canLogin: true, superuser: false });
    expect(db.role('app')?.password).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(db.role('u2')?.canLogin).toBe(true);
    expect(db.role('r3')?.canLogin).toBe(false);
    await simple(s, "ALTER ROLE app WITH PASSWORD 'md5aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' SUPERUSER");
    expect(db.role('app')).toMatchObject({ superuser: true, password: 'md5aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' });
    expect(await simple(s, 'DROP ROLE nobody')).toEqual(['ERROR 42704']);
    await simple(s, 'DROP ROLE r3');
    expect(db.role('r3')).toBeUndefined();
    await simple(s, 'CREATE DATABASE other');
    expect(db.hasDatabase('other')).toBe(true);
    const s2 = db.openSession({ user: 'postgres', database: 'other', applicationName: '', backendPid: 2, settings: new Map() });
    await simple(s2, 'CREATE TABLE only_here (a int)');
    expect(await simple(s, 'SELECT * FROM only_here')).toEqual(['ERROR 42P01']);
    expect(await simple(s, 'BEGIN; CREATE DATABASE x')).toContain('ERROR 25001');
    await db.close();
  });
});

describe('CURRENT_TIMESTAMP', () => {
  it('is the transaction start time, the same for every statement of a block', async () => {
    const { db, s } = await open();
    await simple(s, 'BEGIN');
    const a = await simple(s, 'SELECT CURRENT_TIMESTAMP');
    await simple(s, "SELECT count(*) FROM (VALUES (1), (2)) v, (VALUES (3), (4)) w");
    const b = await simple(s, 'SELECT CURRENT_TIMESTAMP');
    expect(b).toEqual(a);
    await simple(s, 'COMMIT');
    await db.close();
  });
});

describe('SELECT … FOR UPDATE', () => {
  it('makes a concurrent change of a locked row wait for the holder, then apply on the new version', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    const s1 = db.openSession({ user: 'postgres', database: 'postgres', applicationName: '', backendPid: 1, settings: new Map() });
    const s2 = db.openSession({ user: 'postgres', database: 'postgres', applicationName: '', backendPid: 2, settings: new Map() });
    await simple(s1, 'CREATE TABLE jobs (id int PRIMARY KEY, state text); INSERT INTO jobs VALUES (1, \'new\'), (2, \'new\')');
    await simple(s1, 'BEGIN');
    expect(await simple(s1, 'SELECT id FROM jobs WHERE id = 1 FOR UPDATE')).toMatchObject([{ rows: [['1']] }]);
    let settled = false;
    const waiting = simple(s2, "UPDATE jobs SET state = state || '+taken' WHERE id = 1").finally(() => (settled = true));
    expect(await simple(s1, "UPDATE jobs SET state = 'mine' WHERE id = 1")).toEqual([{ kind: 'command', tag: 'UPDATE 1' }]);
    expect(settled).toBe(false); // s2 waits for s1's transaction
    expect(await simple(s1, 'COMMIT')).toEqual([{ kind: 'command', tag: 'COMMIT' }]);
    expect(await waiting).toEqual([{ kind: 'command', tag: 'UPDATE 1' }]);
    expect((await simple(s2, 'SELECT state FROM jobs ORDER BY id'))[0]).toMatchObject({ rows: [['mine+taken'], ['new']] });
    await db.close();
  });
});

describe('unique indexes under concurrency', () => {
  it('never lets two concurrent transactions insert the same unique value', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    const s1 = db.openSession({ user: 'postgres', database: 'postgres', applicationName: '', backendPid: 1, settings: new Map() });
    const s2 = db.openSession({ user: 'postgres', database: 'postgres', applicationName: '', backendPid: 2, settings: new Map() });
    await simple(s1, 'CREATE TABLE u (id int PRIMARY KEY, code text UNIQUE)');
    await simple(s1, 'BEGIN');
    await simple(s2, 'BEGIN');
    expect(await simple(s1, "INSERT INTO u VALUES (1, 'same')")).toEqual([{ kind: 'command', tag: 'INSERT 0 1' }]);
    expect(await simple(s2, "INSERT INTO u VALUES (2, 'same')")).toEqual([{ kind: 'command', tag: 'INSERT 0 1' }]);
    expect(await simple(s1, 'COMMIT')).toEqual([{ kind: 'command', tag: 'COMMIT' }]);
    expect(await simple(s2, 'COMMIT')).toEqual(['ERROR 40001']);
    expect((await simple(s1, 'SELECT id FROM u ORDER BY id'))[0]).toMatchObject({ rows: [['1']] });
    expect(await simple(s2, "INSERT INTO u VALUES (3, 'same')")).toEqual(['ERROR 23505']);
    await simple(s2, "INSERT INTO u VALUES (3, NULL), (4, NULL); UPDATE u SET id = 10 WHERE id = 1");
    expect((await simple(s2, "SELECT id FROM u WHERE code = 'same'"))[0]).toMatchObject({ rows: [['10']] });
    await db.close();
  });
});
