/**
 * pg_dump round trip of foreign keys with referential actions, and `pg_dump --inserts` (which
 * reads every table through DECLARE … CURSOR / FETCH 100), between stratadb and PostgreSQL 15:
 * - stratadb's plain, --schema-only and --inserts dumps equal PostgreSQL's for the same script
 *   (ON DELETE / ON UPDATE NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT, SET NULL (col),
 *   MATCH FULL, DEFERRABLE, NOT VALID over rows that violate it, a bigint key referencing an
 *   integer one, multi-column and self-referencing keys, a Prisma-style schema);
 * - a plain dump of PostgreSQL loads into stratadb, dumps back to the same text, and its actions
 *   then behave as PostgreSQL's do (the same DELETE / UPDATE leave the same rows);
 * - stratadb's --inserts dump loads into PostgreSQL and dumps back to the same text.
 * Rows are inserted in key order and never updated, so both servers dump them in the same order.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runPsql } from './psql-runner.js';
import { useServerPair } from './server-pair.js';
import { maskedDump, pgDump, restoreDump } from './pg-dump-tools.js';

const SCHEMA = `
CREATE SCHEMA app;
CREATE TABLE "User" (id serial PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE "Post" (id serial PRIMARY KEY, "authorId" integer, "editorId" integer NOT NULL, title text DEFAULT 'untitled',
  CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"(id) ON DELETE SET NULL ON UPDATE CASCADE,
  CONSTRAINT "Post_editorId_fkey" FOREIGN KEY ("editorId") REFERENCES "User"(id) ON DELETE RESTRICT ON UPDATE CASCADE);
CREATE TABLE app.tenant (id int, code text, PRIMARY KEY (id, code));
CREATE TABLE app.member (id int PRIMARY KEY, tenant int, code text DEFAULT 'none', parent int REFERENCES app.member ON DELETE CASCADE,
  FOREIGN KEY (tenant, code) REFERENCES app.tenant ON DELETE SET NULL (code) ON UPDATE CASCADE);
CREATE TABLE app.strict (id int PRIMARY KEY, tenant int, code text, FOREIGN KEY (tenant, code) REFERENCES app.tenant MATCH FULL ON DELETE SET DEFAULT);
CREATE TABLE app.byemail (email text REFERENCES "User"(email) ON UPDATE SET NULL ON DELETE NO ACTION DEFERRABLE INITIALLY DEFERRED);
INSERT INTO "User" (email) VALUES ('a@x'), ('b@x'), ('c@x');
INSERT INTO "Post" ("authorId", "editorId", title) VALUES (1, 2, 'one'), (2, 2, 'two'), (NULL, 3, 'it''s three');
INSERT INTO app.tenant VALUES (1, 'x'), (1, 'y'), (2, 'x');
INSERT INTO app.member VALUES (1, 1, 'x', NULL), (2, 1, 'y', 1), (3, 2, 'x', 2), (4, NULL, 'z', NULL);
INSERT INTO app.strict VALUES (1, 1, 'x'), (2, NULL, NULL);
INSERT INTO app.byemail VALUES ('c@x');
CREATE TABLE app.legacy (id int PRIMARY KEY, user_id bigint, qty int);
INSERT INTO app.legacy VALUES (1, 1, 1), (2, 99, -1);
ALTER TABLE app.legacy ADD CONSTRAINT legacy_user FOREIGN KEY (user_id) REFERENCES "User" NOT VALID;
ALTER TABLE app.legacy ADD CONSTRAINT legacy_qty CHECK (qty > 0) NOT VALID;
`;

/** Statements whose actions the restored database must carry out as PostgreSQL does, and a look at the result. */
const ACTIONS = [
  "DELETE FROM app.tenant WHERE id = 1 AND code = 'y'",
  "UPDATE app.tenant SET id = 20 WHERE id = 2",
  'DELETE FROM "User" WHERE id = 1',
  'DELETE FROM "User" WHERE id = 2',
  'UPDATE "User" SET id = 30 WHERE id = 3',
  'DELETE FROM app.member WHERE id = 1',
  'SELECT * FROM app.member ORDER BY id',
  'SELECT * FROM "Post" ORDER BY id',
  'SELECT * FROM app.strict ORDER BY id',
];

const servers = useServerPair(SCHEMA, (output) => expect(output).not.toMatch(/ERROR/));

beforeAll(async () => {
  const create = 'CREATE DATABASE restored';
  const [c, d] = await Promise.all([runPsql(servers.pg, [create]), runPsql(servers.strata, [create])]);
  expect([c, d]).toEqual(['CREATE DATABASE\n', 'CREATE DATABASE\n']);
}, 60_000);

describe('pg_dump of stratadb equals PostgreSQL 15\'s', () => {
  it.each([['--schema-only'], ['--data-only'], ['--inserts'], ['--column-inserts', '--rows-per-insert=2']])('pg_dump %s', async (...args) => {
    const [expected, actual] = await Promise.all([pgDump(servers.pg, args), pgDump(servers.strata, args)]);
    expect(expected).toMatch(args[0] === '--data-only' ? /COPY app\.member / : /./);
    if (args[0] !== '--data-only') expect(expected).toContain('FOREIGN KEY (tenant, code) REFERENCES app.tenant(id, code) ON UPDATE CASCADE ON DELETE SET NULL (code)');
    if (args[0] === '--inserts') expect(expected).toContain('INSERT INTO public."Post" VALUES (3, NULL, 3, \'it\'\'s three\');');
    expect(maskedDump(actual)).toBe(maskedDump(expected));
  });
});

describe('PostgreSQL 15 → stratadb', () => {
  beforeAll(async () => {
    expect(await restoreDump(servers.strata, 'restored', await pgDump(servers.pg))).toBe('');
  }, 30_000);

  it('dumps back to the dump it was loaded from', async () => {
    const [source, restored] = await Promise.all([pgDump(servers.pg), pgDump(servers.strata, [], 'restored')]);
    expect(source).toContain('MATCH FULL ON DELETE SET DEFAULT');
    expect(maskedDump(restored)).toBe(maskedDump(source));
  });

  it('carries out the restored actions as PostgreSQL does', async () => {
    const [expected, actual] = await Promise.all([runPsql(servers.pg, ACTIONS), runPsql(servers.strata, ACTIONS, ['-d', 'restored'])]);
    expect(expected).toContain('violates foreign key constraint "Post_editorId_fkey" on table "Post"');
    expect(actual).toBe(expected);
  });
});

describe('stratadb --inserts dump → PostgreSQL 15', () => {
  it('loads and dumps back to the same text', async () => {
    const dump = await pgDump(servers.strata, ['--inserts']);
    expect(await runPsql(servers.pg, ['CREATE DATABASE from_inserts'])).toBe('CREATE DATABASE\n');
    expect(await restoreDump(servers.pg, 'from_inserts', dump)).toBe('');
    const back = await pgDump(servers.pg, ['--inserts'], 'from_inserts');
    expect(maskedDump(back)).toBe(maskedDump(dump));
  });
});
