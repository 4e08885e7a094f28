/**
 * Spliced UPDATE (exec/spliced-update.ts) and rows without their key columns (row format 2):
 * every statement gives the same rows, counts and errors on a table that takes the spliced path
 * as on a twin that cannot (a CHECK constraint sends it down the general path), rows written in
 * the older layout (version 1, key columns inside) still read and update, and the stored value
 * of a table with a text primary key no longer repeats the key.
 */
import { describe, expect, it, vi } from 'vitest';
import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import { Database } from '../../src/sql/index.js';
import { RowCodec } from '../../src/catalog/encoding/index.js';
import { indexPrefix } from '../../src/catalog/catalog-keys.js';
import { DEFAULT_TYPE_CONTEXT, typeByName, type SqlType } from '../../src/catalog/types/index.js';
import { prefixUpperBound } from '../../src/util/index.js';
import { SplicedUpdate } from '../../src/sql/exec/spliced-update.js';
import { rowTexts } from './encoded-row.js';

const COLUMNS = '(k varchar(20) PRIMARY KEY, a text, n int NOT NULL DEFAULT 5, b text, at timestamptz)';

/** Statements run on both tables (`T` is the table name), and whether table s splices them. */
const STATEMENTS: Array<[string, unknown[], boolean]> = [
  ['UPDATE T SET b = $1 WHERE k = $2', ['new b', 'k1'], true],
  ['UPDATE T SET a = $1, b = $2 WHERE k = $3', [null, 'héllo 😀', 'k2'], true],
  ['UPDATE T SET a = $1 WHERE k = $2', ['nothing', 'missing'], true],
  // A range keeps its condition as a filter above the scan: the general path.
  ['UPDATE T SET n = $1 + 1, at = $2 WHERE k > $3', [41, '2020-01-01 10:00+00', 'x3'], false],
  ['UPDATE T SET n = $1 + 1, at = $2 WHERE k = $3', [41, '2020-01-01 10:00+00', 'x3'], true],
  ['UPDATE T SET a = upper($1) WHERE k IN ($2, $3, $2)', ['ab', 'k1', 'x5'], true],
  ['UPDATE T SET b = NULL', [], true],
  ['UPDATE T SET n = DEFAULT, a = repeat($1, 300) WHERE k = $2', ['z', 'k2'], true],
  ['UPDATE T SET k = k, a = $1 WHERE k = $2', ['same key', 'x4'], true],
  ['UPDATE T SET a = b WHERE k = $1', ['k1'], false],
];

/** The rows a session prints for `sql` (text format), values as strings. */
async function textRows(db: Database, encodedText: boolean, sql: string, params: string[]): Promise<unknown> {
  const s = db.openSession({ user: 'postgres', database: 'postgres', applicationName: '', backendPid: 1, settings: new Map(), encodedText });
  const r = await s.bind(s.prepare(sql, []), params.map((p) => Buffer.from(p)), [0], []).execute(0);
  await s.close();
  return r.kind === 'rows' ? r.rows.map(rowTexts) : r;
}

async function contents(db: Database, table: string): Promise<unknown[]> {
  return (await db.query(`SELECT * FROM ${table} ORDER BY k`)).rows;
}

