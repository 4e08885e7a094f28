/**
 * Runs utility statements: SET / RESET / SHOW / DISCARD, cursors (cursor-statements.ts) and every DDL statement. DDL writes the
 * catalog through the statement's transaction (so it commits or rolls back with it) and marks the
 * session's catalog dirty until the transaction ends.
 */
import type { Node } from '../parse.js';
import { nodeTag } from '../parse.js';
import type { Transaction } from '../../mvcc/index.js';
import { CatalogWriter } from '../../catalog/catalog-store.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { notSupported } from '../bind/bind-errors.js';
import type { Session } from '../session/session.js';
import type { DdlContext } from '../ddl/ddl-context.js';
import { runSet, runShow } from './set-show.js';
import { runLockTable } from './lock-table.js';
import { runDdl, isDdl } from '../ddl/run-ddl.js';
import { runCall, runCheckpoint, runVacuum } from './maintenance.js';
import type { Value } from '../../catalog/types/sql-type.js';
import type { SqlPrepared } from '../session/prepared.js';
import { runClose, runDeclareCursor, runFetch } from './cursor-statements.js';
import { runSetConstraints } from './set-constraints.js';
import { runDeallocate, runPrepare } from './prepare-statements.js';
import { runListen, runNotify, runUnlisten } from './listen-notify.js';

export interface UtilityResult {
  readonly tag: string;
  /** Values of the statement's result columns (text for SHOW). */
  readonly rows?: Value[][];
}

export async function runUtility(
  session: Session,
  ast: Node,
  txn: Transaction,
  prepared?: Pick<SqlPrepared, 'batch' | 'text' | 'paramTypeOids'>,
  params: readonly Value[] = [],
): Promise<UtilityResult> {
  const tag = nodeTag(ast);
  if ('FetchStmt' in ast) return runFetch(session.cursors, ast.FetchStmt);
  if ('DeclareCursorStmt' in ast) return runDeclareCursor(session, ast.DeclareCursorStmt, txn, prepared, params);
  if ('ClosePortalStmt' in ast) return runClose(session.cursors, ast.ClosePortalStmt.portalname);
  if ('ConstraintsSetStmt' in ast) return runSetConstraints(session, ast.ConstraintsSetStmt, txn);
  if ('VariableSetStmt' in ast) return runSet(session, ast.VariableSetStmt);
  if ('VariableShowStmt' in ast) return runShow(session, ast.VariableShowStmt.name ?? '');
  if ('DiscardStmt' in ast) {
    if (session.block.mode === 'block') throw new SqlError(SQLSTATE.activeSqlTransaction, 'DISCARD ALL cannot run inside a transaction block');
    session.settings.resetAll();
    session.cursors.closeAll();
    session.statements.clear();
    session.notifications.unlistenAllNow();
    return { tag: 'DISCARD ALL' };
  }
  if ('ListenStmt' in ast) return runListen(session, ast.ListenStmt, txn);
  if ('UnlistenStmt' in ast) return runUnlisten(session, ast.UnlistenStmt, txn);
  if ('NotifyStmt' in ast) return runNotify(session, ast.NotifyStmt, txn);
  if ('PrepareStmt' in ast) return runPrepare(session, ast.PrepareStmt, txn, prepared?.text ?? '');
  if ('DeallocateStmt' in ast) return runDeallocate(session, ast.DeallocateStmt);
  if ('LockStmt' in ast) return runLockTable(session, ast.LockStmt, txn);
  if ('VacuumStmt' in ast) return runVacuum(session, ast.VacuumStmt, txn, (prepared?.batch?.count ?? 1) > 1);
  if ('CheckPointStmt' in ast) return runCheckpoint(session, txn);
  if ('CallStmt' in ast) return runCall(session, ast.CallStmt, txn);
  if (!isDdl(tag)) throw notSupported(statementName(tag));
  const ctx = ddlContext(session, txn);
  const result = await runDdl(ctx, ast);
  ctx.writer.finish();
  session.block.catalogDirty = true;
  session.block.privateCatalog = undefined;
  return { tag: result };
}

function ddlContext(session: Session, txn: Transaction): DdlContext {
  const catalog = session.catalogFor(txn);
  const role = catalog.role(session.user);
  return {
    txn,
    catalog,
    writer: new CatalogWriter(txn),
    bind: session.bindContext(catalog, [], ''),
    userOid: role?.oid ?? 10,
    notice: (message, detail) => session.notice(message, 'NOTICE', '00000', detail),
    inBlock: session.block.mode === 'block',
    rowIds: {
      nextRowId: () => session.host.nextRowId(),
      execContext: (ddl) => session.execContext(txn, ddl.catalog, []),
    },
    sequences: session.host.sequences,
    databaseName: session.database,
  };
}

function statementName(tag: string): string {
  const names: Record<string, string> = {
    CopyStmt: 'COPY',
    PrepareStmt: 'PREPARE',
    ExecuteStmt: 'EXECUTE',
    DeallocateStmt: 'DEALLOCATE',
    DeclareCursorStmt: 'DECLARE CURSOR',
    FetchStmt: 'FETCH',
    ClosePortalStmt: 'CLOSE',
    CreateFunctionStmt: 'CREATE FUNCTION',
    CreateTrigStmt: 'CREATE TRIGGER',
    CreateTableAsStmt: 'CREATE TABLE AS',
    GrantStmt: 'GRANT',
    GrantRoleStmt: 'GRANT role',
    CommentStmt: 'COMMENT',
    LockStmt: 'LOCK',
    VacuumStmt: 'VACUUM/ANALYZE',
    DoStmt: 'DO',
    ListenStmt: 'LISTEN',
    NotifyStmt: 'NOTIFY',
    CreateExtensionStmt: 'CREATE EXTENSION',
    CreateEnumStmt: 'CREATE TYPE … AS ENUM',
    CreateDomainStmt: 'CREATE DOMAIN',
    MergeStmt: 'MERGE',
  };
  return names[tag] ?? tag.replace(/Stmt$/, '');
}
