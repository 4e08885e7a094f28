/**
 * GROUPING SETS, ROLLUP, CUBE and GROUPING() against PostgreSQL 15, everything psql prints compared
 * (testdata/grouping-sets.sql): nested and multiplied sets, a parenthesized element, positions,
 * duplicate sets, the empty set (one row, even over no rows), left-out keys as NULLs of the key's
 * type, HAVING per set, DISTINCT, ORDER BY / LIMIT over all sets, joins, CTEs, aggregates with
 * DISTINCT and FILTER, a subquery over a rollup, and GROUPING()'s mask, name and error.
 */
import { describe, expect, it } from 'vitest';
import { runScriptOnBoth, useScriptServers } from './script-diff.js';

describe('grouping sets: stratadb answers as PostgreSQL 15', () => {
  const servers = useScriptServers();

  it('grouping-sets.sql through psql', async () => {
    const [expected, actual] = await runScriptOnBoth(servers, 'grouping-sets');
    expect(expected).toContain('arguments to GROUPING must be grouping expressions of the associated query level');
    expect(expected).not.toContain('ERROR:  UNION');
    expect(actual).toBe(expected);
  });
});
