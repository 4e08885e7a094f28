/**
 * pg_catalog.pg_prepared_statements (PostgreSQL 15's columns): the reading session's named
 * prepared statements — SQL PREPARE and protocol Parse alike — from
 * SystemTableContext.preparedStatements() (they live in the SQL layer's session).
 *
 * - statement is the text that made it (the PREPARE statement itself when from_sql).
 * - Every run reuses the statement's one plan, so runs count as generic_plans; custom_plans is 0.
 * - A context without a session (DDL-time evaluation) shows none.
 */
import type { Value } from '../types/sql-type.js';
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';
import { timestamptzOfMs } from './pg-stat-activity.js';

export const PG_PREPARED_STATEMENTS: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_prepared_statements',
  oid: 12095,
  columns: typedColumns('name:text statement:text prepare_time:timestamptz parameter_types:regtype[] from_sql:bool generic_plans:int8 custom_plans:int8'),
  rows: (_catalog, _databaseOid, context): Value[][] =>
    (context?.preparedStatements?.() ?? []).map((p) => [
      p.name, p.statement, timestamptzOfMs(p.preparedMs), [...p.parameterTypeOids], p.fromSql, BigInt(p.executions), 0n,
    ]),
};
