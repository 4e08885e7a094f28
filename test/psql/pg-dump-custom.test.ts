/**
 * pg_dump's custom archive format (`-Fc`) and `--create` (`-C`) against stratadb, compared with
 * PostgreSQL 15 holding the same schema and rows. Both need set-returning functions in a select
 * list over a FROM clause (`SELECT unnest(setconfig) FROM pg_db_role_setting …`).
 *
 * - `pg_restore -l` of stratadb's archive lists the same entries as PostgreSQL's (dump ids and
 *   OIDs stripped: they differ between servers).
 * - stratadb's archive restores with `pg_restore -d` into a fresh PostgreSQL database and into a
 *   fresh stratadb database; a plain dump of each equals a plain dump of the source.
 * - `pg_dump -C` of stratadb equals PostgreSQL's, with the lines that must differ masked (the
 *   server version line and pg_dump 15.14+'s random `\restrict` key).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_BIN_DIR } from '../support/postgres.js';
import { maskedDump as masked, pgDump } from './pg-dump-tools.js';
import { runPsql } from './psql-runner.js';
import { useServerPair } from './server-pair.js';

const execFileAsync = promisify(execFile);

const SCHEMA = `
CREATE SCHEMA shop;
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name varchar(20), score int DEFAULT 0 CHECK (score >= 0));
CREATE TABLE shop.orders (id bigint PRIMARY KEY, user_id int REFERENCES users(id) ON DELETE CASCADE, total numeric(8,2), tags text[]);
CREATE INDEX orders_user_idx ON shop.orders (user_id);
CREATE SEQUENCE ticket_seq START 10;
CREATE VIEW shop.v AS SELECT u.id, o.total FROM users u JOIN shop.orders o ON o.user_id = u.id WHERE o.total > 1 ORDER BY u.id;
COMMENT ON TABLE users IS 'people';
INSERT INTO users (email, name, score) VALUES ('a@x', 'ann', 3), ('b@x', NULL, 0);
INSERT INTO shop.orders VALUES (1, 1, 12.5, '{x,y}'), (2, 2, 0.5, NULL);
SELECT nextval('ticket_seq');
`;

/** pg_restore with `args`; resolves to its stdout (the listing for -l). */
async function pgRestore(args: readonly string[]): Promise<string> {
  const { stdout } = await execFileAsync(join(POSTGRES_BIN_DIR, 'pg_restore'), args, { env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 16 << 20 });
  return stdout;
}

/** `pg_restore -l` entries without dump ids and OIDs: `TABLE public users postgres`. */
function tocEntries(listing: string): string[] {
  return listing.split('\n').filter((line) => line !== '' && !line.startsWith(';')).map((line) => line.replace(/^\d+; \d+ \d+ /, ''));
}

const servers = useServerPair(SCHEMA, (output) => expect(output).not.toMatch(/ERROR/));
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'strata-dump-custom-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('pg_dump -Fc of stratadb', () => {
  let archive = '';

  beforeAll(async () => {
    archive = join(dir, 'strata.dump');
    await pgDump(servers.strata, ['-Fc', '-f', archive]);
  }, 30_000);

  it('pg_restore -l lists the same entries as for PostgreSQL 15', async () => {
    const expectedArchive = join(dir, 'pg.dump');
    await pgDump(servers.pg, ['-Fc', '-f', expectedArchive]);
    const [expected, actual] = await Promise.all([pgRestore(['-l', expectedArchive]), pgRestore(['-l', archive])]);
    expect(actual).toMatch(/Format: CUSTOM/);
    const entries = tocEntries(actual);
    expect(entries).toContain('TABLE public users postgres');
    expect(entries).toContain('TABLE DATA shop orders postgres');
    expect(entries).toContain('VIEW shop v postgres');
    expect(entries).toContain('FK CONSTRAINT shop orders orders_user_id_fkey postgres');
    expect(entries).toEqual(tocEntries(expected));
  });

  it.each(['pg', 'strata'] as const)('restores with pg_restore -d into %s; a dump of the copy equals the source', async (target) => {
    const server = servers[target];
    expect(await runPsql(server, ['CREATE DATABASE copied'])).toBe('CREATE DATABASE\n');
    await pgRestore(['-h', server.host, '-p', String(server.port), '-U', 'postgres', '-d', 'copied', '--exit-on-error', archive]);
    const [source, copy] = await Promise.all([pgDump(servers.strata, []), pgDump(server, [], 'copied')]);
    expect(copy).toMatch(/COPY shop\.orders /);
    expect(masked(copy)).toBe(masked(source));
  });
});

describe('pg_dump -C of stratadb', () => {
  it('equals PostgreSQL 15\'s', async () => {
    const [expected, actual] = await Promise.all([pgDump(servers.pg, ['-C']), pgDump(servers.strata, ['-C'])]);
    expect(expected).toMatch(/CREATE DATABASE postgres WITH TEMPLATE = template0/);
    expect(masked(actual)).toBe(masked(expected));
  });
});
