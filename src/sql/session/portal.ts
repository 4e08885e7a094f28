/**
 * SqlPortal: a bound statement (the protocol's portal). execute(maxRows) runs the statement on
 * its first call and streams query rows across calls (PortalSuspended between them); the
 * statement's transaction bookkeeping happens when it completes or fails.
 *
 * - Rows are pulled synchronously; every YIELD_INTERVAL_MS of pulling, the row loop yields to
 *   the event loop once (setImmediate) so other connections run and a cancel request or
 *   statement_timeout is seen, then re-checks both. A short result never awaits or reads the clock.
 * - Operators that consume their whole input inside one next() (sort, aggregate, hash build) and
 *   DML run without yielding; they check statement_timeout between rows themselves.
 * - DML claims the rows it updates or deletes; a statement that is its whole implicit
 *   transaction re-runs after a 40001 or a wait for a row, other statements wait in place
 *   (autocommit-retry.ts).
 * - Hot path: an attempt that needs no waiting (no commit, no sequence flush, no yield) returns
 *   its result without a promise (executeNow(); execute() wraps it in a resolved one); what does
 *   wait is one promise whose rejection fails the statement and re-runs it where
 *   autocommit-retry.ts allows. With
 *   SessionOptions.encodedText and all-text result formats, a plain-column query prints straight
 *   from the stored rows (PhysicalPlan.openText).
 */
import type { ExecuteResult, FieldDescription, FormatCode, Portal, ResultRow, WireRow } from '../session-api.js';
import type { Value } from '../../catalog/types/sql-type.js';
import type { SqlType } from '../../catalog/types/sql-type.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { PhysicalPlan, RowCursor } from '../exec/operator.js';
import type { TextRow, TextRowCursor } from '../exec/stored-rows.js';
import type { DmlResult } from '../exec/dml-plan.js';
import type { ExecContext } from '../exec/exec-context.js';
import type { Transaction } from '../../mvcc/index.js';
import type { Row } from '../exec/compile-expr.js';
import type { StatementPlan } from '../statement/statement-plan.js';
import type { OutputColumn } from '../plan/logical-plan.js';
import { runUtility } from '../statement/utility.js';
import { runCopy } from '../copy/copy-statement.js';
import { runTransactionControl } from './transaction-control.js';
import { fieldOf, type SqlPrepared } from './prepared.js';
import type { Session } from './session.js';
import { decodeParam, formatValue } from './values.js';
import { sqlErrorFromStorage } from './sql-error-from-storage.js';
import { countedTag } from './command-tags.js';
import { sqlErrorFromStackOverflow } from './stack-depth.js';
import {
  AUTOCOMMIT_LOCK_WAITS_MAX,
  AUTOCOMMIT_RETRIES_MAX,
  RowLockWait,
  autocommitBackoff,
  awaitRow,
  isAutocommitRetryable,
  runWaitingForRows,
} from './autocommit-retry.js';

/** A running query gives the event loop a turn at least this often (other clients, cancel). */
const YIELD_INTERVAL_MS = 10;
/** Rows between clock reads in the row loop (a power of two). */
const YIELD_CHECK_ROWS = 64;
/** A session's text-row arena grown past this (one large chunk) is let go at the next fetch. */
const TEXT_ROWS_KEEP_BYTES_MAX = 256 * 1024;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const EMPTY_RESULT: ExecuteResult = { kind: 'empty' };

type DmlStatementPlan = Extract<StatementPlan, { kind: 'dml' }>;
type UtilityStatementPlan = Extract<StatementPlan, { kind: 'utility' }>;

/**
 * The rows of a SELECT … FOR UPDATE, every one claimed (LockRows calls ctx.claimRow). They are all
 * read before the first is sent: a row another transaction holds means undoing the statement,
 * waiting and re-running it, which a half-sent result could not do.
 */
function lockedRows(plan: PhysicalPlan, ctx: ExecContext): Row[] {
  const cursor = plan.open(ctx);
  try {
    const rows: Row[] = [];
    for (let row = cursor.next(); row !== undefined; row = cursor.next()) rows.push(row);
    return rows;
  } finally {
    cursor.close();
  }
}

/** Whether every result column is asked for in text format (no closure: runs per execution). */
function allText(formats: readonly FormatCode[]): boolean {
  for (let i = 0; i < formats.length; i++) if (formats[i] !== 0) return false;
  return true;
}

function rowsCursor(rows: readonly Row[]): RowCursor {
  let i = 0;
  return { next: () => rows[i++], close: () => undefined };
}

