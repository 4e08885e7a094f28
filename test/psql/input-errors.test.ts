/**
 * Error positions and hints against PostgreSQL 15, everything psql prints compared
 * (testdata/input-errors.sql): a literal's input error points at the literal wherever it stands
 * (a cast, VALUES, UPDATE … SET, WHERE), length and precision errors carry no position, and a
 * month or day out of any calendar hints at DateStyle.
 */
import { describe, expect, it } from 'vitest';
import { runScriptOnBoth, useScriptServers } from './script-diff.js';

describe('input errors: stratadb answers as PostgreSQL 15', () => {
  const servers = useScriptServers();

  it('input-errors.sql through psql', async () => {
    const [expected, actual] = await runScriptOnBoth(servers, 'input-errors');
    expect(expected).toContain('HINT:  Perhaps you need a different "datestyle" setting.');
    expect(expected).toContain("LINE 1: UPDATE ii SET a = 'zz';");
    expect(actual).toBe(expected);
  });
});
