/**
 * Differential test of index introspection over the catalog's int2vector / oidvector columns:
 * Prisma's schema-engine index query (sql-schema-describer's postgres describer), rewritten here in
 * its shape — pg_index expanded per key column with unnest(indkey), generate_subscripts(indkey, 1),
 * unnest(indclass) and unnest(indoption) in lockstep, joined to pg_class, pg_namespace,
 * pg_attribute, pg_am, pg_opclass and pg_constraint, with `indoption & 1` / `& 2` for DESC and
 * NULLS FIRST — and the vector features catalog queries use (zero-based subscripts, array_lower,
 * array_length, `= any (indkey)`, casts to int2[] / oid[], text form, pg_type rows), run through
 * node-postgres against stratadb and PostgreSQL 15 with the same schema.
 *
 * Not compared: the text of `indkey::int2[]` itself (PostgreSQL keeps the lower bound 0 and prints
 * '[0:1]={1,2}'; stratadb arrays always start at 1 and print '{1,2}'), so casts are compared through
 * array_to_string and subscripts of the cast result.
 */
import { describe, expect, it } from 'vitest';
import { expectSameResult, useClientPair } from './client-pair.js';
import { SHOP_SCHEMA } from './shop-schema.js';

const SCHEMA: readonly string[] = [
  ...SHOP_SCHEMA,
  'CREATE INDEX orders_total_idx ON shop.orders (total DESC, id)',
  'CREATE INDEX orders_status_idx ON shop.orders (status NULLS FIRST, placed DESC NULLS LAST, note)',
  'CREATE TABLE shop.tokens (id uuid PRIMARY KEY, active boolean, label name, at timestamptz, span interval, f4 real, b bytea, c "char")',
  'CREATE UNIQUE INDEX tokens_many_idx ON shop.tokens (active, label, at DESC, span, f4, b, c)',
];

const INDEX_QUERY = `
with rawindex as (
  select indrelid, indexrelid, indisunique, indisprimary, unnest(indkey) as indkeyid, generate_subscripts(indkey, 1) as indkeyidx,
         unnest(indclass) as indclass, unnest(indoption) as indoption
    from pg_index
   where indpred is null and not indisexclusion
)
select schemainfo.nspname as namespace, indexinfo.relname as index_name, tableinfo.relname as table_name, columninfo.attname as column_name,
       rawindex.indisunique as is_unique, rawindex.indisprimary as is_primary_key, rawindex.indkeyidx as column_index,
       opclass.opcname as opclass, opclass.opcdefault as opcdefault, indexaccess.amname as index_algo,
       case rawindex.indoption & 1 when 1 then 'DESC' else 'ASC' end as column_order,
       case rawindex.indoption & 2 when 2 then true else false end as nulls_first,
       pc.condeferrable as condeferrable, pc.condeferred as condeferred
  from rawindex
  join pg_class as tableinfo on tableinfo.oid = rawindex.indrelid
  join pg_class as indexinfo on indexinfo.oid = rawindex.indexrelid
  join pg_namespace as schemainfo on schemainfo.oid = tableinfo.relnamespace
  left join pg_attribute as columninfo on columninfo.attrelid = tableinfo.oid and columninfo.attnum = rawindex.indkeyid
  join pg_am as indexaccess on indexaccess.oid = indexinfo.relam
  left join pg_opclass as opclass on opclass.oid = rawindex.indclass
  left join pg_constraint pc on rawindex.indexrelid = pc.conindid and pc.contype <> 'f'
 where schemainfo.nspname = any ($1::name[])
 order by namespace, table_name, index_name, column_index`;

const NAMESPACES = ['public', 'shop'];

/** Index rows of the schema's tables, by index name. */
const OWN_INDEXES = `from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
  where n.nspname in ('public', 'shop')`;

