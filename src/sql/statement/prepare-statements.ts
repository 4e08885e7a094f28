/**
 * PREPARE and DEALLOCATE: SQL's named prepared statements, in the namespace protocol Parse
 * messages use too (session/prepared-registry.ts). EXECUTE is bound, not run here
 * (session/execute-statement.ts): its portal is the named statement's.
 *
 * - PREPARE binds and plans its statement at once, so a missing table or an ambiguous operator is
 *   reported by PREPARE, as in PostgreSQL; declared parameter types come first, the rest are
 *   inferred (unknown ones as text).
 * - Neither is transactional: a ROLLBACK keeps a PREPARE and does not undo a DEALLOCATE.
 */
import type { Node, TypeName } from '../parse.js';
import type { Transaction } from '../../mvcc/index.js';
import { resolveTypeName } from '../bind/resolve.js';
import { SqlPrepared } from '../session/prepared.js';
import type { Session } from '../session/session.js';
import type { UtilityResult } from './utility.js';

interface PrepareStmt {
  readonly name?: string;
  readonly argtypes?: readonly Node[];
  readonly query?: Node;
}

interface DeallocateStmt {
  readonly name?: string;
  readonly isall?: boolean;
}

/** PREPARE name [(type, …)] AS statement; `text` is the PREPARE's own text (pg_prepared_statements). */
export function runPrepare(session: Session, stmt: PrepareStmt, txn: Transaction, text: string): UtilityResult {
  const catalog = session.catalogFor(txn);
  const bind = session.bindContext(catalog, [], text);
  const paramTypeOids = (stmt.argtypes ?? []).map((arg) => resolveTypeName(bind, (arg as { TypeName: TypeName }).TypeName).type.oid);
  const prepared = new SqlPrepared(session, text, stmt.query, paramTypeOids, undefined);
  session.planIn(prepared, catalog);
  session.statements.add(stmt.name ?? '', prepared, true);
  return { tag: 'PREPARE' };
}

/** DEALLOCATE [PREPARE] name | ALL. */
export function runDeallocate(session: Session, stmt: DeallocateStmt): UtilityResult {
  if (stmt.isall === true || stmt.name === undefined) {
    session.statements.clear();
    return { tag: 'DEALLOCATE ALL' };
  }
  session.statements.deallocate(stmt.name);
  return { tag: 'DEALLOCATE' };
}
