/**
 * Index selection through casts PostgreSQL's btree operator families see through: a varchar key
 * compared as text (the literal and the $1 form node-postgres sends, in SELECT, UPDATE and
 * DELETE), integer keys compared with wider integers (narrowed for equality, NULL when out of
 * range), and bpchar, whose cast to text is not a relabel. Every indexed answer is checked
 * against the same predicate forced through a sequential scan.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import { Database } from '../../src/sql/index.js';
import pg from 'pg';
import { startServer } from '../../src/server.js';
import { MemoryVfs } from '../../src/storage/index.js';

async function plan(db: Database, sql: string, params: unknown[] = []): Promise<string> {
  const r = await db.query(`EXPLAIN ${sql}`, params);
  return r.rows.map((row) => String((row as Record<string, unknown>)['QUERY PLAN'])).join('\n');
}

async function ycsb(): Promise<Database> {
  const db = await Database.open(new MemoryVersionedKv());
  await db.query('CREATE TABLE usertable (ycsb_key VARCHAR(255) PRIMARY KEY, field0 TEXT, field1 TEXT)');
  const rows: string[] = [];
  for (let i = 0; i < 50; i++) rows.push(`('user${i}', 'a${i}', 'b${i}')`);
  await db.query(`INSERT INTO usertable VALUES ${rows.join(', ')}`);
  return db;
}

describe('varchar primary key compared as text', () => {
  it('uses the primary key for the literal and the parameter forms', async () => {
    const db = await ycsb();
    expect(await plan(db, "SELECT * FROM usertable WHERE ycsb_key = 'user7'")).toContain('Index Scan using usertable_pkey');
    expect(await plan(db, 'SELECT * FROM usertable WHERE ycsb_key = $1', ['user7'])).toContain('Index Scan using usertable_pkey');
    expect(await plan(db, 'SELECT * FROM usertable WHERE $1 = ycsb_key', ['user7'])).toContain('Index Scan using usertable_pkey');
    expect(await plan(db, 'SELECT * FROM usertable WHERE ycsb_key IN ($1, $2)', ['user7', 'user8'])).toContain('Index Scan');
    expect(await plan(db, "SELECT * FROM usertable WHERE ycsb_key || '' = $1", ['user7'])).toContain('Seq Scan');
    for (const key of ['user7', 'user49', 'nobody', 'user7 ']) {
      const indexed = await db.query('SELECT * FROM usertable WHERE ycsb_key = $1', [key]);
      const scanned = await db.query("SELECT * FROM usertable WHERE ycsb_key || '' = $1", [key]);
      expect(indexed.rows).toEqual(scanned.rows);
      expect(indexed.rows.length).toBe(key === 'user7' || key === 'user49' ? 1 : 0);
    }
    const ranged = await db.query("SELECT ycsb_key FROM usertable WHERE ycsb_key >= $1 AND ycsb_key < $2 ORDER BY 1", ['user10', 'user12']);
    expect(ranged.rows.map((r) => (r as Record<string, unknown>)['ycsb_key'])).toEqual(['user10', 'user11']);
  });

  it('uses the primary key for UPDATE and DELETE', async () => {
    const db = await ycsb();
    expect(await plan(db, 'UPDATE usertable SET field0 = $2 WHERE ycsb_key = $1', ['user3', 'x'])).toContain('Index Scan using usertable_pkey');
    expect(await plan(db, 'DELETE FROM usertable WHERE ycsb_key = $1', ['user3'])).toContain('Index Scan using usertable_pkey');
    await db.query('UPDATE usertable SET field0 = $2 WHERE ycsb_key = $1', ['user3', 'x']);
    expect((await db.query("SELECT field0 FROM usertable WHERE ycsb_key = 'user3'")).rows).toEqual([{ field0: 'x' }]);
    await db.query('DELETE FROM usertable WHERE ycsb_key = $1', ['user3']);
    expect((await db.query('SELECT count(*)::int AS n FROM usertable')).rows).toEqual([{ n: 49 }]);
    expect((await db.query("SELECT * FROM usertable WHERE ycsb_key = 'user3'")).rows).toEqual([]);
  });
});

describe('integer keys compared with other integer widths', () => {
  it('narrows a wider equality value and matches nothing when it is out of range', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    await db.query('CREATE TABLE ti (id int PRIMARY KEY, s smallint, v text)');
    await db.query('CREATE INDEX ti_s ON ti (s)');
    await db.query("INSERT INTO ti VALUES (1, 1, 'a'), (2, 2, 'b'), (-2147483648, -32768, 'min'), (2147483647, 32767, 'max')");
    expect(await plan(db, 'SELECT * FROM ti WHERE id = 1::int8')).toContain('Index Scan using ti_pkey');
    expect(await plan(db, 'SELECT * FROM ti WHERE id = $1::int8', [2])).toContain('Index Scan using ti_pkey');
    expect(await plan(db, 'SELECT * FROM ti WHERE s = 2')).toContain('Index Scan using ti_s');
    const cases: Array<[string, unknown[], string[]]> = [
      ['id = $1::int8', [2], ['b']],
      ['id = $1::int8', ['2147483647'], ['max']],
      ['id = $1::int8', ['2147483648'], []],
      ['id = $1::int8', ['-2147483649'], []],
      ['id IN (1::int8, 99999999999::int8)', [], ['a']],
      ['s = $1::int4', [32767], ['max']],
      ['s = $1::int4', [32768], []],
      ['s::int8 = $1::int8', [-32768], ['min']],
      ['id > $1::int8', ['-99999999999'], ['a', 'b', 'max', 'min']],
    ];
    for (const [where, params, expected] of cases) {
      const r = await db.query(`SELECT v FROM ti WHERE ${where} ORDER BY v`, params);
      expect(r.rows.map((row) => (row as Record<string, unknown>)['v']), where).toEqual(expected);
    }
  });
});

describe('bpchar keys', () => {
  it('compares a bpchar key with text as PostgreSQL does (trailing spaces trimmed on the column only)', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    await db.query('CREATE TABLE tc (c char(4) PRIMARY KEY, v int)');
    await db.query("INSERT INTO tc VALUES ('ab', 1), ('abc', 2)");
    expect(await plan(db, "SELECT * FROM tc WHERE c = 'ab'")).toContain('Index Scan using tc_pkey');
    expect((await db.query("SELECT v FROM tc WHERE c = 'ab  '")).rows).toEqual([{ v: 1 }]);
    expect((await db.query("SELECT v FROM tc WHERE c = 'ab'::text")).rows).toEqual([{ v: 1 }]);
    expect((await db.query("SELECT v FROM tc WHERE c = 'ab '::text")).rows).toEqual([]);
  });
});

describe('through the wire', () => {
  it('plans the node-postgres form (parameter type left to the server) as a primary-key lookup', async () => {
    const server = await startServer({ dataDir: '/db', port: 0, engine: { vfs: new MemoryVfs(), flushInWorker: false } });
    const client = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: 'postgres' });
    try {
      await client.connect();
      await client.query('CREATE TABLE usertable (ycsb_key VARCHAR(255) PRIMARY KEY, field0 TEXT)');
      await client.query("INSERT INTO usertable VALUES ('user1', 'a'), ('user2', 'b')");
      for (const sql of ['SELECT * FROM usertable WHERE ycsb_key = $1', 'UPDATE usertable SET field0 = field0 WHERE ycsb_key = $1']) {
        const plan = await client.query({ text: `EXPLAIN ${sql}`, values: ['user2'], rowMode: 'array' });
        expect(plan.rows.map((r) => r[0]).join('\n')).toContain('Index Scan using usertable_pkey');
      }
      expect((await client.query('SELECT * FROM usertable WHERE ycsb_key = $1', ['user2'])).rows).toEqual([{ ycsb_key: 'user2', field0: 'b' }]);
    } finally {
      await client.end();
      await server.close();
    }
  });
});