const QUERIES: ReadonlyArray<readonly [string, string, readonly unknown[]]> = [
  ['vector columns as text', `select c.relname, indkey, indclass, indcollation, indoption, indnatts, indnkeyatts ${OWN_INDEXES} order by 1`, []],
  [
    'subscripts from zero, bounds and lengths',
    `select c.relname, indkey[0] as first, indkey[1] as second, indkey[-1] as before, indclass[0] as opclass,
            array_lower(indkey, 1) as lower, array_upper(indoption, 1) as upper, array_length(indclass, 1) as n, cardinality(indkey)
       ${OWN_INDEXES} order by 1`,
    [],
  ],
  [
    'casts to int2[] and oid[], ANY and unnest',
    `select c.relname, array_to_string(indkey::int2[], ',') as keys, array_to_string(indclass::oid[], ',') as classes,
            1 = any (indkey) as has_first, (select string_agg(k::text, '+') from unnest(indkey) k) as unnested,
            (select count(*) from pg_opclass o where o.oid = any (indclass) and o.opcdefault) as defaults,
            pg_typeof(indkey)::text as kt, pg_typeof(indclass)::text as ct, pg_typeof(indkey[0])::text as et
       ${OWN_INDEXES} order by 1`,
    [],
  ],
  [
    'key column names through generate_subscripts',
    `select c.relname, array(select a.attname from generate_subscripts(i.indkey, 1) s join pg_attribute a
                                on a.attrelid = i.indrelid and a.attnum = i.indkey[s] order by s) as cols
       ${OWN_INDEXES} order by 1`,
    [],
  ],
  [
    'pg_type rows of the vector types',
    `select oid::int, typname, typlen, typbyval, typtype, typcategory, typelem::int, typarray::int, typalign, typstorage, typcollation::int,
            format_type(oid, null) as formatted
       from pg_type where typname in ('int2vector', 'oidvector', '_int2vector', '_oidvector') order by 1`,
    [],
  ],
  [
    'default btree opclasses',
    `select oid::int, opcname, opcfamily::int, opcintype::int, opckeytype::int, opcnamespace::int
       from pg_opclass where opcmethod = 403 and opcintype in (16, 17, 18, 19, 20, 21, 23, 25, 26, 700, 701, 1042, 1082, 1083, 1114,
             1184, 1186, 1700, 2950, 3802) order by 1`,
    [],
  ],
  ['vector literals', `select '  1 2  3 '::int2vector as k, ''::oidvector as e, '1 2'::int2vector < '1 3'::int2vector as lt, ('7 8'::oidvector)[1] as s`, []],
  ['vector parameters', 'select $1::int2vector as k, $2::oidvector as o, ($1::int2vector)[0] as first', ['3 4', '23 25']],
];

const clients = useClientPair(SCHEMA);

describe('index introspection over int2vector / oidvector matches PostgreSQL 15', () => {
  it("Prisma's index query", async () => {
    const rowCount = await expectSameResult(clients(), INDEX_QUERY, [NAMESPACES]);
    expect(rowCount).toBeGreaterThan(15);
  });

  it.each(QUERIES)('%s', async (_name, sql, params) => {
    const rowCount = await expectSameResult(clients(), sql, params);
    expect(rowCount).toBeGreaterThan(0);
  });

  it('sends the vectors in binary as PostgreSQL does', async () => {
    const { reference, subject } = clients();
    const query = {
      text: `select c.relname, indkey, indclass, indoption ${OWN_INDEXES} and $1::int = 1 order by 1`,
      values: [1],
      binary: true,
      rowMode: 'array' as const,
      // node-postgres hands binary cells it has no parser for over as strings of the raw bytes.
      types: { getTypeParser: () => (value: string): string => value },
    };
    const [expected, actual] = await Promise.all([reference.query(query), subject.query(query)]);
    expect(expected.rows.length).toBeGreaterThan(0);
    expect((expected.rows[0] as string[])[1]?.startsWith('\x00\x00\x00\x01')).toBe(true);
    expect(actual.rows).toEqual(expected.rows);
  });

  it('rejects what PostgreSQL rejects', async () => {
    const { reference, subject } = clients();
    for (const sql of ["select 'x'::int2vector", "select '{1,2}'::int2[]::int2vector", "select '70000'::int2vector"]) {
      const expected = await reference.query(sql).then(() => undefined, (e: { code: string; message: string }) => [e.code, e.message]);
      const actual = await subject.query(sql).then(() => undefined, (e: { code: string; message: string }) => [e.code, e.message]);
      expect(expected).toBeDefined();
      expect(actual).toEqual(expected);
    }
  });
});
