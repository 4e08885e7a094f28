/**
 * Regenerates test/sql/testdata/*.expected by running each script on a throwaway PostgreSQL 15
 * cluster: `npx tsx test/sql/regen-expected.ts [name…]`. The expected files are PostgreSQL's
 * answers; scripts.test.ts checks stratadb against them.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPostgres } from '../support/postgres.js';
import { renderOutcomes, runOnPostgres, splitScript } from './script-runner.js';

const DIR = join(import.meta.dirname, 'testdata');

const only = process.argv.slice(2);
const server = await startPostgres({ settings: { fsync: 'off' } });
try {
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.sql'))) {
    const name = file.slice(0, -4);
    if (only.length > 0 && !only.includes(name)) continue;
    const statements = await splitScript(readFileSync(join(DIR, file), 'utf8'));
    const outcomes = await runOnPostgres(statements, server.port, `t_${name.replace(/\W/g, '_')}`);
    writeFileSync(join(DIR, `${name}.expected`), renderOutcomes(outcomes));
    console.log(`${name}: ${statements.length} statements`);
  }
} finally {
  await server.stop();
}
