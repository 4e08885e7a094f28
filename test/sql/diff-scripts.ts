/**
 * Developer tool: runs test/sql/testdata scripts on stratadb and writes the actual outcomes next
 * to the expected ones (/tmp/strata-sql-actual/<name>.actual) for diffing:
 * `npx tsx test/sql/diff-scripts.ts [name…]`.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderOutcomes, runOnStratadb, splitScript } from './script-runner.js';

const DIR = join(import.meta.dirname, 'testdata');
const OUT = '/tmp/strata-sql-actual';
mkdirSync(OUT, { recursive: true });
const only = process.argv.slice(2);
for (const file of readdirSync(DIR).filter((f) => f.endsWith('.sql'))) {
  const name = file.slice(0, -4);
  if (only.length > 0 && !only.includes(name)) continue;
  const statements = await splitScript(readFileSync(join(DIR, file), 'utf8'));
  const actual = renderOutcomes(await runOnStratadb(statements));
  writeFileSync(join(OUT, `${name}.actual`), actual);
  const same = actual === readFileSync(join(DIR, `${name}.expected`), 'utf8');
  console.log(`${name}: ${same ? 'same' : 'DIFFERENT'}`);
}
