/**
 * BEGIN / START TRANSACTION / COMMIT / END / ROLLBACK / ABORT / SAVEPOINT / RELEASE / ROLLBACK TO,
 * with PostgreSQL's warnings and command tags (COMMIT of a failed block reports ROLLBACK).
 */
import type { Node, TransactionStmt } from '../parse.js';
import type { IsolationLevel } from '../../mvcc/index.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { defArgText } from '../bind/ast-util.js';
import { notSupported } from '../bind/bind-errors.js';
import type { Session } from './session.js';

export interface TransactionModes {
  isolation: IsolationLevel | undefined;
  readOnly: boolean | undefined;
}

export function transactionModes(options: readonly Node[] | undefined): TransactionModes {
  const modes: TransactionModes = { isolation: undefined, readOnly: undefined };
  for (const o of options ?? []) {
    const d = (o as { DefElem: { defname?: string; arg?: Node } }).DefElem;
    const value = (defArgText(d.arg) ?? '').toLowerCase();
    if (d.defname === 'transaction_isolation') {
      modes.isolation = (value === 'read uncommitted' ? 'read committed' : value) as IsolationLevel;
    } else if (d.defname === 'transaction_read_only') modes.readOnly = value === '1' || value === 'true';
    else if (d.defname === 'transaction_deferrable') continue;
    else throw notSupported(`transaction option ${String(d.defname)}`);
  }
  return modes;
}

/** Runs a transaction-control statement; only COMMIT may wait (for the commit and the sequences' flush). */
export function runTransactionControl(session: Session, ast: object): string | Promise<string> {
  const t = (ast as { TransactionStmt: TransactionStmt }).TransactionStmt;
  const block = session.block;
  switch (t.kind) {
    case 'TRANS_STMT_BEGIN':
    case 'TRANS_STMT_START': {
      const tag = t.kind === 'TRANS_STMT_BEGIN' ? 'BEGIN' : 'START TRANSACTION';
      if (block.mode === 'block' || block.mode === 'failed') {
        if (block.mode === 'failed') throw failedError();
        session.notice('there is already a transaction in progress', 'WARNING', SQLSTATE.activeSqlTransaction);
        return tag;
      }
      const modes = transactionModes(t.options);
      block.beginBlock(modes.isolation, modes.readOnly);
      return tag;
    }
    case 'TRANS_STMT_COMMIT': {
      if (t.chain === true) throw notSupported('COMMIT AND CHAIN');
      if (block.mode === 'none') session.notice('there is no transaction in progress', 'WARNING', SQLSTATE.noActiveSqlTransaction);
      return commitTag(session, block.commit());
    }
    case 'TRANS_STMT_ROLLBACK':
      if (t.chain === true) throw notSupported('ROLLBACK AND CHAIN');
      if (block.mode === 'none') session.notice('there is no transaction in progress', 'WARNING', SQLSTATE.noActiveSqlTransaction);
      block.rollback();
      return 'ROLLBACK';
    case 'TRANS_STMT_SAVEPOINT':
      requireBlock(session, 'SAVEPOINT');
      if (block.mode === 'failed') throw failedError();
      block.savepoint(t.savepoint_name ?? '');
      return 'SAVEPOINT';
    case 'TRANS_STMT_RELEASE':
      requireBlock(session, 'RELEASE SAVEPOINT');
      if (block.mode === 'failed') throw failedError();
      block.release(t.savepoint_name ?? '');
      return 'RELEASE';
    case 'TRANS_STMT_ROLLBACK_TO':
      requireBlock(session, 'ROLLBACK TO SAVEPOINT');
      block.rollbackTo(t.savepoint_name ?? '');
      return 'ROLLBACK';
    default:
      throw notSupported('two-phase commit');
  }
}

/**
 * COMMIT's tag once the commit is durable and the sequences' flush (if one is in flight) is done;
 * at once, without a promise, when neither has anything to wait for (a transaction without writes).
 */
function commitTag(session: Session, committing: boolean | Promise<boolean>): string | Promise<string> {
  if (typeof committing === 'boolean' && session.host.sequences.isSettled()) return committing ? 'COMMIT' : 'ROLLBACK';
  return commitTagAfter(session, committing);
}

async function commitTagAfter(session: Session, committing: boolean | Promise<boolean>): Promise<string> {
  const committed = await committing;
  await session.host.sequences.flush();
  return committed ? 'COMMIT' : 'ROLLBACK';
}

function failedError(): SqlError {
  return new SqlError(SQLSTATE.inFailedSqlTransaction, 'current transaction is aborted, commands ignored until end of transaction block');
}

function requireBlock(session: Session, what: string): void {
  const mode = session.block.mode;
  if (mode !== 'block' && mode !== 'failed') {
    throw new SqlError(SQLSTATE.noActiveSqlTransaction, `${what} can only be used in transaction blocks`);
  }
}
