/**
 * pg_catalog.pg_cursors (PostgreSQL 15's columns): the reading session's open cursors, from
 * SystemTableContext.cursors() (DECLARE … CURSOR lives in the SQL layer's session).
 *
 * - statement is the DECLARE statement's text; creation_time the time it ran (timestamptz).
 * - A context without cursors (DDL-time evaluation) shows none.
 */
import type { Value } from '../types/sql-type.js';
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';
import { timestamptzOfMs } from './pg-stat-activity.js';

export const PG_CURSORS: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_cursors',
  oid: 12077,
  columns: typedColumns('name:text statement:text is_holdable:bool is_binary:bool is_scrollable:bool creation_time:timestamptz'),
  rows: (_catalog, _databaseOid, context): Value[][] =>
    (context?.cursors?.() ?? []).map((c) => [c.name, c.statement, c.holdable, c.binary, c.scrollable, timestamptzOfMs(c.createdMs)]),
};
