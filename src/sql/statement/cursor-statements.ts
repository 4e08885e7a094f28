/**
 * DECLARE … CURSOR, FETCH, MOVE and CLOSE, with PostgreSQL 15's rules and messages:
 * - DECLARE without WITH HOLD only inside a transaction block (a multi-statement simple query is
 *   one), else 25P01; a name already open is 42P03; WITH HOLD / SCROLL … FOR UPDATE is 0A000.
 * - FETCH and MOVE on a name not open are 34000; their tags are `FETCH n` / `MOVE n`, CLOSE's
 *   `CLOSE CURSOR` (`CLOSE CURSOR ALL`).
 * - Without SCROLL or NO SCROLL, a cursor scans backward when PostgreSQL's plan for the query
 *   would (backwardScannable): its answer decides where PostgreSQL raises 55000.
 * - The query runs at DECLARE, in the declaring statement's snapshot (cursor.ts); a FOR UPDATE /
 *   FOR SHARE query locks its rows then (PostgreSQL locks each as it is fetched), and an error in
 *   the query (a division by zero in row 5) is DECLARE's, where PostgreSQL raises it at the FETCH
 *   that reaches the row.
 * - BINARY cursors are rejected (0A000): the simple-query protocol would have to send their rows
 *   in binary.
 */
import type { DeclareCursorStmt, FetchStmt, Node } from '../parse.js';
import type { Transaction } from '../../mvcc/index.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { Row } from '../exec/compile-expr.js';
import type { Value } from '../../catalog/types/sql-type.js';
import type { OutputColumn } from '../plan/logical-plan.js';
import type { BatchPosition, SqlPrepared } from '../session/prepared.js';
import type { ExecContext } from '../exec/exec-context.js';
import type { PhysicalPlan } from '../exec/operator.js';
import { rowClaimer, runWaitingForRows } from '../session/autocommit-retry.js';
import type { Session } from '../session/session.js';
import { Cursor, type FetchDirection } from '../session/cursor.js';
import type { CursorRegistry } from '../session/cursor-registry.js';
import { planStatement } from './plan-statement.js';
import { backwardScannable } from './cursor-scroll.js';
import type { UtilityResult } from './utility.js';

/** DeclareCursorStmt.options bits (PostgreSQL's CURSOR_OPT_*). */
const OPT_BINARY = 0x1;
const OPT_SCROLL = 0x2;
const OPT_NO_SCROLL = 0x4;
const OPT_HOLD = 0x20;

const LOCKING_CLAUSES: Record<string, string> = {
  LCS_FORKEYSHARE: 'FOR KEY SHARE', LCS_FORSHARE: 'FOR SHARE', LCS_FORNOKEYUPDATE: 'FOR NO KEY UPDATE', LCS_FORUPDATE: 'FOR UPDATE',
};

function cursorMissing(name: string): SqlError {
  return new SqlError('34000', `cursor "${name}" does not exist`);
}

/**
 * DECLARE; `prepared` is the statement (its text for pg_cursors, its place in a simple-query
 * batch, its parameter types), `params` the values bound to the query's $n. A FOR UPDATE / SHARE
 * query locks its rows as it runs (waiting for a holder as SELECT … FOR UPDATE does).
 */
export async function runDeclareCursor(
  session: Session,
  stmt: DeclareCursorStmt,
  txn: Transaction,
  prepared: Pick<SqlPrepared, 'batch' | 'text' | 'paramTypeOids'> | undefined,
  params: readonly Value[],
): Promise<UtilityResult> {
  const name = stmt.portalname ?? '';
  const options = stmt.options ?? 0;
  const query = stmt.query as Node;
  checkDeclare(session, name, options, query, prepared?.batch);
  const catalog = session.catalogFor(txn);
  const plan = planStatement(session.bindContext(catalog, prepared?.paramTypeOids ?? [], ''), query);
  if (plan.kind !== 'rows' || plan.columns === undefined) throw new SqlError(SQLSTATE.syntaxError, 'cursor query must be a SELECT');
  if (session.cursors.get(name) !== undefined) throw new SqlError('42P03', `cursor "${name}" already exists`);
  const locks = plan.locksRows && !txn.readOnly;
  const ctx = session.execContext(txn, catalog, params, locks ? rowClaimer(txn) : undefined);
  const width = plan.columns.length;
  const read = (): Row[] => readRows(plan.plan, ctx, width);
  const rows = locks ? await runWaitingForRows(txn, read, () => session.checkCancel()) : read();
  const scroll = (options & OPT_SCROLL) !== 0 || ((options & OPT_NO_SCROLL) === 0 && backwardScannable(query));
  session.cursors.add(new Cursor({
    name, statement: prepared?.text ?? '', columns: plan.columns, rows, hold: (options & OPT_HOLD) !== 0, binary: false, scroll, txn,
    createdMs: Date.now(), mark: session.block.nextMark(),
  }));
  return { tag: 'DECLARE CURSOR' };
}

