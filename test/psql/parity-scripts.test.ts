/**
 * psql scripts against PostgreSQL 15 (testdata/NAME.sql through psql -a on both servers, everything
 * psql prints compared: rows, tags, notices, errors with DETAIL / HINT / position). Each row names a
 * script and lines PostgreSQL's output must hold, so a script that stopped exercising its case
 * fails too:
 * - drop-cascade: 2BP01 lists every dependent; CASCADE names them in one NOTICE; DROP SCHEMA lists
 *   its relations (not serial sequences); names qualified and quoted as PostgreSQL's descriptions.
 * - input-errors: a literal's input error points at the literal (cast, VALUES, SET, WHERE); length
 *   and precision errors carry no position; DateStyle's hint.
 * - format: %s %I %L %%, positions, widths, NULLs and the errors of a malformed specifier.
 * - grouping-sets: GROUPING SETS / ROLLUP / CUBE nested and multiplied, the empty set, typed NULLs,
 *   HAVING per set, DISTINCT, ORDER BY / LIMIT over all sets, GROUPING() and its error.
 */
import { describe, expect, it } from 'vitest';
import { runScriptOnBoth, useScriptServers } from './script-diff.js';

const SCRIPTS: ReadonlyArray<readonly [name: string, mustContain: readonly string[]]> = [
  ['drop-cascade', ['NOTICE:  drop cascades to 3 other objects', 'DETAIL:  default value for column id of table s4.t3 depends on sequence s4.t3_id_seq']],
  ['input-errors', ['HINT:  Perhaps you need a different "datestyle" setting.', "LINE 1: UPDATE ii SET a = 'zz';"]],
  ['format', [`INSERT INTO "Foo bar" VALUES('O''Reilly')`, 'ERROR:  too few arguments for format()']],
  ['grouping-sets', ['arguments to GROUPING must be grouping expressions of the associated query level']],
];

describe('psql scripts: stratadb prints what PostgreSQL 15 prints', () => {
  const servers = useScriptServers();

  for (const [name, mustContain] of SCRIPTS) {
    it(`${name}.sql`, async () => {
      const [expected, actual] = await runScriptOnBoth(servers, name);
      for (const line of mustContain) expect(expected).toContain(line);
      expect(actual).toBe(expected);
    });
  }
});
