/**
 * pg_catalog.pg_language and pg_extension: the languages and the one extension every PostgreSQL 15
 * database has (internal, c, sql; PL/pgSQL, installed as the plpgsql extension), with
 * PostgreSQL's oids, so that psql's \dL and \dx list what PostgreSQL lists.
 *
 * - stratadb runs only its built-in (internal) functions; the rows describe PostgreSQL's
 *   catalog, they do not make CREATE FUNCTION ... LANGUAGE plpgsql work.
 */
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

export const PLPGSQL_EXTENSION_OID = 13559;
export const PLPGSQL_LANGUAGE_OID = 13563;

export const PG_LANGUAGE: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_language',
  oid: 2612,
  columns: typedColumns(
    'oid:oid lanname:name lanowner:oid lanispl:bool lanpltrusted:bool lanplcallfoid:oid laninline:oid lanvalidator:oid lanacl:text[]',
  ),
  rows: () => [
    [12, 'internal', 10, false, false, 0, 0, 2246, null],
    [13, 'c', 10, false, false, 0, 0, 2247, null],
    [14, 'sql', 10, false, true, 0, 0, 2248, null],
    [PLPGSQL_LANGUAGE_OID, 'plpgsql', 10, true, true, 13560, 13561, 13562, null],
  ],
};

export const PG_EXTENSION: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_extension',
  oid: 3079,
  columns: typedColumns('oid:oid extname:name extowner:oid extnamespace:oid extrelocatable:bool extversion:text extconfig:oid[] extcondition:text[]'),
  rows: () => [[PLPGSQL_EXTENSION_OID, 'plpgsql', 10, 11, false, '1.0', null, null]],
};
