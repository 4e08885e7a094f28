/**
 * Foreign-key referential actions against PostgreSQL 15: testdata/fk-actions.sql and
 * fk-deferrable.sql run through psql on both servers, and everything psql prints must be equal:
 * rows after each action, command tags, \d output, pg_constraint and information_schema rows,
 * pg_get_constraintdef, and errors with their DETAIL and CONTEXT lines. Covered: ON DELETE /
 * ON UPDATE NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT (and PostgreSQL 15's SET NULL
 * (col) list), multi-column keys, MATCH SIMPLE and MATCH FULL, self-referencing tables, chains of
 * cascades, actions that violate the referencing table's NOT NULL / CHECK / foreign key, ALTER
 * TABLE ADD CONSTRAINT, a Prisma-style schema, keys between int2 / int4 / int8 and text /
 * varchar columns, ADD CONSTRAINT … NOT VALID and VALIDATE CONSTRAINT; checks at the end of the
 * statement (a row referencing a later one);
 * DEFERRABLE / INITIALLY DEFERRED constraints checked at COMMIT, SET CONSTRAINTS, ALTER
 * CONSTRAINT, TRUNCATE / DROP … CASCADE over foreign keys, and a
 * Django-style schema.
 */
import { describe, expect, it } from 'vitest';
import { runScriptOnBoth, useScriptServers } from './script-diff.js';

describe('foreign-key actions: stratadb prints what PostgreSQL 15 prints', () => {
  const servers = useScriptServers();

  /** Strings PostgreSQL's own output must contain: the scripts exercise what they say. */
  const EXPECTED: Record<string, readonly string[]> = {
    'fk-actions': [
      '"c_sn_pid_fkey" FOREIGN KEY (pid) REFERENCES p(id) ON UPDATE CASCADE ON DELETE SET NULL',
      'ON UPDATE CASCADE ON DELETE SET NULL (y)',
      'CONTEXT:  SQL statement "UPDATE ONLY "public"."c_na" SET "pid" = NULL WHERE $1 OPERATOR(pg_catalog.=) "pid""',
      'DETAIL:  MATCH FULL does not allow mixing of null and nonnull key values.',
    ],
    'fk-deferrable': [
      'FOREIGN KEY (author_id) REFERENCES auth_user(id) DEFERRABLE INITIALLY DEFERRED',
      'SET CONSTRAINTS di_p IMMEDIATE;\npsql:<stdin>:31: ERROR:  insert or update on table "di" violates foreign key constraint "di_p"',
      'COMMIT;\npsql:<stdin>:45: ERROR:  update or delete on table "dp" violates foreign key constraint "dc_p_fkey" on table "dc"',
    ],
  };

  it.each(Object.keys(EXPECTED))('%s.sql', async (name) => {
    const [expected, actual] = await runScriptOnBoth(servers, name);
    for (const text of EXPECTED[name] ?? []) expect(expected).toContain(text);
    expect(expected).not.toContain('not supported');
    expect(actual).toBe(expected);
  });
});
