/**
 * SET CONSTRAINTS { ALL | name [, …] } { DEFERRED | IMMEDIATE }, as PostgreSQL 15 runs it:
 * - Outside a transaction block it only warns (25P01) and does nothing.
 * - A name without a schema means the constraints of that name in the first schema of the
 *   search path that has one (all of them there, whatever their table); none: 42704. A constraint
 *   that is not DEFERRABLE: 42809.
 * - IMMEDIATE runs the checks waiting for those constraints now; a failure is this statement's.
 */
import type { ConstraintsSetStmt, RangeVar } from '../parse.js';
import type { Catalog } from '../../catalog/catalog.js';
import type { ConstraintDesc } from '../../catalog/descriptors.js';
import type { Transaction } from '../../mvcc/index.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { Session } from '../session/session.js';
import { setConstraintsMode } from '../exec/fk-deferred.js';
import { runDeferredCheck } from '../exec/fk-actions.js';
import type { UtilityResult } from './utility.js';

export function runSetConstraints(session: Session, stmt: ConstraintsSetStmt, txn: Transaction): UtilityResult {
  if (session.block.mode !== 'block') {
    session.notice('SET CONSTRAINTS can only be used in transaction blocks', 'WARNING', SQLSTATE.noActiveSqlTransaction);
    return { tag: 'SET CONSTRAINTS' };
  }
  const deferred = stmt.deferred === true;
  let oids: number[] | undefined;
  if (stmt.constraints !== undefined) {
    const catalog = session.catalogFor(txn);
    const ctx = session.bindContext(catalog, [], '');
    oids = [];
    for (const node of stmt.constraints) {
      const rv = (node as { RangeVar: RangeVar }).RangeVar;
      for (const c of constraintsNamed(catalog, ctx.databaseOid, rv.schemaname === undefined ? ctx.searchPath : [rv.schemaname], rv.relname ?? '')) {
        oids.push(c.oid);
      }
    }
  }
  for (const check of setConstraintsMode(txn, oids, deferred)) runDeferredCheck(check);
  return { tag: 'SET CONSTRAINTS' };
}

function constraintsNamed(catalog: Catalog, databaseOid: number, schemas: readonly string[], name: string): ConstraintDesc[] {
  for (const schemaName of schemas) {
    const schema = catalog.schema(databaseOid, schemaName);
    if (schema === undefined) continue;
    const found = catalog.tablesIn(schema.oid).flatMap((t) => t.constraints.filter((c) => c.name === name));
    if (found.length === 0) continue;
    const fixed = found.find((c) => c.deferrable !== true);
    if (fixed !== undefined) throw new SqlError('42809', `constraint "${name}" is not deferrable`);
    return found;
  }
  throw new SqlError(SQLSTATE.undefinedObject, `constraint "${name}" does not exist`);
}
