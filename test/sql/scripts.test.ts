/**
 * Differential script tests: every test/sql/testdata/*.sql runs on a fresh in-memory stratadb
 * and must produce exactly PostgreSQL 15's outcomes recorded in the matching .expected file
 * (regenerated from real PostgreSQL by regen-expected.ts): command tags, column names and type
 * OIDs, rows in text format, SQLSTATEs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderOutcomes, runOnStratadb, splitScript } from './script-runner.js';

const DIR = join(import.meta.dirname, 'testdata');
const scripts = readdirSync(DIR).filter((f) => f.endsWith('.sql')).map((f) => f.slice(0, -4));

describe('SQL scripts match PostgreSQL 15', () => {
  for (const name of scripts) {
    it(name, async () => {
      const statements = await splitScript(readFileSync(join(DIR, `${name}.sql`), 'utf8'));
      const expected = readFileSync(join(DIR, `${name}.expected`), 'utf8');
      const actual = renderOutcomes(await runOnStratadb(statements));
      expect(actual).toBe(expected);
    });
  }
});
