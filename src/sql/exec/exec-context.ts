/**
 * ExecContext: what a running statement reads besides its rows — the transaction, the bound
 * parameters, the session's type settings, the catalog snapshot, sequences and cancellation.
 * One per statement execution; plans (immutable, cached) never hold one.
 */
import type { Catalog } from '../../catalog/catalog.js';
import type { KvTxn } from '../../catalog/kv-txn.js';
import type { TypeContext, Value } from '../../catalog/types/sql-type.js';

/** Sequence operations (non-transactional, sequence-store.ts). */
export interface SequenceAccess {
  nextval(oid: number): bigint;
  currval(oid: number): bigint;
  setval(oid: number, value: bigint, isCalled: boolean): bigint;
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
  /** Results of uncorrelated subqueries, computed once per execution (by SubqueryExpr.id). */
  readonly subqueryCache: Map<number, unknown>;
  /** Throws 57014 when the statement was cancelled or timed out; called between rows. */
  checkCancel(): void;
  /**
   * Claims the row stored under `key` before an UPDATE or DELETE writes it; throws (to re-run
   * the statement after the holder ends) when another statement holds it. Set only for an
   * autocommit statement the session may re-run (session/autocommit-retry.ts).
   */
  readonly claimRow?: (key: Uint8Array) => void;
}
