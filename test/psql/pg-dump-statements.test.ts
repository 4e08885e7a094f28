/**
 * Differential test of the statements and functions stratadb gained for pg_dump and its output,
 * one by one against PostgreSQL 15 (psql -X output compared byte for byte): the session setup
 * pg_dump sends (set_config, SET …, current_schemas, pg_is_in_recovery, acldefault), LOCK TABLE,
 * SELECT from a sequence, tableoid, name subscripts, pg_options_to_table, pg_get_viewdef /
 * pg_get_ruledef under different search paths, pg_views and information_schema.views, pg_get_expr of SERIAL defaults, pg_rewrite and
 * pg_depend rows of views, ALTER TABLE … ADD GENERATED AS IDENTITY and COMMENT ON with their
 * errors.
 *
 * Not compared, because stratadb differs on purpose: LOCK TABLE in modes other than ACCESS SHARE
 * (0A000 here), a sequence's log_cnt (always 0: stratadb pre-allocates no values), and oids
 * (queries below select only oid-independent columns).
 */
import { describe, expect, it } from 'vitest';
import { runPsql } from './psql-runner.js';
import { useServerPair } from './server-pair.js';

const SCHEMA = `
CREATE SCHEMA shop;
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, name varchar(20), score int DEFAULT 0);
CREATE TABLE shop.orders (id int PRIMARY KEY, user_id int REFERENCES users(id), total numeric(8,2));
CREATE TABLE ident (id int NOT NULL, v text);
CREATE TABLE ident2 (id int, v text);
CREATE SEQUENCE ticket_seq START 10;
CREATE VIEW shop.v AS SELECT u.id, o.total FROM users u JOIN shop.orders o ON o.user_id = u.id WHERE o.total > 1 ORDER BY u.id;
CREATE VIEW named AS SELECT email, upper(name) FROM users WHERE score IN (1, 2) OR name LIKE 'a%';
INSERT INTO users (email, name) VALUES ('a@x', 'ann');
`;

