/**
 * DROP … RESTRICT / CASCADE against PostgreSQL 15, everything psql prints compared
 * (testdata/drop-cascade.sql): without CASCADE, 2BP01's DETAIL lists every dependent (foreign keys
 * of other tables, views and views on views, a serial column's default); with CASCADE, one NOTICE
 * names the single dependent or counts them with the list as its DETAIL; DROP SCHEMA lists its
 * relations (not the sequences their columns own); names are schema-qualified and quoted as
 * PostgreSQL's object descriptions are; a table that keeps two dropped foreign keys loses both.
 */
import { describe, expect, it } from 'vitest';
import { runScriptOnBoth, useScriptServers } from './script-diff.js';

describe('DROP … CASCADE: stratadb answers as PostgreSQL 15', () => {
  const servers = useScriptServers();

  it('drop-cascade.sql through psql', async () => {
    const [expected, actual] = await runScriptOnBoth(servers, 'drop-cascade');
    expect(expected).toContain('NOTICE:  drop cascades to 3 other objects');
    expect(expected).toContain('DETAIL:  default value for column id of table s4.t3 depends on sequence s4.t3_id_seq');
    expect(actual).toBe(expected);
  });
});
