/**
 * pg_catalog.pg_stat_activity (PostgreSQL 15's columns): one row per live client session of the
 * server, from SystemTableContext.backends().
 *
 * - Only client sessions exist in stratadb (backend_type 'client backend'): there are no
 *   background worker processes to list.
 * - client_addr is text (stratadb has no inet type); backend_xid and backend_xmin are NULL (there
 *   are no transaction ids; an int8 column keeps their NULLs typed); query_id is NULL.
 * - datid and usesysid come from the reading transaction's catalog; NULL once the database or
 *   role no longer exists.
 * - A reader without superuser sees other roles' sessions as PostgreSQL 15 shows them: database,
 *   pid, role and application_name, every other column NULL and query '<insufficient privilege>'.
 * - Times are timestamptz (µs since 2000-01-01 UTC).
 * - An idle session waits for its client (wait_event_type 'Client', wait_event 'ClientRead', as
 *   PostgreSQL shows it); waits of a running statement are not reported.
 */
import type { Catalog } from '../catalog.js';
import type { Value } from '../types/sql-type.js';
import type { BackendActivity, SystemTable, SystemTableContext } from './system-table.js';
import { typedColumns } from './typed-columns.js';

/** µs between the Unix epoch and PostgreSQL's (2000-01-01). */
const PG_EPOCH_OFFSET_US = 946_684_800_000_000n;

/** A wall-clock time in ms since the Unix epoch as a timestamptz value (NULL for undefined). */
export function timestamptzOfMs(ms: number | undefined): bigint | null {
  return ms === undefined ? null : BigInt(Math.round(ms * 1000)) - PG_EPOCH_OFFSET_US;
}

function activityRow(catalog: Catalog, b: BackendActivity): Value[] {
  return [
    catalog.database(b.database)?.oid ?? null, b.database, b.pid, null, catalog.role(b.user)?.oid ?? null, b.user, b.applicationName,
    b.clientAddr ?? null, null, b.clientPort ?? null,
    timestamptzOfMs(b.backendStartMs), timestamptzOfMs(b.xactStartMs), timestamptzOfMs(b.queryStartMs), timestamptzOfMs(b.stateChangeMs),
    b.state === 'active' ? null : 'Client', b.state === 'active' ? null : 'ClientRead', b.state,
    null, null, null, b.query, 'client backend',
  ];
}

/** Another role's session, for a reader without superuser. */
function maskedRow(catalog: Catalog, b: BackendActivity): Value[] {
  const row: Value[] = new Array<Value>(22).fill(null);
  row[0] = catalog.database(b.database)?.oid ?? null;
  row[1] = b.database;
  row[2] = b.pid;
  row[4] = catalog.role(b.user)?.oid ?? null;
  row[5] = b.user;
  row[6] = b.applicationName;
  row[20] = '<insufficient privilege>';
  return row;
}

function rows(catalog: Catalog, context: SystemTableContext | undefined): Value[][] {
  if (context === undefined) return [];
  const seesAll = catalog.role(context.user)?.superuser === true;
  return context.backends().map((b) => (seesAll || b.user === context.user ? activityRow(catalog, b) : maskedRow(catalog, b)));
}

export const PG_STAT_ACTIVITY: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_stat_activity',
  oid: 12222,
  columns: typedColumns(
    'datid:oid datname:name pid:int4 leader_pid:int4 usesysid:oid usename:name application_name:text client_addr:text ' +
      'client_hostname:text client_port:int4 backend_start:timestamptz xact_start:timestamptz query_start:timestamptz ' +
      'state_change:timestamptz wait_event_type:text wait_event:text state:text backend_xid:int8 backend_xmin:int8 ' +
      'query_id:int8 query:text backend_type:text',
  ),
  rows: (catalog, _databaseOid, context) => rows(catalog, context),
};
