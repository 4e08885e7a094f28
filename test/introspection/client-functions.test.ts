/**
 * Differential test of the functions, casts and operator syntax clients' catalog queries call
 * (psql, ORMs, pg_dump), against PostgreSQL 15 with the same schema: session information
 * (current_database, current_schema(s), current_user, session_user, current_setting, set_config),
 * visibility (pg_table_is_visible, pg_type_is_visible, pg_function_is_visible), object definitions
 * (format_type, pg_get_expr, pg_get_indexdef, pg_get_constraintdef, pg_get_viewdef,
 * pg_get_function_*), names and comments (pg_get_userbyid, obj_description, col_description,
 * shobj_description), sizes (pg_table_size, pg_total_relation_size, pg_size_pretty), encodings, the
 * has_*_privilege family, the reg* and oid casts, OPERATOR(schema.op) and COLLATE.
 *
 * Masked where the two must differ: relation sizes (stratadb reports 0 bytes: compared by type),
 * version()'s build text and pg_backend_pid() (compared by shape).
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { expectSameResult, useClientPair } from './client-pair.js';

const SCHEMA = [
  'CREATE SCHEMA shop',
  'CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name varchar(40), score int DEFAULT 0 CHECK (score >= 0))',
  'CREATE TABLE shop.orders (id bigint PRIMARY KEY, user_id int REFERENCES users(id) ON DELETE CASCADE, total numeric(10,2) DEFAULT 0)',
  'CREATE INDEX orders_user_idx ON shop.orders (user_id)',
  'CREATE VIEW active AS SELECT id, email FROM users WHERE score > 0',
  'CREATE SEQUENCE shop.tickets',
];

const QUERIES: ReadonlyArray<readonly [string, string]> = [
  ['session information', 'SELECT current_database(), current_schema(), current_schemas(true), current_schemas(false), current_user, session_user'],
  ['version() names PostgreSQL 15', "SELECT version() LIKE 'PostgreSQL 15.%' AS v, pg_backend_pid() > 0 AS pid"],
  [
    'txid_current (compared by shape: ids differ)',
    'SELECT txid_current_if_assigned() IS NULL AS a, txid_current() > 0 AS b, txid_current() = txid_current() AS c, ' +
      'txid_current_if_assigned() = txid_current() AS d, pg_typeof(txid_current()) AS e',
  ],
  ['current_setting and set_config', "SELECT current_setting('search_path') AS a, set_config('application_name', 'intro', false) AS b, current_setting('application_name') AS c"],
  [
    'visibility',
    "SELECT pg_table_is_visible('users'::regclass) AS a, pg_table_is_visible('shop.orders'::regclass) AS b, pg_type_is_visible('int4'::regtype) AS c, " +
      "pg_function_is_visible('now'::regproc) AS d",
  ],
  ['format_type', 'SELECT format_type(1043, 44) AS a, format_type(23, NULL) AS b, format_type(1042, -1) AS c, format_type(1700, 655366) AS d, format_type(1184, 7) AS e'],
  [
    'pg_get_expr over pg_attrdef',
    "SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) AS def FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum " +
      "WHERE d.adrelid IN ('users'::regclass, 'shop.orders'::regclass) ORDER BY 1",
  ],
  ['pg_get_indexdef', "SELECT pg_get_indexdef('shop.orders_user_idx'::regclass) AS a, pg_get_indexdef('users_pkey'::regclass, 1, true) AS b"],
  [
    'pg_get_constraintdef',
    "SELECT conname, pg_get_constraintdef(oid) AS def, pg_get_constraintdef(oid, true) AS pretty FROM pg_constraint " +
      "WHERE connamespace IN ('public'::regnamespace, 'shop'::regnamespace) ORDER BY 1",
  ],
  ['pg_get_viewdef', "SELECT pg_get_viewdef('active'::regclass) AS a, pg_get_viewdef('active'::regclass, true) AS b"],
  [
    'pg_get_function_* over pg_proc',
    "SELECT p.proname, pg_get_function_arguments(p.oid) AS args, pg_get_function_identity_arguments(p.oid) AS ident, pg_get_function_result(p.oid) AS res " +
      "FROM pg_proc p WHERE p.proname IN ('abs', 'jsonb_set', 'concat', 'generate_series', 'count', 'lag') ORDER BY p.oid",
  ],
  [
    'pg_get_functiondef (psql \\sf)',
    "SELECT p.proname, pg_get_functiondef(p.oid) AS def FROM pg_proc p WHERE p.prokind <> 'a' AND p.proname IN ('abs', 'now', 'generate_series', " +
      "'concat', 'random', 'jsonb_set', 'jsonb_array_elements', 'obj_description', 'set_config', 'lag', 'current_schema', 'row_number') ORDER BY p.oid",
  ],
  ['quote_ident quotes every keyword but unreserved ones', "SELECT quote_ident('position') AS a, quote_ident('time') AS b, quote_ident('select') AS c, quote_ident('name') AS d, quote_ident('Ab') AS e"],
  ['pg_get_userbyid', 'SELECT pg_get_userbyid(10) AS a, pg_get_userbyid(1) AS b'],
  [
    'comments',
    "SELECT obj_description('users'::regclass, 'pg_class') AS a, col_description('users'::regclass, 1) AS b, " +
      "obj_description('public'::regnamespace, 'pg_namespace') AS c, obj_description('pg_catalog'::regnamespace) AS d, " +
      "shobj_description(d.oid, 'pg_database') AS e, obj_description('now'::regproc, 'pg_proc') AS f FROM pg_database d WHERE datname = 'postgres'",
  ],
  [
    'sizes (types only) and pg_size_pretty',
    "SELECT pg_typeof(pg_table_size('users')) AS a, pg_typeof(pg_total_relation_size('shop.orders')) AS b, pg_size_pretty(0::bigint) AS c, " +
      'pg_size_pretty(123456789::bigint) AS d, pg_size_pretty(10240::bigint) AS e, pg_size_pretty(1099511627776::bigint) AS f',
  ],
  ['pg_encoding_to_char', 'SELECT pg_encoding_to_char(6) AS a, pg_encoding_to_char(0) AS b, pg_encoding_to_char(encoding) AS c FROM pg_database WHERE datname = current_database()'],
  [
    'encoding names and numbers',
    "SELECT getdatabaseencoding() AS a, pg_char_to_encoding('UTF8') AS b, pg_char_to_encoding('utf-8') AS c, pg_char_to_encoding('latin1') AS d, " +
      "pg_encoding_to_char(8) AS e, pg_encoding_to_char(41) AS f, pg_encoding_to_char(42) AS g, pg_char_to_encoding('nope') AS h",
  ],
  [
    'has_*_privilege',
    "SELECT has_table_privilege('users', 'select') AS a, has_schema_privilege('shop', 'usage') AS b, has_database_privilege('postgres', 'connect') AS c, " +
      "has_sequence_privilege('shop.tickets', 'usage') AS d, has_column_privilege('users', 'email', 'select') AS e, " +
      "has_function_privilege('now()', 'execute') AS f, has_table_privilege('postgres', 'shop.orders', 'insert') AS g",
  ],
  [
    'reg* and oid casts',
    "SELECT 'users'::regclass::text AS a, 'shop.orders'::regclass::text AS b, 'pg_class'::regclass::text AS c, 'pg_catalog.pg_type'::regclass::text AS d, " +
      "1259::regclass::text AS e, 'int4'::regtype::text AS f, 'varchar'::regtype AS g, 23::regtype AS h, 'now'::regproc::text AS i, " +
      "'now'::regproc::oid::int AS j, 'pg_class'::regclass::oid::int AS k, 'users_pkey'::regclass::text AS l, 'shop'::regnamespace::text AS m",
  ],
  ['regclass of every user relation', "SELECT oid::regclass::text AS r FROM pg_class WHERE relnamespace IN ('public'::regnamespace, 'shop'::regnamespace) ORDER BY 1"],
  [
    'OPERATOR(pg_catalog.op) and COLLATE',
    "SELECT 1 OPERATOR(pg_catalog.+) 2 AS a, 'abc' OPERATOR(pg_catalog.~) '^a' AS b, " +
      "'users' OPERATOR(pg_catalog.~) '^(users)$' COLLATE pg_catalog.default AS c, 'a' < 'B' COLLATE \"C\" AS d",
  ],
  ['ORDER BY ... COLLATE', `SELECT relname FROM pg_class WHERE relname IN ('users', 'users_pkey', 'active', 'orders') ORDER BY relname COLLATE "C" DESC`],
];

const clients = useClientPair(SCHEMA);

describe('client catalog functions match PostgreSQL 15', () => {
  it.each(QUERIES)('%s', async (_name, sql) => {
    expect(await expectSameResult(clients(), sql)).toBeGreaterThan(0);
  });

  it("a new database's public schema has PostgreSQL's comment and ACL", async () => {
    const { reference, subject } = clients();
    await Promise.all([reference.query('CREATE DATABASE second'), subject.query('CREATE DATABASE second')]);
    const connect = async (c: pg.Client): Promise<pg.Client> => {
      const client = new pg.Client({ host: c.host, port: c.port, user: 'postgres', database: 'second' });
      await client.connect();
      return client;
    };
    const pair = { reference: await connect(reference), subject: await connect(subject) };
    try {
      const sql = "SELECT nspname, nspacl::text[] AS acl, obj_description(oid, 'pg_namespace') AS d FROM pg_namespace WHERE nspname = 'public'";
      expect(await expectSameResult(pair, sql)).toBe(1);
    } finally {
      await Promise.all([pair.reference.end(), pair.subject.end()]);
    }
  });
});