/** DECLARE's checks before its query runs, in PostgreSQL's order. */
function checkDeclare(session: Session, name: string, options: number, query: Node, batch: BatchPosition | undefined): void {
  const select = (query as { SelectStmt?: { lockingClause?: Array<{ LockingClause?: { strength?: string } }> } }).SelectStmt;
  const locking = select?.lockingClause?.[0]?.LockingClause?.strength;
  if (locking !== undefined) {
    const clause = LOCKING_CLAUSES[locking] ?? 'FOR UPDATE';
    if ((options & OPT_HOLD) !== 0) {
      throw new SqlError(SQLSTATE.featureNotSupported, `DECLARE CURSOR WITH HOLD ... ${clause} is not supported`, { detail: 'Holdable cursors must be READ ONLY.' });
    }
    if ((options & OPT_SCROLL) !== 0) {
      throw new SqlError(SQLSTATE.featureNotSupported, `DECLARE SCROLL CURSOR ... ${clause} is not supported`, { detail: 'Scrollable cursors must be READ ONLY.' });
    }
  }
  if (name === '') throw new SqlError('34000', 'invalid cursor name: must not be empty');
  const inBlock = session.block.mode === 'block' || (batch !== undefined && batch.count > 1);
  if ((options & OPT_HOLD) === 0 && !inBlock) throw new SqlError(SQLSTATE.noActiveSqlTransaction, 'DECLARE CURSOR can only be used in transaction blocks');
  if ((options & OPT_BINARY) !== 0) throw new SqlError(SQLSTATE.featureNotSupported, 'DECLARE BINARY CURSOR is not supported');
}

/** Every row of the cursor's query (its first `width` slots). */
function readRows(plan: PhysicalPlan, ctx: ExecContext, width: number): Row[] {
  const rows: Row[] = [];
  const open = plan.open(ctx);
  try {
    for (let row = open.next(); row !== undefined; row = open.next()) {
      ctx.checkCancel();
      rows.push(row.slice(0, width));
    }
  } finally {
    open.close();
  }
  return rows;
}

export function runFetch(cursors: CursorRegistry, stmt: FetchStmt): UtilityResult {
  const name = stmt.portalname ?? '';
  const cursor = cursors.get(name);
  if (cursor === undefined) throw cursorMissing(name);
  const direction = (stmt.direction ?? 'FETCH_FORWARD') as FetchDirection;
  const count = Number(stmt.howMany ?? 0);
  if (stmt.ismove === true) return { tag: `MOVE ${cursor.fetch(direction, count, undefined)}` };
  const rows: Row[] = [];
  const n = cursor.fetch(direction, count, rows);
  return { tag: `FETCH ${n}`, rows };
}

export function runClose(cursors: CursorRegistry, name: string | undefined): UtilityResult {
  if (name === undefined) {
    cursors.closeAll();
    return { tag: 'CLOSE CURSOR ALL' };
  }
  if (cursors.get(name) === undefined) throw cursorMissing(name);
  cursors.delete(name);
  return { tag: 'CLOSE CURSOR' };
}

/** The result columns of a FETCH (planned before it runs); undefined for MOVE or a cursor not open. */
export function fetchColumns(stmt: FetchStmt, columnsOf: ((name: string) => readonly OutputColumn[] | undefined) | undefined): readonly OutputColumn[] | undefined {
  if (stmt.ismove === true || columnsOf === undefined) return undefined;
  return columnsOf(stmt.portalname ?? '');
}
