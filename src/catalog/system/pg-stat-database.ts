/**
 * pg_catalog.pg_stat_database (PostgreSQL 15's columns): one row for shared objects (datid 0,
 * datname NULL) and one per database, from SystemTableContext.databaseActivity() (counted by the
 * server since it started) and backends().
 *
 * - numbackends counts the live sessions connected to the database.
 * - blks_read / blks_hit are the storage engine's block cache misses and hits. Every database
 *   shares the one engine, so they are reported once, on the shared-objects row.
 * - Session counters: how each session ended as the wire server saw it (session-activity.ts).
 * - tup_fetched equals tup_returned (rows a statement returned); there are no temp files, and
 *   checksum_failures is NULL as PostgreSQL shows it without data checksums (stratadb checks a
 *   CRC on every read and fails the read instead of counting).
 * - Times are milliseconds (float8) as PostgreSQL's; stats_reset is NULL (never reset).
 */
import type { Value } from '../types/sql-type.js';
import type { DatabaseActivity, SystemTable, SystemTableContext } from './system-table.js';
import { typedColumns } from './typed-columns.js';

const NONE: DatabaseActivity = {
  xactCommit: 0, xactRollback: 0, tupReturned: 0, tupInserted: 0, tupUpdated: 0, tupDeleted: 0, conflicts: 0, deadlocks: 0,
  sessions: 0, sessionsAbandoned: 0, sessionsFatal: 0, sessionsKilled: 0, sessionMs: 0, activeMs: 0, idleInTransactionMs: 0,
};

function databaseRow(datid: number, datname: string | null, backends: number, a: DatabaseActivity, blocksRead: number, blocksHit: number): Value[] {
  const n = (v: number): bigint => BigInt(Math.trunc(v));
  return [
    datid, datname, backends, n(a.xactCommit), n(a.xactRollback), n(blocksRead), n(blocksHit), n(a.tupReturned), n(a.tupReturned),
    n(a.tupInserted), n(a.tupUpdated), n(a.tupDeleted), n(a.conflicts), 0n, 0n, n(a.deadlocks), null, null, 0, 0,
    a.sessionMs, a.activeMs, a.idleInTransactionMs, n(a.sessions), n(a.sessionsAbandoned), n(a.sessionsFatal), n(a.sessionsKilled), null,
  ];
}

function rows(databases: ReadonlyArray<{ oid: number; name: string }>, context: SystemTableContext | undefined): Value[][] {
  const activity = context?.databaseActivity() ?? new Map<string, DatabaseActivity>();
  const backends = new Map<string, number>();
  for (const b of context?.backends() ?? []) backends.set(b.database, (backends.get(b.database) ?? 0) + 1);
  const blocks = context?.blockCounters();
  const out = [databaseRow(0, null, 0, NONE, blocks?.blocksRead ?? 0, blocks?.blocksHit ?? 0)];
  for (const d of databases) out.push(databaseRow(d.oid, d.name, backends.get(d.name) ?? 0, activity.get(d.name) ?? NONE, 0, 0));
  return out;
}

export const PG_STAT_DATABASE: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_stat_database',
  oid: 12266,
  columns: typedColumns(
    'datid:oid datname:name numbackends:int4 xact_commit:int8 xact_rollback:int8 blks_read:int8 blks_hit:int8 ' +
      'tup_returned:int8 tup_fetched:int8 tup_inserted:int8 tup_updated:int8 tup_deleted:int8 conflicts:int8 ' +
      'temp_files:int8 temp_bytes:int8 deadlocks:int8 checksum_failures:int8 checksum_last_failure:timestamptz ' +
      'blk_read_time:float8 blk_write_time:float8 session_time:float8 active_time:float8 idle_in_transaction_time:float8 ' +
      'sessions:int8 sessions_abandoned:int8 sessions_fatal:int8 sessions_killed:int8 stats_reset:timestamptz',
  ),
  rows: (catalog, _databaseOid, context) => rows(catalog.databases(), context),
};
