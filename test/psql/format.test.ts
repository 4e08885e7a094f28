/**
 * format() against PostgreSQL 15, everything psql prints compared (testdata/format.sql): the s, I
 * and L conversions with NULLs, %%, argument positions, widths from the string or an argument
 * (negative: left-justified), characters not bytes, and the errors of a malformed specifier or
 * too few arguments.
 */
import { describe, expect, it } from 'vitest';
import { runScriptOnBoth, useScriptServers } from './script-diff.js';

describe('format(): stratadb answers as PostgreSQL 15', () => {
  const servers = useScriptServers();

  it('format.sql through psql', async () => {
    const [expected, actual] = await runScriptOnBoth(servers, 'format');
    expect(expected).toContain(`INSERT INTO "Foo bar" VALUES('O''Reilly')`);
    expect(expected).toContain('ERROR:  too few arguments for format()');
    expect(actual).toBe(expected);
  });
});
