/**
 * Differential test of ORM-style introspection: the catalog queries knex's PostgreSQL dialect
 * sends (hasTable, hasColumn, columnInfo) and the information_schema / pg_catalog queries
 * migration tools use to list keys, foreign keys, indexes and sequences, run through node-postgres
 * against stratadb and PostgreSQL 15 with the same schema; the result rows must be equal.
 */
import { describe, expect, it } from 'vitest';
import { expectSameResult, useClientPair } from './client-pair.js';
import { SHOP_SCHEMA } from './shop-schema.js';

const QUERIES: ReadonlyArray<readonly [string, string, readonly unknown[]]> = [
  ['knex hasTable', 'select * from information_schema.tables where table_name = $1 and table_schema = current_schema()', ['users']],
  [
    'knex hasColumn',
    'select * from information_schema.columns where table_name = $1 and column_name = $2 and table_schema = current_schema()',
    ['users', 'email'],
  ],
  [
    'knex columnInfo (public)',
    'select * from information_schema.columns where table_name = $1 and table_catalog = current_database() and table_schema = current_schema()',
    ['users'],
  ],
  ['knex columnInfo (items)', 'select * from information_schema.columns where table_name = $1 and table_schema = $2', ['items', 'public']],
  ['knex columnInfo (shop)', 'select * from information_schema.columns where table_name = $1 and table_schema = $2', ['orders', 'shop']],
  ['identity column', 'select * from information_schema.columns where table_name = $1 and table_schema = $2', ['line_items', 'shop']],
  [
    'tables of two schemas',
    `select table_schema, table_name, table_type from information_schema.tables
      where table_schema in ('public', 'shop') order by table_schema, table_name`,
    [],
  ],
  [
    'primary and unique keys',
    `select tc.table_schema, tc.table_name, tc.constraint_name, tc.constraint_type, kcu.column_name, kcu.ordinal_position
       from information_schema.table_constraints tc
       join information_schema.key_column_usage kcu
         on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema and kcu.table_name = tc.table_name
      where tc.constraint_type in ('PRIMARY KEY', 'UNIQUE') and tc.table_schema in ('public', 'shop') order by 1, 2, 3, 6`,
    [],
  ],
  [
    'foreign keys',
    `select kcu.table_schema, kcu.table_name, kcu.column_name, rc.constraint_name, rc.update_rule, rc.delete_rule,
            rc.unique_constraint_schema, rc.unique_constraint_name, kcu.position_in_unique_constraint
       from information_schema.referential_constraints rc
       join information_schema.key_column_usage kcu on kcu.constraint_name = rc.constraint_name and kcu.constraint_schema = rc.constraint_schema
      order by 4, 3`,
    [],
  ],
  ['sequences', 'select * from information_schema.sequences order by sequence_schema, sequence_name', []],
  ['views', `select table_catalog, table_schema, table_name, check_option from information_schema.views where table_schema = 'public'`, []],
  [
    'indexes through pg_catalog',
    `select t.relname as table_name, i.relname as index_name, ix.indisunique, ix.indisprimary,
            pg_get_indexdef(ix.indexrelid) as def
       from pg_class t join pg_index ix on t.oid = ix.indrelid join pg_class i on i.oid = ix.indexrelid
       join pg_namespace n on n.oid = t.relnamespace
      where n.nspname in ('public', 'shop') order by 1, 2`,
    [],
  ],
  [
    'constraints through pg_catalog',
    `select conname, contype, pg_get_constraintdef(c.oid) as def, conrelid::regclass::text as tbl
       from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where n.nspname in ('public', 'shop') order by conname`,
    [],
  ],
  [
    'column defaults through pg_attrdef',
    `select c.relname, a.attname, pg_get_expr(d.adbin, d.adrelid) as def
       from pg_attrdef d join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum join pg_class c on c.oid = d.adrelid
      order by 1, 2`,
    [],
  ],
  ['pg_tables', `select * from pg_tables where schemaname in ('public', 'shop') order by 1, 2`, []],
  ['pg_indexes', `select * from pg_indexes where schemaname in ('public', 'shop') order by 1, 2, 3`, []],
  ['pg_views', `select schemaname, viewname, viewowner from pg_views where schemaname = 'public'`, []],
  ['pg_user', `select usename, usecreatedb, usesuper, passwd from pg_user`, []],
  [
    'CHECK constraints through pg_catalog',
    `select conname, pg_get_constraintdef(c.oid, true) as pretty, pg_get_constraintdef(c.oid) as plain
       from pg_constraint c join pg_class t on t.oid = c.conrelid where t.relname = 'checks' order by conname`,
    [],
  ],
  [
    'view definitions',
    `select c.relname, pg_get_viewdef(c.oid) as plain, pg_get_viewdef(c.oid, true) as pretty
       from pg_class c where c.relkind = 'v' and c.relnamespace = 'public'::regnamespace order by 1`,
    [],
  ],
  ['serial sequence', `select pg_get_serial_sequence('users', 'id') as s, pg_get_serial_sequence('shop.line_items', 'n') as n`, []],
];

const clients = useClientPair(SHOP_SCHEMA);

describe('introspection queries return what PostgreSQL 15 returns', () => {
  it.each(QUERIES)('%s', async (_name, sql, params) => {
    expect(await expectSameResult(clients(), sql, params)).toBeGreaterThan(0);
  });
});