/** Each entry runs in its own psql session; the outputs (stdout + stderr) must be identical. */
const CASES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['set_config / current_setting', ["SELECT pg_catalog.set_config('search_path', '', false)", "SELECT current_setting('search_path') AS sp, pg_catalog.current_schemas(false)"]],
  ['set_config is_local outside a block', ["SELECT set_config('search_path', 'shop', true)", 'SHOW search_path']],
  ['set_config inside a rolled-back block', ['BEGIN', "SELECT set_config('search_path', 'shop', false)", 'ROLLBACK', 'SHOW search_path']],
  ['current_setting missing_ok', ["SELECT current_setting('no.such', true) IS NULL AS missing"]],
  ['current_setting unknown', ["SELECT current_setting('no_such_setting')"]],
  ['current_schemas', ['SELECT current_schemas(true), current_schemas(false)', "SET search_path = shop, nosuch, public", 'SELECT current_schemas(true)']],
  ['pg_dump session setup', ['SET DATESTYLE = ISO', 'SET INTERVALSTYLE = POSTGRES', 'SET extra_float_digits TO 3', 'SET synchronize_seqscans TO off', 'SET row_security = off', 'SHOW synchronize_seqscans', 'SELECT pg_catalog.pg_is_in_recovery()']],
  ['acldefault', ["SELECT k, acldefault(k::\"char\", 10) FROM unnest('{r,s,n,f,T,l,F,S,L,d,p,c}'::text[]) AS k"]],
  ['LOCK TABLE in a block', ['BEGIN', 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY', 'LOCK TABLE public.users IN ACCESS SHARE MODE', 'LOCK TABLE shop.v IN ACCESS SHARE MODE', 'COMMIT']],
  ['LOCK TABLE outside a block', ['LOCK TABLE users IN ACCESS SHARE MODE']],
  ['LOCK TABLE missing relation', ['BEGIN', 'LOCK TABLE nosuch IN ACCESS SHARE MODE', 'ROLLBACK']],
  ['SELECT from a sequence', ['SELECT last_value, is_called FROM public.ticket_seq', "SELECT nextval('ticket_seq')", 'SELECT last_value, is_called FROM ticket_seq', 'SELECT s.last_value FROM users_id_seq s']],
  ['tableoid of system tables', ["SELECT tableoid::regclass, nspname FROM pg_namespace WHERE nspname = 'shop'", "SELECT count(*) FROM pg_class c WHERE c.tableoid = 'pg_class'::regclass AND relname = 'users'"]],
  ['name subscripts', ["SELECT typname, typname[0] = '_' AS arr FROM pg_type WHERE typname IN ('_int4', 'int4') ORDER BY 1", "SELECT nspname[0], nspname[1], nspname[63] = '', nspname[64] IS NULL, nspname[-1] IS NULL FROM pg_namespace WHERE nspname = 'shop'"]],
  ['pg_options_to_table', ["SELECT * FROM pg_options_to_table('{a=1,b=x=y,c}'::text[])", 'SELECT * FROM pg_options_to_table(NULL)']],
  ['pg_get_viewdef', ["SELECT pg_get_viewdef('shop.v'::regclass), pg_get_viewdef('named'::regclass, true)", "SET search_path = ''", "SELECT pg_get_viewdef('public.named'::regclass::oid)"]],
  ['pg_views and information_schema.views', ["SELECT viewname, definition FROM pg_views WHERE schemaname IN ('public', 'shop') ORDER BY 1", "SELECT table_name, view_definition FROM information_schema.views WHERE table_schema IN ('public', 'shop') ORDER BY 1"]],
  ['pg_get_ruledef', ["SELECT rulename, ev_type, is_instead, pg_get_ruledef(oid), pg_get_ruledef(oid, true) FROM pg_rewrite WHERE ev_class = 'named'::regclass"]],
  ['view dependencies', ["SELECT d.deptype, d.refobjid::regclass FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid AND d.classid = 'pg_rewrite'::regclass WHERE r.ev_class = 'shop.v'::regclass AND d.refobjid <> r.ev_class GROUP BY 1, 2 ORDER BY 1, 2"]],
  ['serial default under an empty search_path', ["SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'users'::regclass ORDER BY adnum", "SET search_path = ''", "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'public.users'::regclass ORDER BY adnum"]],
  ['ADD GENERATED AS IDENTITY', ['ALTER TABLE ident ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME public.ident_seq START WITH 5 INCREMENT BY 2)', "INSERT INTO ident (v) VALUES ('a')", 'SELECT * FROM ident', '\\d ident', '\\d ident_seq']],
  ['ADD GENERATED AS IDENTITY errors', ['ALTER TABLE ident2 ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY', 'ALTER TABLE users ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY']],
  [
    'COMMENT ON',
    [
      "COMMENT ON SCHEMA shop IS 'the shop'", "COMMENT ON TABLE users IS 'people'", "COMMENT ON COLUMN users.email IS 'login'",
      "COMMENT ON VIEW named IS 'v'", "COMMENT ON SEQUENCE ticket_seq IS 's'", "COMMENT ON INDEX users_pkey IS 'pk'",
      "COMMENT ON CONSTRAINT orders_user_id_fkey ON shop.orders IS 'fk'", "COMMENT ON COLUMN users.email IS ''",
      "SELECT obj_description('users'::regclass, 'pg_class'), col_description('users'::regclass, 2), obj_description('users_pkey'::regclass, 'pg_class')",
      "SELECT d.description FROM pg_description d JOIN pg_constraint c ON c.oid = d.objoid AND d.classoid = 'pg_constraint'::regclass",
      '\\dn+ shop', '\\d+ users',
    ],
  ],
  [
    'COMMENT ON errors',
    [
      "COMMENT ON TABLE nosuch IS 'x'", "COMMENT ON COLUMN users.nosuch IS 'x'", "COMMENT ON INDEX users IS 'x'", "COMMENT ON VIEW users IS 'x'",
      "COMMENT ON CONSTRAINT nosuch ON users IS 'x'", "COMMENT ON SCHEMA nosuch IS 'x'", "COMMENT ON COLUMN ticket_seq.last_value IS 'x'",
    ],
  ],
];

const servers = useServerPair(SCHEMA);

describe('statements and functions pg_dump needs match PostgreSQL 15', () => {
  it.each(CASES)('%s', async (_name, commands) => {
    const [expected, actual] = await Promise.all([runPsql(servers.pg, commands), runPsql(servers.strata, commands)]);
    expect(expected.length).toBeGreaterThan(0);
    expect(actual).toBe(expected);
  });
});
