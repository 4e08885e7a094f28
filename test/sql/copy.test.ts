/**
 * COPY FROM STDIN / TO STDOUT through the session contract (what psql's \copy uses), in text and
 * CSV formats, with NULLs, escapes, quoting, headers, defaults for missing columns, constraint
 * errors and the implicit transaction committed only when the COPY completes.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import { Database } from '../../src/sql/index.js';
import type { SqlSession } from '../../src/sql/session-api.js';

async function open(): Promise<{ db: Database; s: SqlSession }> {
  const db = await Database.open(new MemoryVersionedKv());
  const s = db.openSession({ user: 'postgres', database: 'postgres', applicationName: '', backendPid: 1, settings: new Map() });
  return { db, s };
}

async function exec(s: SqlSession, sql: string): Promise<void> {
  for (const p of s.prepareBatch(sql)) await s.bind(p, [], [], []).execute(0);
}

async function copyIn(s: SqlSession, sql: string, chunks: string[]): Promise<string> {
  const [p] = s.prepareBatch(sql);
  const r = await s.bind(p as never, [], [], []).execute(0);
  if (r.kind !== 'copyIn') throw new Error(`expected copyIn, got ${r.kind}`);
  for (const c of chunks) r.sink.write(Buffer.from(c));
  return r.sink.finish();
}

async function copyOut(s: SqlSession, sql: string): Promise<{ text: string; tag: string }> {
  const [p] = s.prepareBatch(sql);
  const r = await s.bind(p as never, [], [], []).execute(0);
  if (r.kind !== 'copyOut') throw new Error(`expected copyOut, got ${r.kind}`);
  let text = '';
  for (let chunk = await r.source.next(); chunk !== undefined; chunk = await r.source.next()) text += Buffer.from(chunk).toString();
  return { text, tag: r.source.tag };
}

describe('COPY', () => {
  it('loads text and CSV data and writes it back', async () => {
    const { db, s } = await open();
    await exec(s, "CREATE TABLE t (id int PRIMARY KEY, name text, note text DEFAULT 'dflt', n numeric)");
    expect(await copyIn(s, 'COPY t (id, name, n) FROM STDIN', ['1\talpha\t1.5\n2\t\\N\t', '2\n3\ttab\\there\t\\N\n\\.\n'])).toBe('COPY 3');
    expect(await copyIn(s, 'COPY t FROM STDIN WITH (FORMAT csv, HEADER true)', ['id,name,note,n\n4,"quoted, comma",,7\n5,"",x,\n'])).toBe('COPY 2');
    const rows = await db.query('SELECT id, name, note, n FROM t ORDER BY id');
    expect(rows.rows).toEqual([
      { id: 1, name: 'alpha', note: 'dflt', n: '1.5' },
      { id: 2, name: null, note: 'dflt', n: '2' },
      { id: 3, name: 'tab\there', note: 'dflt', n: null },
      { id: 4, name: 'quoted, comma', note: null, n: '7' },
      { id: 5, name: '', note: 'x', n: null },
    ]);
    const text = await copyOut(s, 'COPY t TO STDOUT');
    expect(text.tag).toBe('COPY 5');
    expect(text.text).toBe('1\talpha\tdflt\t1.5\n2\t\\N\tdflt\t2\n3\ttab\\there\tdflt\t\\N\n4\tquoted, comma\t\\N\t7\n5\t\tx\t\\N\n');
    const csv = await copyOut(s, 'COPY (SELECT id, name FROM t WHERE id >= 4 ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)');
    expect(csv.text).toBe('id,name\n4,"quoted, comma"\n5,""\n');
    await db.close();
  });

  it('fails the whole COPY on a bad row and keeps nothing', async () => {
    const { db, s } = await open();
    await exec(s, 'CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL)');
    await expect(copyIn(s, 'COPY t FROM STDIN', ['1\t1\n2\tx\n'])).rejects.toMatchObject({ code: '22P02' });
    await expect(copyIn(s, 'COPY t FROM STDIN', ['1\t1\n1\t2\n'])).rejects.toMatchObject({ code: '23505' });
    await expect(copyIn(s, 'COPY t FROM STDIN', ['1\t1\t3\n'])).rejects.toMatchObject({ code: '22P04' });
    await expect(copyIn(s, 'COPY t FROM STDIN', ['1\t\\N\n'])).rejects.toMatchObject({ code: '23502' });
    expect((await db.query('SELECT count(*) FROM t')).rows).toEqual([{ count: 0n }]);
    await expect(db.query("COPY t FROM '/etc/passwd'")).rejects.toMatchObject({ code: '42501' });
    expect(s.txStatus()).toBe('I');
    await db.close();
  });
});
