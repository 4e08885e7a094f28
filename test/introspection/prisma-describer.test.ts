/**
 * Differential test of an ORM's schema introspection: the catalog queries Prisma's schema engine
 * runs to describe a PostgreSQL schema (sql-schema-describer's postgres describer: namespaces,
 * tables, columns, CHECK constraints, foreign keys, enums, extensions), rewritten here (not copied) in the
 * describer's shape — the same catalogs, joins, functions and `= any ($1::name[])` array parameter — run through
 * node-postgres against stratadb and PostgreSQL 15 with the same schema (tables with primary,
 * unique and foreign keys, defaults, serial and identity columns, indexes, views, a sequence, two
 * schemas). Rows and column types must be equal; no query selects an oid.
 *
 * The foreign-key query puts several set-returning calls in one select list over FROM
 * (unnest(conkey), unnest(confkey), generate_subscripts(conkey, 1)), run in lockstep.
 *
 * The describer's index query (pg_index's int2vector / oidvector columns, pg_opclass) is compared
 * in prisma-indexes.test.ts.
 *
 * Not covered (stratadb lacks what they need): its sequence query reads pg_sequences; its view query
 * reads pg_views.definition (NULL in stratadb until the catalog can deparse views). The array
 * parameter is typed here (`any ($1::name[])`): stratadb does not yet infer an untyped `any ($1)`
 * as an array of the left operand's type, as PostgreSQL does.
 */
import { describe, expect, it } from 'vitest';
import { expectSameResult, useClientPair } from './client-pair.js';
import { SHOP_SCHEMA } from './shop-schema.js';

const NAMESPACES = ['public', 'shop'];

const QUERIES: ReadonlyArray<readonly [string, string, boolean]> = [
  ['namespaces', "select ns.nspname as namespace_name from pg_namespace ns where ns.nspname = any ($1::name[]) and ns.nspname <> 'crdb_internal' order by 1", true],
  [
    'tables',
    `select rel.relname as table_name, ns.nspname as namespace,
            (rel.relhassubclass and rel.relkind = 'p') as is_partition, (rel.relhassubclass and rel.relkind = 'r') as has_subclass,
            rel.relkind = 'f' as is_foreign_table, rel.relrowsecurity as has_row_level_security, rel.reloptions,
            obj_description(rel.oid, 'pg_class') as description
       from pg_class rel join pg_namespace ns on ns.oid = rel.relnamespace
      where ns.nspname = any ($1::name[]) and (rel.relkind in ('p', 'f') or (rel.relkind = 'r' and rel.relispartition = 'f'))
      order by 2, 1`,
    true,
  ],
  [
    'columns',
    `select rel.namespace, info.table_name, info.column_name, format_type(att.atttypid, att.atttypmod) as formatted_type,
            info.numeric_precision, info.numeric_scale, info.numeric_precision_radix, info.datetime_precision, info.data_type,
            info.udt_schema as type_schema_name, info.udt_name as full_data_type, pg_get_expr(def.adbin, def.adrelid) as column_default,
            info.is_nullable, info.is_identity, info.character_maximum_length, col_description(att.attrelid, info.ordinal_position) as description
       from information_schema.columns info
       join pg_attribute att on att.attname = info.column_name
       join (select c.oid, c.relname, n.nspname as namespace from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where n.nspname = any ($1::name[])) rel
         on rel.oid = att.attrelid and rel.relname = info.table_name and rel.namespace = info.table_schema
       left join pg_attrdef def on def.adrelid = att.attrelid and def.adnum = att.attnum
      where info.table_schema = any ($1::name[])
      order by rel.namespace, info.table_name, info.ordinal_position`,
    true,
  ],
  [
    'check constraints',
    `select ns.nspname as namespace, rel.relname as table_name, con.conname as constraint_name, con.contype as constraint_type,
            pg_get_constraintdef(con.oid) as constraint_definition, con.condeferrable as is_deferrable, con.condeferred as is_deferred
       from pg_constraint con join pg_class rel on rel.oid = con.conrelid join pg_namespace ns on ns.oid = rel.relnamespace
      where ns.nspname = any ($1::name[]) and con.contype not in ('p', 'u', 'f')
      order by 1, 2, 4, 3`,
    true,
  ],
  [
    'enums',
    `select t.typname as name, e.enumlabel as value, n.nspname as namespace, obj_description(t.oid, 'pg_type') as description
       from pg_type t join pg_enum e on e.enumtypid = t.oid join pg_catalog.pg_namespace n on n.oid = t.typnamespace
      where n.nspname = any ($1::name[]) order by e.enumsortorder`,
    false,
  ],
  [
    'extensions',
    `select e.extname as extension_name, e.extversion as extension_version, e.extrelocatable as extension_relocatable, n.nspname as extension_schema
       from pg_extension e join pg_namespace n on n.oid = e.extnamespace order by 1`,
    true,
  ],
  [
    'foreign keys (unnest and generate_subscripts in lockstep, one row per key column)',
    `select att2.attname as child_column, cl.relname as parent_table, att.attname as parent_column, con.confdeltype, con.confupdtype,
            rel_ns.nspname as referenced_schema_name, conname as constraint_name, child, parent, table_name, namespace, condeferrable, condeferred
       from (select ns.nspname as namespace, unnest(con1.conkey) as parent, unnest(con1.confkey) as child, cl.relname as table_name,
                    ns.nspname as schema_name, generate_subscripts(con1.conkey, 1) as colidx, con1.oid, con1.confrelid, con1.conrelid,
                    con1.conname, con1.condeferrable, con1.condeferred, con1.confdeltype, con1.confupdtype
               from pg_class cl join pg_constraint con1 on con1.conrelid = cl.oid join pg_namespace ns on cl.relnamespace = ns.oid
              where ns.nspname = any ($1::name[]) and con1.contype = 'f' order by colidx) con
       join pg_attribute att on att.attrelid = con.confrelid and att.attnum = con.child
       join pg_class cl on cl.oid = con.confrelid
       join pg_attribute att2 on att2.attrelid = con.conrelid and att2.attnum = con.parent
       join pg_class rel_cl on con.confrelid = rel_cl.oid
       join pg_namespace rel_ns on rel_cl.relnamespace = rel_ns.oid
      order by namespace, table_name, constraint_name, con.colidx`,
    true,
  ],
  [
    'types of the columns in use',
    `select distinct format_type(att.atttypid, att.atttypmod) as formatted, t.typname, t.typtype, t.typcategory, t.typelem <> 0 as is_array
       from pg_attribute att join pg_class c on c.oid = att.attrelid join pg_namespace n on n.oid = c.relnamespace
       join pg_type t on t.oid = att.atttypid
      where n.nspname = any ($1::name[]) and att.attnum > 0 and c.relkind = 'r' order by 1`,
    true,
  ],
];

const clients = useClientPair(SHOP_SCHEMA);

describe("Prisma's describer queries return what PostgreSQL 15 returns", () => {
  it.each(QUERIES)('%s', async (_name, sql, hasRows) => {
    const rowCount = await expectSameResult(clients(), sql, sql.includes('$1') ? [NAMESPACES] : []);
    expect(rowCount > 0).toBe(hasRows);
  });
});
