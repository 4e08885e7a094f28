/**
 * Differential test of the SQL features catalog queries lean on (psql's \d footers, \du, ORMs),
 * against PostgreSQL 15: set-returning functions in FROM (WITH ORDINALITY, correlated inside a
 * subquery) and in a select list (alone, or several in lockstep over FROM, as TypeORM's
 * foreign-key query has them), ARRAY(subquery), ARRAY[...] and subscripts, op ANY/ALL
 * (array), reg* casts that print names, and the column name of a CASE.
 */
import { describe, it } from 'vitest';
import { expectSameResult, useClientPair } from './client-pair.js';

const SCHEMA = [
  'CREATE SCHEMA shop',
  'CREATE TABLE shop.t (id int PRIMARY KEY, tags text[], n int)',
  "INSERT INTO shop.t VALUES (1, '{a,b}', 3), (2, '{}', NULL), (3, NULL, 5)",
  'CREATE SCHEMA fk',
  'CREATE TABLE fk.pair (a int, b int, PRIMARY KEY (a, b))',
  'CREATE TABLE fk.child (x int, y int REFERENCES shop.t ON DELETE CASCADE, FOREIGN KEY (y, x) REFERENCES fk.pair (a, b) ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED)',
];

/** TypeORM's foreign-key query (PostgresQueryRunner.loadTables), in its shape: SRFs in lockstep over a join. */
const TYPEORM_FOREIGN_KEYS = `SELECT "con"."conname" AS "constraint_name", "con"."nspname" AS "table_schema", "con"."relname" AS "table_name",
    "att2"."attname" AS "column_name", "ns"."nspname" AS "referenced_table_schema", "cl"."relname" AS "referenced_table_name",
    "att"."attname" AS "referenced_column_name", "con"."confdeltype" AS "on_delete", "con"."confupdtype" AS "on_update",
    "con"."condeferrable" AS "deferrable", "con"."condeferred" AS "deferred"
  FROM (SELECT UNNEST ("con1"."conkey") AS "parent", UNNEST ("con1"."confkey") AS "child", "con1"."confrelid", "con1"."conrelid",
      "con1"."conname", "con1"."contype", "ns"."nspname", "cl"."relname", "con1"."condeferrable",
      CASE WHEN "con1"."condeferred" THEN 'INITIALLY DEFERRED' ELSE 'INITIALLY IMMEDIATE' END AS condeferred,
      CASE "con1"."confdeltype" WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL'
        WHEN 'd' THEN 'SET DEFAULT' END AS "confdeltype",
      CASE "con1"."confupdtype" WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL'
        WHEN 'd' THEN 'SET DEFAULT' END AS "confupdtype"
    FROM "pg_class" "cl" INNER JOIN "pg_namespace" "ns" ON "cl"."relnamespace" = "ns"."oid"
      INNER JOIN "pg_constraint" "con1" ON "con1"."conrelid" = "cl"."oid"
    WHERE "con1"."contype" = 'f' AND ("ns"."nspname" = 'fk' AND "cl"."relname" = 'child')) "con"
  INNER JOIN "pg_attribute" "att" ON "att"."attrelid" = "con"."confrelid" AND "att"."attnum" = "con"."child"
  INNER JOIN "pg_class" "cl" ON "cl"."oid" = "con"."confrelid" AND "cl"."relispartition" = 'f'
  INNER JOIN "pg_namespace" "ns" ON "cl"."relnamespace" = "ns"."oid"
  INNER JOIN "pg_attribute" "att2" ON "att2"."attrelid" = "con"."conrelid" AND "att2"."attnum" = "con"."parent"
  ORDER BY 1, 4`;

const QUERIES: ReadonlyArray<readonly [string, string]> = [
  ['generate_series WITH ORDINALITY', 'SELECT * FROM generate_series(10, 12) WITH ORDINALITY AS g(v, i)'],
  ['function alias names its column', 'SELECT s FROM generate_series(1, 3) s WHERE s > 1'],
  ['unnest alone in a select list', 'SELECT unnest(ARRAY[3, 1, 2]) AS x'],
  ['unnest correlated inside ARRAY()', "SELECT id, array_to_string(ARRAY(SELECT 'tag.' || x FROM unnest(tags) x), ', ') AS s FROM shop.t ORDER BY id"],
  ['ARRAY(subquery) of no rows', 'SELECT ARRAY(SELECT id FROM shop.t WHERE id > 10) AS a'],
  ['ARRAY constructor and subscripts', 'SELECT ARRAY[1, 2, 3] AS a, (ARRAY[5, 6])[2] AS b, tags[1] AS c, tags[9] AS d FROM shop.t ORDER BY id'],
  ['= ANY / <> ALL over arrays', "SELECT id, 'a' = ANY (tags) AS any_a, 'z' <> ALL (tags) AS all_z, n = ANY ('{3,4}') AS n_any FROM shop.t ORDER BY id"],
  ['regclass and regnamespace print names', "SELECT 'shop.t'::regclass::text AS r, 'shop'::regnamespace::text AS s, 'pg_catalog'::regnamespace::oid::int AS o"],
  ['regclass values in results', "SELECT c.oid::regclass AS rel FROM pg_class c WHERE c.relnamespace = 'shop'::regnamespace ORDER BY c.oid::regclass::text"],
  ['CASE takes its ELSE column name', 'SELECT CASE WHEN n > 3 THEN 0 ELSE n END, CASE WHEN true THEN 1 END FROM shop.t ORDER BY id'],
  ['pg_partition_ancestors of a plain table', "SELECT * FROM pg_partition_ancestors('shop.t')"],
  ["TypeORM's foreign-key query", TYPEORM_FOREIGN_KEYS],
  ['conkey and its subscripts in lockstep', "SELECT conname, unnest(conkey) AS k, generate_subscripts(conkey, 1) AS i FROM pg_constraint WHERE conrelid = 'fk.child'::regclass ORDER BY 1, 3"],
];

const clients = useClientPair(SCHEMA);

describe('catalog-query SQL features match PostgreSQL 15', () => {
  it.each(QUERIES)('%s', async (_name, sql) => {
    await expectSameResult(clients(), sql);
  });
});
