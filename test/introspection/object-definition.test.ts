/**
 * Unit tests of the text generators behind pg_get_expr / pg_get_constraintdef / pg_size_pretty:
 * expected strings are what PostgreSQL 15 prints for the same expressions (checked with psql).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseSql } from '../../src/sql/parse.js';
import { deparseExpr } from '../../src/sql/bind/deparse-expr.js';
import { sizePretty } from '../../src/sql/bind/object-definition.js';
import { quoteIdentifier } from '../../src/catalog/system/quote-identifier.js';
import { OID } from '../../src/catalog/types/oids.js';

beforeAll(async () => {
  await loadParser();
});

/** The parse tree of the single select-list expression of `SELECT <expr>`. */
function exprTree(text: string): unknown {
  const stmt = parseSql(`SELECT ${text}`)[0]?.ast as { SelectStmt: { targetList: Array<{ ResTarget: { val: unknown } }> } };
  return stmt.SelectStmt.targetList[0]?.ResTarget.val;
}

describe('deparseExpr (column defaults as pg_get_expr prints them)', () => {
  const cases: ReadonlyArray<readonly [string, number, string]> = [
    ['0', OID.int4, '0'],
    ['-1', OID.int4, "'-1'::integer"],
    ["'x'", OID.text, "'x'::text"],
    ["'new'", OID.varchar, "'new'::character varying"],
    ['1.5', OID.float8, '1.5'],
    ['-1.5', OID.numeric, "'-1.5'::numeric"],
    ['true', OID.bool, 'true'],
    ['now()', OID.timestamp, 'now()'],
    ['CURRENT_TIMESTAMP', OID.timestamptz, 'CURRENT_TIMESTAMP'],
    ['1 + 2', OID.int4, '(1 + 2)'],
    ["'2020-01-02'", OID.date, "'2020-01-02'::date"],
  ];
  it.each(cases)('%s as type %i → %s', (text, type, expected) => {
    expect(deparseExpr(exprTree(text), type)).toBe(expected);
  });

  it('coerces a literal compared with a column to the column type (CHECK constraints)', () => {
    const columns = (name: string): number | undefined => ({ total: OID.numeric, qty: OID.int4, status: OID.varchar, t: OID.text, n: OID.numeric })[name];
    expect(deparseExpr(exprTree('total >= 0'), OID.bool, columns)).toBe('(total >= (0)::numeric)');
    expect(deparseExpr(exprTree('total >= 0'), OID.bool, columns, true)).toBe('total >= 0::numeric');
    expect(deparseExpr(exprTree("t <> '' and t is not null"), OID.bool, columns, true)).toBe("t <> ''::text AND t IS NOT NULL");
    expect(deparseExpr(exprTree('n between 0 and 1.5'), OID.bool, columns)).toBe('((n >= (0)::numeric) AND (n <= 1.5))');
    expect(deparseExpr(exprTree('qty > 0'), OID.bool, columns)).toBe('(qty > 0)');
    expect(deparseExpr(exprTree("status = 'x'"), OID.bool, columns)).toBe("((status)::text = 'x'::text)");
  });

  it('returns undefined for a node it cannot print', () => {
    expect(deparseExpr(exprTree('(SELECT 1)'), OID.int4)).toBeUndefined();
  });
});

describe('sizePretty (pg_size_pretty)', () => {
  const cases: ReadonlyArray<readonly [bigint, string]> = [
    [0n, '0 bytes'], [8192n, '8192 bytes'], [10239n, '10239 bytes'], [10240n, '10 kB'], [1_000_000n, '977 kB'],
    [20_000_000n, '19 MB'], [10n ** 12n, '931 GB'], [-10240n, '-10 kB'], [2n ** 62n, '4096 PB'],
  ];
  it.each(cases)('%s → %s', (bytes, expected) => {
    expect(sizePretty(bytes)).toBe(expected);
  });
});

describe('quoteIdentifier', () => {
  it('quotes only what PostgreSQL quotes', () => {
    expect(quoteIdentifier('users')).toBe('users');
    expect(quoteIdentifier('Users')).toBe('"Users"');
    expect(quoteIdentifier('user')).toBe('"user"');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
    expect(quoteIdentifier('_x1$')).toBe('_x1$');
  });
});
