/**
 * SystemTable: a read-only relation of pg_catalog or information_schema generated from the
 * catalog snapshot of the reading transaction (so it is consistent with that snapshot, including
 * the transaction's own uncommitted DDL). One file per table, as pg-mem does.
 *
 * - Rows are generated for the current database only (shared tables: pg_database, pg_roles).
 * - Column values follow the executor's value representations (sql-type.ts): oid/int → number,
 *   name/text/"char" → string, bool → boolean.
 * - What only the SQL layer or the server knows (the reading session's settings, the live
 *   sessions of the server, per-database activity) reaches a table through SystemTableContext,
 *   declared here and satisfied by the SQL layer, so that the catalog never imports it. Tables
 *   that do not need it ignore the third argument.
 */
import type { Catalog } from '../catalog.js';
import type { Value } from '../types/sql-type.js';
import { OID } from '../types/oids.js';

export interface SystemColumn {
  readonly name: string;
  readonly typeOid: number;
}

export interface SystemTable {
  readonly schema: 'pg_catalog' | 'information_schema';
  readonly name: string;
  /** Stable oid of the relation itself (PostgreSQL's where it has one). */
  readonly oid: number;
  readonly columns: readonly SystemColumn[];
  rows(catalog: Catalog, databaseOid: number, context?: SystemTableContext): Value[][];
}

/** One setting of the reading session, for pg_settings. */
export interface SessionSettingView {
  /** Canonical name ("DateStyle", "search_path"). */
  readonly name: string;
  /** Current value as SHOW prints it. */
  readonly value: string;
  /** Value at session start (startup packet, else the built-in default). */
  readonly resetValue: string;
  /** Built-in default. */
  readonly bootValue: string;
  /** Where the current value comes from: 'default', 'client' (startup packet) or 'session' (SET). */
  readonly source: 'default' | 'client' | 'session' | 'override';
}

/** A live client session of the server, for pg_stat_activity. Times are ms since the Unix epoch. */
export interface BackendActivity {
  readonly pid: number;
  readonly database: string;
  readonly user: string;
  readonly applicationName: string;
  /** Client address and port; undefined for a local (non-TCP) session. */
  readonly clientAddr: string | undefined;
  readonly clientPort: number | undefined;
  readonly backendStartMs: number;
  readonly xactStartMs: number | undefined;
  readonly queryStartMs: number | undefined;
  readonly stateChangeMs: number | undefined;
  /** 'active', 'idle', 'idle in transaction', 'idle in transaction (aborted)'. */
  readonly state: string;
  /** The running statement, or the last one when idle ('' before the first). */
  readonly query: string;
}

/** Per-database activity counters, for pg_stat_database (counted since the server started). */
export interface DatabaseActivity {
  readonly xactCommit: number;
  readonly xactRollback: number;
  readonly tupReturned: number;
  readonly tupInserted: number;
  readonly tupUpdated: number;
  readonly tupDeleted: number;
  readonly conflicts: number;
  readonly deadlocks: number;
  readonly sessions: number;
  readonly sessionsAbandoned: number;
  readonly sessionsFatal: number;
  readonly sessionsKilled: number;
  readonly sessionMs: number;
  readonly activeMs: number;
  readonly idleInTransactionMs: number;
}

/** Engine-wide block cache counters (all databases share one engine). */
export interface BlockCounters {
  readonly blocksRead: number;
  readonly blocksHit: number;
}

/** An open cursor of the reading session, for pg_cursors. createdMs: ms since the Unix epoch. */
export interface CursorView {
  readonly name: string;
  readonly statement: string;
  readonly holdable: boolean;
  readonly binary: boolean;
  readonly scrollable: boolean;
  readonly createdMs: number;
}

/** A named prepared statement of the reading session, for pg_prepared_statements. preparedMs: ms since the Unix epoch. */
export interface PreparedStatementView {
  readonly name: string;
  readonly statement: string;
  readonly preparedMs: number;
  readonly parameterTypeOids: readonly number[];
  /** Made by SQL PREPARE (true) or a Parse message (false). */
  readonly fromSql: boolean;
  /** Times it ran (its plan is shared: each run counts as a generic plan). */
  readonly executions: number;
}

/** What the SQL layer (and the server around it) provides to system tables. */
export interface SystemTableContext {
  /** The reading session's role. */
  readonly user: string;
  /** The reading session's settings, in name order. */
  settings(): readonly SessionSettingView[];
  /** Every live client session (the reader's own included), by pid. */
  backends(): readonly BackendActivity[];
  /** Activity per database name; absent databases had none. */
  databaseActivity(): ReadonlyMap<string, DatabaseActivity>;
  /** Block reads and cache hits of the storage engine, when it reports them. */
  blockCounters(): BlockCounters | undefined;
  /** pg_get_viewdef(view) under the reader's search path (pg_views, information_schema.views); undefined when it cannot be printed. */
  viewDefinition?(catalog: Catalog, databaseOid: number, viewOid: number): string | undefined;
  /** The reading session's open cursors (pg_cursors). */
  cursors?(): readonly CursorView[];
  /** The reading session's named prepared statements (pg_prepared_statements). */
  preparedStatements?(): readonly PreparedStatementView[];
}

/** Shorthand column lists: 'name:type' pairs with type ∈ oid, name, text, char, bool, int2, int4, float4. */
export function columns(spec: string): SystemColumn[] {
  const types: Record<string, number> = {
    oid: OID.oid, name: OID.name, text: OID.text, char: OID.char, bool: OID.bool, int2: OID.int2, int4: OID.int4,
    float4: OID.float4, int8: OID.int8, varchar: OID.varchar,
  };
  return spec.split(/\s+/).filter((s) => s !== '').map((pair) => {
    const [name, type] = pair.split(':') as [string, string];
    const typeOid = types[type];
    if (typeOid === undefined) throw new Error(`unknown system column type ${type}`);
    return { name, typeOid };
  });
}

/**
 * Whether a schema is the `public` schema its database was created with (PostgreSQL's oid 2200 in
 * every database; stratadb's oids are global, so only the first database's has that oid): it
 * carries PostgreSQL's initial ACL and comment.
 */
export function isInitialPublicSchema(n: { readonly name: string; readonly owner: number }): boolean {
  return n.name === 'public' && n.owner === DATABASE_OWNER_ROLE_OID;
}

/** pg_database_owner, the owner of every database's initial public schema. */
const DATABASE_OWNER_ROLE_OID = 6171;

/** Schemas of a database as pg_namespace shows them: the real ones plus pg_catalog and information_schema. */
export function namespaces(catalog: Catalog, databaseOid: number): Array<{ oid: number; name: string; owner: number }> {
  return [
    { oid: 11, name: 'pg_catalog', owner: 10 },
    { oid: 13000, name: 'information_schema', owner: 10 },
    ...catalog.schemasOf(databaseOid).map((s) => ({ oid: s.oid, name: s.name, owner: s.ownerOid })),
  ];
}
