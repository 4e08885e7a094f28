/**
 * LOCK TABLE … IN ACCESS SHARE MODE (what pg_dump sends for every table it dumps).
 *
 * - ACCESS SHARE conflicts only with ACCESS EXCLUSIVE (DDL). stratadb's DDL is transactional and
 *   a transaction reads one catalog snapshot, so a reader never sees a table change under it: the
 *   lock has nothing left to guard, and the statement only checks its relations, as PostgreSQL does
 *   (42P01 for a missing one, 42809 for a sequence, 25P01 outside a transaction block).
 * - Stronger modes would need real table locks: they are 0A000, never silently ignored.
 */
import type { LockStmt, Node, RangeVar } from '../parse.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { Session } from '../session/session.js';
import type { Transaction } from '../../mvcc/index.js';
import { lookupRelation } from '../bind/names.js';
import { undefinedTable } from '../bind/bind-errors.js';

/** PostgreSQL's lock mode numbers (lockdefs.h): 1 = AccessShareLock. */
const ACCESS_SHARE_LOCK = 1;
const MODE_NAMES = ['', 'ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'];

export function runLockTable(session: Session, stmt: LockStmt, txn: Transaction): { tag: string } {
  if (session.block.mode !== 'block') throw new SqlError(SQLSTATE.noActiveSqlTransaction, 'LOCK TABLE can only be used in transaction blocks');
  const mode = stmt.mode ?? 8;
  if (mode !== ACCESS_SHARE_LOCK) throw new SqlError(SQLSTATE.featureNotSupported, `LOCK TABLE IN ${MODE_NAMES[mode] ?? String(mode)} MODE is not supported`);
  const ctx = session.bindContext(session.catalogFor(txn), [], '');
  for (const node of stmt.relations ?? []) {
    const rv = (node as Node & { RangeVar?: RangeVar }).RangeVar;
    if (rv === undefined) continue;
    const rel = lookupRelation(ctx, { schema: rv.schemaname, name: rv.relname ?? '' });
    // PostgreSQL reports no position for LOCK's relations.
    if (rel === undefined) throw undefinedTable(rv.schemaname === undefined ? (rv.relname ?? '') : `${rv.schemaname}.${rv.relname}`, undefined);
    if (rel.kind === 'sequence') throw new SqlError('42809', `"${rel.name}" is not a table or view`);
  }
  return { tag: 'LOCK TABLE' };
}
