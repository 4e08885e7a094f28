/**
 * Differential script tests: every test/sql/testdata/*.sql runs on a fresh in-memory stratadb and
 * on a real PostgreSQL 15 started by the harness on a loopback port; both must produce exactly the
 * outcomes recorded in the matching .expected file (regenerated from PostgreSQL by
 * regen-expected.ts): command tags, column names and type OIDs, rows in text format, SQLSTATEs.
 * Checking PostgreSQL too keeps the recorded expectations honest.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres } from '../support/postgres.js';
import type { ServerHandle } from '../support/server-handle.js';
import { renderOutcomes, runOnPostgres, runOnStratadb, splitScript } from './script-runner.js';

const DIR = join(import.meta.dirname, 'testdata');
const scripts = readdirSync(DIR).filter((f) => f.endsWith('.sql')).map((f) => f.slice(0, -4));

function read(name: string, extension: string): string {
  return readFileSync(join(DIR, `${name}.${extension}`), 'utf8');
}

describe('SQL scripts: stratadb matches PostgreSQL 15', () => {
  let postgres: ServerHandle;

  beforeAll(async () => {
    postgres = await startPostgres({ settings: { fsync: 'off' } });
  });
  afterAll(async () => {
    await postgres?.stop();
  });

  for (const name of scripts) {
    it(name, async () => {
      const statements = await splitScript(read(name, 'sql'));
      const expected = read(name, 'expected');
      expect(renderOutcomes(await runOnStratadb(statements))).toBe(expected);
      const database = `t_${name.replace(/\W/g, '_')}`;
      expect(renderOutcomes(await runOnPostgres(statements, postgres.port, database))).toBe(expected);
    });
  }
});
