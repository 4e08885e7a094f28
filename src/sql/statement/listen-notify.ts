/**
 * LISTEN channel, UNLISTEN { channel | * }, NOTIFY channel [, 'payload']: they act when the
 * statement's transaction commits (session/session-notifications.ts), so they run in it here.
 */
import type { Transaction } from '../../mvcc/index.js';
import type { Session } from '../session/session.js';
import type { UtilityResult } from './utility.js';

export function runListen(session: Session, stmt: { conditionname?: string }, txn: Transaction): UtilityResult {
  session.notifications.listen(stmt.conditionname ?? '', txn);
  return { tag: 'LISTEN' };
}

export function runUnlisten(session: Session, stmt: { conditionname?: string }, txn: Transaction): UtilityResult {
  session.notifications.unlisten(stmt.conditionname, txn);
  return { tag: 'UNLISTEN' };
}

export function runNotify(session: Session, stmt: { conditionname?: string; payload?: string }, txn: Transaction): UtilityResult {
  session.notifications.notify(stmt.conditionname ?? '', stmt.payload ?? '', txn);
  return { tag: 'NOTIFY' };
}