describe('spliced UPDATE', () => {
  it('changes rows exactly as the general path does', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    await db.query(`CREATE TABLE s ${COLUMNS}`);
    await db.query(`CREATE TABLE g ${COLUMNS.replace(/\)$/, ', CHECK (n > 0))')}`);
    for (const t of ['s', 'g']) {
      await db.query(`INSERT INTO ${t} VALUES ('k1', 'a1', 1, 'b1', NULL), ('k2', NULL, 2, NULL, NULL)`);
      await db.query(`INSERT INTO ${t} SELECT 'x' || i, repeat('y', i), i, NULL, NULL::timestamptz FROM generate_series(1, 9) i`);
    }
    const runs = vi.spyOn(SplicedUpdate.prototype, 'run');
    for (const [sql, params, splices] of STATEMENTS) {
      runs.mockClear();
      const spliced = await db.query(sql.replace(' T ', ' s '), params);
      expect(runs, sql).toHaveBeenCalledTimes(splices ? 1 : 0);
      const general = await db.query(sql.replace(' T ', ' g '), params);
      expect(runs, sql).toHaveBeenCalledTimes(splices ? 1 : 0);
      expect(spliced.command, sql).toBe(general.command);
      expect(await contents(db, 's'), sql).toEqual(await contents(db, 'g'));
    }
    runs.mockRestore();
    await db.close();
  });

  it('raises the general path’s NOT NULL error, DETAIL included, and leaves the row as it was', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    const errors: unknown[] = [];
    for (const t of ['s', 'g']) {
      await db.query(`CREATE TABLE ${t} ${t === 's' ? COLUMNS : COLUMNS.replace(/\)$/, ', CHECK (n > 0))')}`);
      await db.query(`INSERT INTO ${t} VALUES ('k1', 'a1', 1, 'b1', NULL)`);
      const error = await db.query(`UPDATE ${t} SET n = $1 WHERE k = $2`, [null, 'k1']).then(() => undefined, (e: unknown) => e);
      const { code, message, detail } = error as { code: string; message: string; detail: string };
      errors.push({ code, message: message.replace(`"${t}"`, '"T"'), detail });
    }
    expect(errors[0]).toEqual(errors[1]);
    expect(errors[0]).toMatchObject({ code: '23502', detail: 'Failing row contains (k1, a1, null, b1, null).' });
    expect(await contents(db, 's')).toEqual(await contents(db, 'g'));
    await db.close();
  });

  it('reads primary keys of every type it leaves out of the row back exactly as written', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    const samples: Array<[string, string]> = [
      ['bool', 'true'], ['int2', '-32768'], ['int4', '2147483647'], ['int8', '-9223372036854775808'], ['oid', '4294967295'],
      ['text', 'héllo 😀'], ['varchar(5)', 'ab'], ['name', 'pg_class'], ['uuid', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'],
      ['date', '-infinity'], ['timestamp', '2020-02-29 23:59:59.999999'], ['timestamptz', '2020-01-01 10:00+02'],
      // Not left out (their key does not decode exactly): still read back as written.
      ['numeric', '1.50'], ['float8', '-0'], ['bpchar(4)', 'ab'], ['interval', '1 day 02:00'],
    ];
    for (const [i, [type, text]] of samples.entries()) {
      await db.query(`CREATE TABLE k${i} (k ${type} PRIMARY KEY, v text)`);
      await db.query(`CREATE TABLE p${i} (k ${type}, v text)`);
      for (const t of [`k${i}`, `p${i}`]) await db.query(`INSERT INTO ${t} VALUES ($1, 'v')`, [text]);
      const keyed = await db.query(`SELECT k::text AS k, v FROM k${i} WHERE k = $1`, [text]);
      const plain = await db.query(`SELECT k::text AS k, v FROM p${i}`);
      expect(keyed.rows, type).toEqual(plain.rows);
      // Text output straight from the stored row and its key (ProjectPlan.openText) prints the same.
      for (const sql of [`SELECT * FROM k${i} WHERE k = $1`, `SELECT v, k FROM k${i}`]) {
        const printed = await Promise.all([true, false].map((encodedText) => textRows(db, encodedText, sql, sql.includes('$1') ? [text] : [])));
        expect(printed[0], `${type}: ${sql}`).toEqual(printed[1]);
      }
      await db.query(`UPDATE k${i} SET v = $1 WHERE k = $2`, ['w', text]);
      expect((await db.query(`SELECT k::text AS k, v FROM k${i}`)).rows, type).toEqual([{ ...plain.rows[0], v: 'w' }]);
    }
    await db.close();
  });

  it('stores rows without their key columns and still reads and updates rows that carry them', async () => {
    const kv = new MemoryVersionedKv();
    const db = await Database.open(kv);
    await db.query(`CREATE TABLE s ${COLUMNS}`);
    await db.query("INSERT INTO s VALUES ('k1', 'a1', 1, 'b1', '2020-01-01 10:00+00'), ('k2', NULL, 2, NULL, NULL)");
    const oid = Number((await db.query("SELECT 's'::regclass::oid AS oid")).rows[0]?.oid);
    const prefix = indexPrefix(oid, 1);
    const stored = [...kv.scan({ gte: prefix, lt: prefixUpperBound(prefix) as Uint8Array }, kv.visibleTs())];
    expect(stored).toHaveLength(2);
    for (const { value } of stored) {
      expect(value[0]).toBe(2);
      expect(Buffer.from(value).includes('k1')).toBe(false);
    }
    // Rewrite both rows as the version-1 layout wrote them (key columns inside), behind the SQL layer's back.
    const types = ['varchar', 'text', 'int4', 'text', 'timestamptz'].map((name) => typeByName(name) as SqlType);
    const v1 = new RowCodec(types);
    const texts = [['k1', 'a1', '1', 'b1', '2020-01-01 10:00+00'], ['k2', null, '2', null, null]];
    const writes = stored.map(({ key }, i) => ({
      key,
      value: v1.encode((texts[i] as Array<string | null>).map((t, c) => (t === null ? null : (types[c] as SqlType).fromText(t, -1, DEFAULT_TYPE_CONTEXT)))),
    }));
    await kv.commit(writes, kv.lastTs() + 1);
    const before = await contents(db, 's');
    expect(before).toHaveLength(2);
    expect(before[0]).toMatchObject({ k: 'k1', a: 'a1', n: 1, b: 'b1' });
    await db.query('UPDATE s SET b = $1 WHERE k = $2', ['b2', 'k1']);
    await db.query('UPDATE s SET a = $1 WHERE k = $2', ['a2', 'k2']);
    expect(await contents(db, 's')).toEqual([{ ...(before[0] as object), b: 'b2' }, { ...(before[1] as object), a: 'a2' }]);
    await db.close();
  });
});