export class SqlPortal implements Portal {
  private readonly plan: StatementPlan | undefined;
  private readonly params: Value[];
  private cursor: RowCursor | TextRowCursor | undefined;
  private sent = 0;
  /** The cursor yields TextRows (PhysicalPlan.openText), not executor rows. */
  private textRows = false;
  /** When the row loop next gives the event loop a turn (performance.now() ms; 0: not yet known). */
  private yieldAtMs = 0;
  private done = false;
  /** The statement is its whole implicit transaction and a query or DML (autocommit-retry.ts). */
  private retryable = false;

  constructor(
    private readonly session: Session,
    private readonly prepared: SqlPrepared,
    rawParams: ReadonlyArray<Uint8Array | string | null>,
    paramFormats: readonly FormatCode[],
    private readonly resultFormats: readonly FormatCode[],
    jsParams?: readonly Value[],
  ) {
    this.plan = prepared.isEmpty || session.isTransactionControl(prepared) || session.block.mode === 'failed' ? undefined : session.planFor(prepared);
    const types = this.plan?.paramTypes ?? [];
    if (jsParams !== undefined) this.params = [...jsParams];
    else {
      if (rawParams.length !== types.length && this.plan !== undefined) {
        throw new SqlError(SQLSTATE.protocolViolation, `bind message supplies ${rawParams.length} parameters, but prepared statement "" requires ${types.length}`);
      }
      const ctx = session.typeContext();
      const params = new Array<Value>(rawParams.length);
      for (let i = 0; i < rawParams.length; i++) {
        const format = (paramFormats.length === 1 ? paramFormats[0] : paramFormats[i]) ?? 0;
        params[i] = decodeParam(types[i] as SqlType, rawParams[i] ?? null, format, ctx);
      }
      this.params = params;
    }
  }

  get columns(): readonly OutputColumn[] | undefined {
    return this.plan?.columns;
  }

  get fields(): readonly FieldDescription[] | undefined {
    const plan = this.plan;
    if (plan?.columns === undefined) return undefined;
    const formats = this.resultFormats;
    // One format for every column (the usual Bind): the statement's shared, cached description.
    if (formats.length <= 1) return this.prepared.fieldsOf(plan, formats[0] ?? 0);
    return plan.columns.map((c, i) => fieldOf(c, this.formatOf(i)));
  }

  private formatOf(i: number): FormatCode {
    const f = this.resultFormats.length === 1 ? this.resultFormats[0] : this.resultFormats[i];
    return f ?? 0;
  }

  execute(maxRows: number): Promise<ExecuteResult> {
    const result = this.executeNow(maxRows);
    return result instanceof Promise ? result : Promise.resolve(result);
  }

  /** As execute(); a statement that needed no waiting returns its result without a promise. */
  executeNow(maxRows: number): ExecuteResult | Promise<ExecuteResult> {
    let result: ExecuteResult | Promise<ExecuteResult>;
    try {
      result = this.attempt(maxRows);
    } catch (error) {
      return this.retried(maxRows, error);
    }
    // A rejection fails the statement, then re-runs it where allowed (one promise, no async frame).
    return result instanceof Promise ? result.catch((error: unknown) => this.retried(maxRows, this.failed(error))) : result;
  }

  /** After the first attempt failed with `error`: re-runs while autocommit-retry.ts allows, else rejects. */
  private async retried(maxRows: number, error: unknown): Promise<ExecuteResult> {
    let waits = 0;
    for (let attempt = 0; ; ) {
      // See autocommit-retry.ts: only a whole implicit transaction that sent nothing yet.
      if (!this.retryable || this.sent > 0 || !isAutocommitRetryable(error)) throw error;
      if (error instanceof RowLockWait && waits < AUTOCOMMIT_LOCK_WAITS_MAX) {
        waits++;
        await awaitRow(error.wait, () => this.session.checkCancel());
      } else if (attempt < AUTOCOMMIT_RETRIES_MAX) await autocommitBackoff(attempt++);
      else throw error;
      this.done = false;
      this.rawRows = [];
      try {
        const result = this.attempt(maxRows);
        return await (result instanceof Promise ? this.settle(result) : result);
      } catch (next) {
        error = next;
      }
    }
  }

  /**
   * One attempt. A statement that needs no waiting returns its result directly (no promise). A
   * failure of the synchronous part has been through failed(); one of the returned promise has
   * not (the caller settles it: executeNow() or settle()).
   */
  private attempt(maxRows: number): ExecuteResult | Promise<ExecuteResult> {
    if (this.prepared.isEmpty) return EMPTY_RESULT;
    try {
      if (this.session.isTransactionControl(this.prepared)) return this.transactionControl();
      return (this.cursor === undefined && !this.done ? this.start(maxRows) : undefined) ?? this.fetch(maxRows);
    } catch (error) {
      throw this.failed(error);
    }
  }

