/**
 * Data-driven differential test: every expression of testdata/expressions.tsv must print the
 * value and have the type PostgreSQL 15 gave (or raise the same SQLSTATE). The expected column
 * was generated from a real PostgreSQL 15 by generate-expected.ts; do not edit it by hand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CTX, evaluateSql, init, setSetting } from './expr-eval.js';

interface Case {
  expr: string;
  status: string;
  value: string;
  type: string;
}

function load(file: string): Case[] {
  return readFileSync(join(import.meta.dirname, 'testdata', file), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [expr, status, value, type] = l.split('\t') as [string, string, string, string?];
      return { expr, status, value, type: type ?? '' };
    });
}

function run(sql: string): { status: string; value: string; type: string } {
  try {
    const r = evaluateSql(sql);
    const text = r.value === null ? '\\N' : r.type.toText(r.value, CTX).replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
    return { status: 'ok', value: text, type: r.type.sqlName };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === undefined) throw e;
    return { status: 'error', value: code, type: '' };
  }
}

beforeAll(async () => {
  await init();
});

for (const file of ['expressions.tsv', 'aggregates.tsv', 'generated.tsv']) {
  describe(file, () => {
    const cases = load(file);
    // "SET TimeZone = '…'" / "SET DateStyle = '…'" lines change the session for the lines after.
    const settings = { timeZone: 'UTC', dateStyle: 'ISO, MDY', intervalStyle: 'postgres' };
    const withSettings = cases.flatMap((c) => {
      const set = /^SET (TimeZone|DateStyle|IntervalStyle) = '(.*)'$/i.exec(c.expr);
      if (set !== null) {
        const key = (set[1] as string).toLowerCase();
        if (key === 'timezone') settings.timeZone = set[2] as string;
        else if (key === 'datestyle') settings.dateStyle = set[2] as string;
        else settings.intervalStyle = set[2] as string;
        return [];
      }
      const plain = settings.timeZone === 'UTC' && settings.dateStyle === 'ISO, MDY' && settings.intervalStyle === 'postgres';
      const label = plain ? '' : ` [${settings.timeZone}; ${settings.dateStyle}; ${settings.intervalStyle}]`;
      return [[`${c.expr}${label}`, c, { ...settings }] as const];
    });
    it.each(withSettings)('%s', (_name, c, session) => {
      setSetting(session);
      const got = run(`SELECT ${c.expr}`);
      expect(got).toEqual({ status: c.status, value: c.value, type: c.type });
    });
  });
}
