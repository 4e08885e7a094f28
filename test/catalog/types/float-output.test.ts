/**
 * float4/float8 output equals PostgreSQL 15's for seeded random values (testdata/floats.tsv from
 * generate-floats.ts), and the text reads back to the same value.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TYPE_CONTEXT, FLOAT4, FLOAT8 } from '../../../src/catalog/types/index.js';

const rows = readFileSync(join(import.meta.dirname, 'testdata', 'floats.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => l.split('\t') as [string, string, string]);

describe('float output', () => {
  it('matches PostgreSQL for every sample and round-trips', () => {
    const mismatches: string[] = [];
    for (const [type, input, expected] of rows) {
      const t = type === 'float4' ? FLOAT4 : FLOAT8;
      const v = type === 'float4' ? Math.fround(Number(input)) : Number(input);
      const text = t.toText(v, DEFAULT_TYPE_CONTEXT);
      if (text !== expected) mismatches.push(`${type} ${input}: ${text} ≠ ${expected}`);
      expect(t.fromText(text, -1, DEFAULT_TYPE_CONTEXT)).toBe(v);
    }
    expect(mismatches).toEqual([]);
    expect(rows.length).toBe(1200);
  });
});