  private async settle(pending: Promise<ExecuteResult>): Promise<ExecuteResult> {
    try {
      return await pending;
    } catch (error) {
      throw this.failed(error);
    }
  }

  /** The statement failed: ends it and returns the error to raise. */
  private failed(error: unknown): unknown {
    this.cursor?.close();
    this.cursor = undefined;
    this.done = true;
    this.session.failStatement();
    return sqlErrorFromStorage(sqlErrorFromStackOverflow(error));
  }

  /** BEGIN, COMMIT, …: without a promise unless the statement waits (a COMMIT with writes). */
  private transactionControl(): ExecuteResult | Promise<ExecuteResult> {
    const tag = runTransactionControl(this.session, this.prepared.ast as object);
    return typeof tag === 'string' ? { kind: 'command', tag } : tag.then((done): ExecuteResult => ({ kind: 'command', tag: done }));
  }

  /** Runs the statement; returns the result unless it is a query whose rows stream. */
  private start(maxRows: number): ExecuteResult | Promise<ExecuteResult> | undefined {
    const session = this.session;
    const batch = this.prepared.batch;
    const alone = session.block.mode === 'none' && (batch === undefined || batch.count === 1);
    const txn = session.startStatement(this.prepared);
    const catalog = session.catalogFor(txn);
    const plan = session.planIn(this.prepared, catalog);
    this.retryable = alone && (plan.kind === 'rows' || plan.kind === 'dml');
    const claims = (plan.kind === 'dml' || (plan.kind === 'rows' && plan.locksRows)) && !txn.readOnly;
    const ctx = session.execContext(txn, catalog, this.params, claims ? session.claimRow : undefined);
    switch (plan.kind) {
      case 'rows':
        if (!claims) {
          this.cursor = this.openRows(plan.plan, ctx);
          return undefined;
        }
        // SELECT … FOR UPDATE: every row is claimed before the first is sent (see lockedRows).
        if (this.retryable) {
          this.cursor = rowsCursor(lockedRows(plan.plan, ctx));
          return undefined;
        }
        return this.lockedRowsWaiting(plan.plan, txn, ctx, maxRows);
      case 'dml':
        // A lone statement re-runs from execute(); one inside a transaction waits here.
        if (this.retryable) return this.dmlDone(plan, plan.dml.run(ctx));
        return this.dmlWaiting(plan, txn, ctx);
      case 'explain':
        return this.finish({ kind: 'rows', rows: this.format(plan.lines.map((l) => [l])), suspended: false, tag: `EXPLAIN` });
      case 'utility':
        if ('CopyStmt' in plan.ast) return runCopy(session, this.prepared, plan.ast.CopyStmt, txn);
        return this.utility(plan, txn);
    }
  }

  /** The query's cursor: rows straight in text output when the client takes them (encodedText) and the plan can. */
  private openRows(plan: PhysicalPlan, ctx: ExecContext): RowCursor | TextRowCursor {
    if (this.session.options.encodedText === true && !this.keepRaw && allText(this.resultFormats)) {
      const cursor = plan.openText?.(ctx, this.session.typeContext(), this.session.textRows);
      this.textRows = cursor !== undefined;
      if (cursor !== undefined) return cursor;
    }
    return plan.open(ctx);
  }

  private async lockedRowsWaiting(plan: PhysicalPlan, txn: Transaction, ctx: ExecContext, maxRows: number): Promise<ExecuteResult> {
    const rows = await runWaitingForRows(txn, () => lockedRows(plan, ctx), () => this.session.checkCancel());
    this.cursor = rowsCursor(rows);
    return this.fetch(maxRows);
  }

  /** DML inside a transaction: waits for rows others hold; without a wait, answers without a promise. */
  private dmlWaiting(plan: DmlStatementPlan, txn: Transaction, ctx: ExecContext): ExecuteResult | Promise<ExecuteResult> {
    const result = runWaitingForRows(txn, () => plan.dml.run(ctx), ctx.checkCancel);
    return result instanceof Promise ? result.then((done) => this.dmlDone(plan, done)) : this.dmlDone(plan, result);
  }

  private dmlDone(plan: DmlStatementPlan, result: DmlResult): ExecuteResult | Promise<ExecuteResult> {
    const tag = countedTag(plan.dml.command, result.count);
    return this.finish(plan.columns === undefined ? { kind: 'command', tag } : { kind: 'rows', rows: this.format(result.rows), suspended: false, tag });
  }

  private async utility(plan: UtilityStatementPlan, txn: Transaction): Promise<ExecuteResult> {
    const result = await runUtility(this.session, plan.ast, txn, this.prepared, this.params);
    if (result.rows === undefined) return this.finish({ kind: 'command', tag: result.tag });
    return this.finish({ kind: 'rows', rows: this.format(result.rows), suspended: false, tag: result.tag });
  }

