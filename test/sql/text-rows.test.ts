/**
 * Text rows (SessionOptions.encodedText): a projection of plain columns over a table scan prints
 * its rows straight from the stored rows (ProjectPlan.openText) as EncodedRows (DataRow bodies),
 * text columns copied from their stored UTF-8 bytes. Whatever the access path, column list,
 * NULLs, row limit or schema change, the values are the ones a session without encodedText
 * formats (strings), byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import { Database } from '../../src/sql/index.js';
import type { ExecuteResult, FormatCode, SqlSession } from '../../src/sql/session-api.js';
import { decodeEncodedRow, rowTexts } from './encoded-row.js';

const enc = (s: string): Uint8Array => Buffer.from(s);

function open(db: Database, encodedText: boolean): SqlSession {
  return db.openSession({ user: 'postgres', database: 'postgres', applicationName: '', backendPid: 1, settings: new Map(), encodedText });
}

async function run(s: SqlSession, sql: string, params: string[] = [], maxRows = 0, formats: FormatCode[] = []): Promise<unknown[]> {
  const portal = s.bind(s.prepare(sql, []), params.map(enc), [0], formats);
  const out: unknown[] = [];
  for (;;) {
    const r: ExecuteResult = await portal.execute(maxRows);
    if (r.kind !== 'rows') return [...out, r];
    out.push({ rows: r.rows.map(rowTexts), suspended: r.suspended, tag: r.tag });
    if (!r.suspended) return out;
  }
}

const SETUP = [
  'CREATE TABLE t (k varchar(20) PRIMARY KEY, a text, n int, amount numeric(8,2), at timestamptz, b bytea, c char(4))',
  'CREATE INDEX t_n ON t (n)',
  "INSERT INTO t VALUES ('k1', 'héllo 😀', 1, 1.5, '2020-01-01 10:00+00', '\\x00ff', 'ab'), ('k2', NULL, 2, NULL, NULL, NULL, NULL)",
  "INSERT INTO t SELECT 'x' || i, repeat('y', i), i, i * 1.25, NULL::timestamptz, NULL::bytea, 'z' FROM generate_series(3, 40) i",
];

const QUERIES: Array<[string, string[]]> = [
  ['SELECT * FROM t WHERE k = $1', ['k1']],
  ['SELECT * FROM t WHERE k = $1', ['k2']],
  ['SELECT * FROM t WHERE k = $1', ['missing']],
  ["SELECT * FROM t WHERE k IN ('k1', 'k2', 'k1')", []],
  ['SELECT c, a, k, a FROM t WHERE k = $1', ['k1']],
  ["SELECT * FROM t WHERE k > 'x2' ORDER BY k", []],
  ["SELECT * FROM t WHERE k >= 'x1'", []],
  ['SELECT * FROM t WHERE n = $1', ['7']],
  ['SELECT * FROM t', []],
  ['SELECT k, n + 1, upper(a) FROM t WHERE k = $1', ['k1']],
  ['SELECT a FROM t WHERE a LIKE $1', ['y%']],
];

describe('text rows (encodedText)', () => {
  it('prints every query exactly as formatted strings would', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    const plain = open(db, false);
    const text = open(db, true);
    for (const sql of SETUP) await run(plain, sql);
    for (const [sql, params] of QUERIES) {
      for (const maxRows of [0, 3]) expect(await run(text, sql, params, maxRows), `${sql} ${maxRows}`).toEqual(await run(plain, sql, params, maxRows));
    }
    await plain.close();
    await text.close();
    await db.close();
  });

  it('hands rows over encoded, only when asked for text format', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    const s = open(db, true);
    for (const sql of SETUP) await run(s, sql);
    const portal = s.bind(s.prepare('SELECT k, n FROM t WHERE k = $1', []), [enc('k1')], [0], []);
    const r = await portal.execute(0);
    const row = r.kind === 'rows' ? r.rows[0] : undefined;
    expect(row).toBeInstanceOf(Uint8Array);
    // int16 count 2; int32 length 2, "k1"; int32 length 1, "1".
    expect(Buffer.from(row as Uint8Array).toString('hex')).toBe('0002' + '00000002' + '6b31' + '00000001' + '31');
    expect(rowTexts(row ?? [])).toEqual(['k1', '1']);
    // Secondary-index lookups, IN lists and sequential scans take the same path.
    for (const sql of ['SELECT k FROM t WHERE n = 7', "SELECT k FROM t WHERE k IN ('k1', 'k2')", 'SELECT k FROM t']) {
      const rows = await s.bind(s.prepare(sql, []), [], [], []).execute(0);
      expect(rows.kind === 'rows' && rows.rows.every((r) => r instanceof Uint8Array && decodeEncodedRow(r).length === 1), sql).toBe(true);
    }
    const binary = await run(s, 'SELECT k, n FROM t WHERE k = $1', ['k1'], 0, [1]);
    expect(binary).toEqual(await run(open(db, false), 'SELECT k, n FROM t WHERE k = $1', ['k1'], 0, [1]));
    await s.close();
    await db.close();
  });

  it('follows schema changes and a transaction’s own writes', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    const plain = open(db, false);
    const text = open(db, true);
    for (const sql of SETUP) await run(plain, sql);
    await run(plain, "ALTER TABLE t ADD COLUMN extra text DEFAULT 'd'");
    await run(plain, 'ALTER TABLE t DROP COLUMN n');
    const ownWrite = async (s: SqlSession): Promise<unknown[]> => {
      await run(s, 'BEGIN');
      await run(s, "UPDATE t SET a = 'new ✓' WHERE k = $1", ['k2']);
      const seen = await run(s, 'SELECT * FROM t WHERE k = $1', ['k2']);
      await run(s, 'ROLLBACK');
      return seen;
    };
    expect(await ownWrite(text)).toEqual(await ownWrite(plain));
    expect(await run(text, 'SELECT * FROM t')).toEqual(await run(plain, 'SELECT * FROM t'));
    await plain.close();
    await text.close();
    await db.close();
  });

  it('prints chunks larger than the row arena, and rows larger than its buffer, intact', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    const plain = open(db, false);
    const text = open(db, true);
    await run(plain, 'CREATE TABLE big (k int PRIMARY KEY, v text)');
    await run(plain, "INSERT INTO big SELECT i, repeat(chr(97 + i % 26), 1000 + i) FROM generate_series(1, 300) i");
    await run(plain, "INSERT INTO big VALUES (1000, repeat('é', 200000))");
    for (const maxRows of [0, 120]) expect(await run(text, 'SELECT * FROM big', [], maxRows)).toEqual(await run(plain, 'SELECT * FROM big', [], maxRows));
    // Each chunk's rows are read before the next execute (they are borrowed from the session's arena).
    expect(await run(text, 'SELECT v, k FROM big WHERE k = $1', ['1000'])).toEqual(await run(plain, 'SELECT v, k FROM big WHERE k = $1', ['1000']));
    await plain.close();
    await text.close();
    await db.close();
  });
});
