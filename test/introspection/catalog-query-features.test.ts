/**
 * Differential test of the SQL features catalog queries lean on (psql's \d footers, \du, ORMs),
 * against PostgreSQL 15: set-returning functions in FROM (WITH ORDINALITY, correlated inside a
 * subquery) and alone in a select list, ARRAY(subquery), ARRAY[...] and subscripts, op ANY/ALL
 * (array), reg* casts that print names, and the column name of a CASE.
 */
import { describe, it } from 'vitest';
import { expectSameResult, useClientPair } from './client-pair.js';

const SCHEMA = [
  'CREATE SCHEMA shop',
  'CREATE TABLE shop.t (id int PRIMARY KEY, tags text[], n int)',
  "INSERT INTO shop.t VALUES (1, '{a,b}', 3), (2, '{}', NULL), (3, NULL, 5)",
];

const QUERIES: ReadonlyArray<readonly [string, string]> = [
  ['generate_series WITH ORDINALITY', 'SELECT * FROM generate_series(10, 12) WITH ORDINALITY AS g(v, i)'],
  ['function alias names its column', 'SELECT s FROM generate_series(1, 3) s WHERE s > 1'],
  ['unnest alone in a select list', 'SELECT unnest(ARRAY[3, 1, 2]) AS x'],
  ['unnest correlated inside ARRAY()', "SELECT id, array_to_string(ARRAY(SELECT 'tag.' || x FROM unnest(tags) x), ', ') AS s FROM shop.t ORDER BY id"],
  ['ARRAY(subquery) of no rows', 'SELECT ARRAY(SELECT id FROM shop.t WHERE id > 10) AS a'],
  ['ARRAY constructor and subscripts', 'SELECT ARRAY[1, 2, 3] AS a, (ARRAY[5, 6])[2] AS b, tags[1] AS c, tags[9] AS d FROM shop.t ORDER BY id'],
  ['= ANY / <> ALL over arrays', "SELECT id, 'a' = ANY (tags) AS any_a, 'z' <> ALL (tags) AS all_z, n = ANY ('{3,4}') AS n_any FROM shop.t ORDER BY id"],
  ['regclass and regnamespace print names', "SELECT 'shop.t'::regclass::text AS r, 'shop'::regnamespace::text AS s, 'pg_catalog'::regnamespace::oid::int AS o"],
  ['regclass values in results', "SELECT c.oid::regclass AS rel FROM pg_class c WHERE c.relnamespace = 'shop'::regnamespace ORDER BY 1::text"],
  ['CASE takes its ELSE column name', 'SELECT CASE WHEN n > 3 THEN 0 ELSE n END, CASE WHEN true THEN 1 END FROM shop.t ORDER BY id'],
  ['pg_partition_ancestors of a plain table', "SELECT * FROM pg_partition_ancestors('shop.t')"],
];

const clients = useClientPair(SCHEMA);

describe('catalog-query SQL features match PostgreSQL 15', () => {
  it.each(QUERIES)('%s', async (_name, sql) => {
    await expectSameResult(clients(), sql);
  });
});