  private fetch(maxRows: number): ExecuteResult | Promise<ExecuteResult> {
    const cursor = this.cursor;
    if (cursor === undefined) return { kind: 'rows', rows: [], suspended: false, tag: countedTag('SELECT', this.sent) };
    const out: Array<Row | TextRow> = [];
    const limit = maxRows > 0 ? maxRows : Infinity;
    // The rows of the session's previous fetch went out already: their arena space is free again.
    if (this.textRows) this.session.textRows.reset(TEXT_ROWS_KEEP_BYTES_MAX);
    // The clock is read only every YIELD_CHECK_ROWS rows: a short result never reads it.
    this.yieldAtMs = 0;
    const status = this.pull(cursor, out, limit);
    return status === 'yield' ? this.fetchAfterYield(cursor, out, limit) : this.fetched(cursor, out, status === 'end');
  }

  /** Pulls rows into `out` until the cursor ends, `limit` rows are there, or the event loop is due a turn. */
  private pull(cursor: RowCursor | TextRowCursor, out: Array<Row | TextRow>, limit: number): 'end' | 'full' | 'yield' {
    while (out.length < limit) {
      this.session.checkCancel();
      if ((out.length & (YIELD_CHECK_ROWS - 1)) === YIELD_CHECK_ROWS - 1) {
        const nowMs = performance.now();
        if (this.yieldAtMs === 0) this.yieldAtMs = nowMs + YIELD_INTERVAL_MS;
        else if (nowMs >= this.yieldAtMs) return 'yield';
      }
      const row = cursor.next();
      if (row === undefined) return 'end';
      out.push(row);
    }
    return 'full';
  }

  private async fetchAfterYield(cursor: RowCursor | TextRowCursor, out: Array<Row | TextRow>, limit: number): Promise<ExecuteResult> {
    for (;;) {
      await yieldToEventLoop();
      // Other connections (and cancel requests) ran meanwhile: re-check before reading on.
      if (this.cursor !== cursor) throw new SqlError(SQLSTATE.queryCanceled, 'canceling statement due to user request');
      this.session.checkCancel();
      this.yieldAtMs = performance.now() + YIELD_INTERVAL_MS;
      const status = this.pull(cursor, out, limit);
      if (status !== 'yield') return this.fetched(cursor, out, status === 'end');
    }
  }

  private fetched(cursor: RowCursor | TextRowCursor, out: Array<Row | TextRow>, ended: boolean): ExecuteResult | Promise<ExecuteResult> {
    this.sent += out.length;
    if (!ended) return { kind: 'rows', rows: this.pulled(out), suspended: true, tag: '' };
    cursor.close();
    this.cursor = undefined;
    return this.finish({ kind: 'rows', rows: this.pulled(out), suspended: false, tag: countedTag('SELECT', this.sent) });
  }

  /** Raw executor rows for the embedded API (the whole result at once). */
  async executeRaw(): Promise<{ rows: Row[]; tag: string; kind: ExecuteResult['kind'] }> {
    const result = await this.execute(0);
    return { rows: this.rawRows, tag: result.kind === 'rows' || result.kind === 'command' ? result.tag : '', kind: result.kind };
  }

  private rawRows: Row[] = [];
  /** When set, format() keeps executor values instead of wire values (embedded API). */
  keepRaw = false;

  /** What the cursor's rows go out as: a text cursor's TextRows are already what the wire sends (EncodedRow). */
  private pulled(rows: Array<Row | TextRow>): ResultRow[] {
    return this.textRows ? (rows as TextRow[]) : this.format(rows as Row[]);
  }

  private format(rows: Row[]): WireRow[] {
    if (this.keepRaw) {
      // Not push(...rows): a spread of a large result overflows the call stack.
      if (this.rawRows.length === 0) this.rawRows = rows;
      else for (const row of rows) this.rawRows.push(row);
      return [];
    }
    const columns = this.plan?.columns ?? [];
    const ctx = this.session.typeContext();
    const out = new Array<WireRow>(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] as Row;
      const wire: WireRow = new Array(columns.length);
      for (let i = 0; i < columns.length; i++) wire[i] = formatValue((columns[i] as OutputColumn).type, row[i] ?? null, this.formatOf(i), ctx);
      out[r] = wire;
    }
    return out;
  }

  private finish(result: ExecuteResult): ExecuteResult | Promise<ExecuteResult> {
    this.done = true;
    const pending = this.session.finishStatement(this.prepared);
    return pending === undefined ? result : pending.then(() => result);
  }

  close(): void {
    this.cursor?.close();
    this.cursor = undefined;
  }
}
