/** The differential harness, against two PostgreSQL clusters that differ only in DateStyle. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Differential, diffOutcomes, type Outcome } from './differential.js';
import { startPostgres } from './postgres.js';
import type { ServerHandle } from './server-handle.js';

const outcome = (rows: string[][], typeOid = 23): Outcome => ({
  columns: [{ name: 'a', typeOid }],
  rows,
  errorCode: undefined,
  errorMessage: undefined,
});

describe('diffOutcomes', () => {
  it('compares rows in order or as multisets, and column types', () => {
    expect(diffOutcomes(outcome([['1'], ['2']]), outcome([['2'], ['1']]), false)).toBeUndefined();
    expect(diffOutcomes(outcome([['1'], ['2']]), outcome([['2'], ['1']]), true)).toMatch(/^rows:/);
    expect(diffOutcomes(outcome([['1']]), outcome([['1']], 20), false)).toMatch(/a:23.*a:20/);
  });

  it('compares errors by SQLSTATE only', () => {
    const error = (code: string, message: string): Outcome => ({ columns: [], rows: [], errorCode: code, errorMessage: message });
    expect(diffOutcomes(error('22012', 'division by zero'), error('22012', 'other text'), false)).toBeUndefined();
    expect(diffOutcomes(error('22012', 'division by zero'), outcome([['1']]), false)).toMatch(/reference 22012.*subject none/);
  });
});

describe('Differential over the wire', () => {
  let reference: ServerHandle;
  let subject: ServerHandle;
  let differential: Differential;

  beforeAll(async () => {
    [reference, subject] = await Promise.all([startPostgres({ settings: { fsync: 'off' } }), startPostgres({ settings: { fsync: 'off', DateStyle: 'SQL, DMY' } })]);
    differential = await Differential.connect(reference, subject);
  });
  afterAll(async () => {
    await differential?.close();
    await Promise.all([reference?.stop(), subject?.stop()]);
  });

  it('finds no difference where the servers agree', async () => {
    const differences = await differential.checkAll([
      'CREATE TABLE t (a int, b text)',
      "INSERT INTO t VALUES (1, 'x'), (2, NULL), (3, 'y')",
      'SELECT a, b FROM t',
      'SELECT row_number() OVER (ORDER BY a DESC), a FROM t ORDER BY a',
      'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT sum(i) FROM n',
      'SELECT 1 / 0',
    ]);
    expect(differences).toEqual([]);
  });

  it('reports a difference in how values print', async () => {
    const difference = await differential.check("SELECT date '2024-03-01'");
    expect(difference).toMatch(/rows: reference \["2024-03-01"\].*subject \["01\/03\/2024"\]/);
  });
});
