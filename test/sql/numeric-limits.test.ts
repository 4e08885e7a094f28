/**
 * Regressions found by the SQL fuzzer: numeric functions on extreme arguments must answer as
 * PostgreSQL 15 does (values checked against it), never exhaust memory or raise XX000.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import { Database } from '../../src/sql/index.js';

let db: Database;

beforeAll(async () => {
  db = await Database.open(new MemoryVersionedKv());
});

async function text(sql: string): Promise<string> {
  const result = await db.query(sql);
  return String((result.rows[0] as Record<string, unknown>)['r']);
}

describe('numeric limits', () => {
  it('clamps the scale of round and trunc like PostgreSQL (16383 / -131073)', async () => {
    expect((await text('SELECT round(1.5, 2147483647)::text AS r')).length).toBe(16385);
    expect(await text('SELECT round(1.5, -2147483648)::text AS r')).toBe('0');
    expect((await text('SELECT trunc(1.55, 2147483647)::text AS r')).length).toBe(16385);
    expect(await text('SELECT round(1.25, 1)::text AS r')).toBe('1.3');
  });

  it('takes square roots beyond float range', async () => {
    expect((await text('SELECT sqrt(1e308::numeric)::text AS r')).length).toBe(155);
    expect((await text('SELECT sqrt(1e-308::numeric)::text AS r')).length).toBe(310);
    expect((await text('SELECT sqrt(1e400::numeric)::text AS r')).length).toBe(201);
    expect(await text('SELECT sqrt(2::numeric)::text AS r')).toBe('1.414213562373095');
  });
});

describe('nesting limits', () => {
  function nested(depth: number): string {
    return `SELECT ${'(1 + '.repeat(depth)}1${')'.repeat(depth)} AS r`;
  }

  it('evaluates nesting PostgreSQL evaluates', async () => {
    expect(await text(nested(1000))).toBe('1001');
  });

  it('rejects deeper nesting with a SQLSTATE, never an internal error', async () => {
    for (const depth of [3000, 5000]) {
      const error = (await db.query(nested(depth)).catch((e: unknown) => e)) as { code?: string };
      // 54001 where our recursion gives out first, 42601 "memory exhausted" where PostgreSQL's own
      // grammar does (at ~4,000 levels, exactly as in PostgreSQL).
      expect(['54001', '42601']).toContain(error.code);
    }
  });
});
