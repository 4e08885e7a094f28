/**
 * Index test: on seeded random data, every predicate gives the same rows with and without
 * secondary indexes (also after updates and deletes move index entries), and EXPLAIN shows an
 * Index Scan for the indexable predicates. SEED=… replays a run.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import { Database } from '../../src/sql/index.js';

const SEED = Number(process.env['SEED'] ?? Date.now() % 100000);

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

const WORDS = ['apple', 'pear', 'fig', 'kiwi', 'plum', 'lime', '', 'Zed', 'äpfel'];

async function seeded(withIndexes: boolean, random: () => number): Promise<Database> {
  const db = await Database.open(new MemoryVersionedKv());
  await db.query('CREATE TABLE t (id int PRIMARY KEY, a int, b text, c bigint, d numeric)');
  if (withIndexes) {
    await db.query('CREATE INDEX t_a ON t (a)');
    await db.query('CREATE INDEX t_a_c ON t (a, c DESC)');
    await db.query('CREATE INDEX t_b ON t (b DESC NULLS LAST)');
    await db.query('CREATE INDEX t_d ON t (d)');
    await db.query('CREATE UNIQUE INDEX t_c_id ON t (c, id)');
  }
  const values: string[] = [];
  for (let id = 1; id <= 300; id++) {
    const a = random() < 0.1 ? 'NULL' : String(Math.floor(random() * 40) - 20);
    const b = random() < 0.1 ? 'NULL' : `'${WORDS[Math.floor(random() * WORDS.length)]}'`;
    const c = String(Math.floor(random() * 1e6) - 5e5);
    const d = random() < 0.1 ? 'NULL' : (random() * 100 - 50).toFixed(2);
    values.push(`(${id}, ${a}, ${b}, ${c}, ${d})`);
  }
  await db.query(`INSERT INTO t VALUES ${values.join(', ')}`);
  return db;
}

function predicates(random: () => number): string[] {
  const n = (): number => Math.floor(random() * 44) - 22;
  const w = (): string => WORDS[Math.floor(random() * WORDS.length)] as string;
  const out: string[] = [];
  for (let i = 0; i < 8; i++) {
    const x = n();
    const y = x + Math.floor(random() * 10);
    out.push(
      `a = ${x}`,
      `a > ${x}`,
      `a <= ${x}`,
      `a BETWEEN ${x} AND ${y}`,
      `a IN (${x}, ${y}, ${n()})`,
      `a = ${x} AND c < ${Math.floor(random() * 1e6) - 5e5}`,
      `a = ${x} AND c >= 0`,
      `b = '${w()}'`,
      `b > '${w()}'`,
      `b < '${w()}' AND a IS NOT NULL`,
      `d > ${(random() * 100 - 50).toFixed(1)}`,
      `d = 1.5 OR a = ${x}`,
      `a IS NULL`,
      `c > ${Math.floor(random() * 1e6) - 5e5}`,
      `c = 5 OR c < ${Math.floor(random() * 1e6) - 5e5}`,
    );
  }
  return out;
}

async function rows(db: Database, where: string): Promise<string> {
  const r = await db.query(`SELECT id, a, b, c, d FROM t WHERE ${where} ORDER BY id`);
  return JSON.stringify(r.rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

describe(`index scans agree with full scans (SEED=${SEED})`, () => {
  it('gives identical rows with and without indexes, before and after changes', async () => {
    const plain = await seeded(false, rng(SEED));
    const indexed = await seeded(true, rng(SEED));
    const preds = predicates(rng(SEED + 1));
    for (const p of preds) expect(await rows(indexed, p), p).toBe(await rows(plain, p));
    for (const db of [plain, indexed]) {
      await db.query('UPDATE t SET a = a + 3, b = upper(b) WHERE id % 3 = 0');
      await db.query('DELETE FROM t WHERE id % 7 = 0');
      await db.query('UPDATE t SET id = id + 1000 WHERE id % 11 = 0');
    }
    for (const p of preds) expect(await rows(indexed, p), p).toBe(await rows(plain, p));
    await plain.close();
    await indexed.close();
  });

  it('EXPLAIN shows the index chosen for indexable predicates', async () => {
    const db = await seeded(true, rng(SEED));
    const plan = async (where: string): Promise<string> =>
      (await db.query(`EXPLAIN SELECT * FROM t WHERE ${where}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(await plan('id = 5')).toMatch(/^Index Scan using t_pkey on t/);
    expect(await plan('a = 5')).toMatch(/Index Scan using t_a(_c)? on t/);
    expect(await plan('a = 5 AND c > 10')).toMatch(/Index Scan using t_a_c on t/);
    expect(await plan('a IN (1, 2)')).toMatch(/Index Scan using t_a(_c)? on t/);
    expect(await plan("b = 'fig'")).toMatch(/Index Scan using t_b on t/);
    expect(await plan('d < 3')).toMatch(/Index Scan using t_d on t/);
    expect(await plan('c = 5')).toMatch(/Index Scan using t_c_id on t/);
    expect(await plan('b IS NULL')).toMatch(/^Seq Scan on t/);
    expect(await plan('a + 1 = 5')).toMatch(/^Seq Scan on t/);
    const join = (await db.query('EXPLAIN SELECT * FROM t x JOIN t y ON x.id = y.a WHERE x.id = 3')).rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(join).toMatch(/Hash Join/);
    expect(join).toMatch(/Index Scan using t_pkey on t x/);
    await db.close();
  });
});
