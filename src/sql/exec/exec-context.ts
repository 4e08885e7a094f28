/**
 * ExecContext: what a running statement reads besides its rows — the transaction, the bound
 * parameters, the session's type settings, the catalog snapshot, sequences and cancellation.
 * One per statement execution; plans (immutable, cached) never hold one.
 */
import type { Catalog } from '../../catalog/catalog.js';
import type { KvTxn } from '../../catalog/kv-txn.js';
import type { TypeContext, Value } from '../../catalog/types/sql-type.js';
import type { SessionSystem } from '../statement/server-admin.js';

/** Sequence operations (non-transactional, sequence-store.ts). */
export interface SequenceAccess {
  nextval(oid: number): bigint;
  currval(oid: number): bigint;
  setval(oid: number, value: bigint, isCalled: boolean): bigint;
  /** The sequence's state without changing it (SELECT last_value, is_called FROM seq). */
  peek(oid: number): { readonly last: bigint; readonly called: boolean };
}

/** The session's settings as current_setting() and set_config() reach them. */
export interface SettingsAccess {
  /** The value SHOW prints; 42704 for an unknown name. */
  get(name: string): string;
  /** SET [LOCAL] name TO value (value as is); returns the new value. */
  setConfig(name: string, value: string, local: boolean): string;
}

export interface ExecContext {
  readonly txn: KvTxn;
  readonly params: readonly Value[];
  readonly typeContext: TypeContext;
  readonly catalog: Catalog;
  readonly sequences: SequenceAccess;
  /** Transaction start, microseconds since the Unix epoch (now(), current_timestamp), as PostgreSQL. */
  readonly statementStartUs: bigint;
  /** A fresh hidden row id (tables without a primary key): unique and increasing. */
  nextRowId(): bigint;
  readonly user: string;
  readonly database: string;
  /** Rows of enclosing queries while a correlated subquery runs (innermost last). */
  readonly outerRows: unknown[][];
  /** Results of uncorrelated subqueries, computed once per execution (by SubqueryExpr.id); made on first use. */
  subqueryCache: Map<number, unknown> | undefined;
  /** Throws 57014 when the statement was cancelled or timed out; called between rows. */
  checkCancel(): void;
  /**
   * Claims the row stored under `key` before an UPDATE or DELETE writes it; throws (to re-run
   * the statement after the holder ends) when another statement holds it. Set only for an
   * autocommit statement the session may re-run (session/autocommit-retry.ts).
   */
  readonly claimRow?: (key: Uint8Array) => void;
  /** The session and its server, for pg_stat_* / pg_settings and the admin functions (one per session). */
  readonly system?: SessionSystem;
  /** Absent outside a session (DDL-time evaluation): current_setting/set_config then fail. */
  readonly settings?: SettingsAccess;
}
