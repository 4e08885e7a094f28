/**
 * Storage maintenance statements: CHECKPOINT (flush the memtables), VACUUM (value-log GC now),
 * VACUUM FULL and CALL stratadb_compact() (full compaction, then GC), and ANALYZE.
 *
 * - They act on the whole storage engine: a table list is checked (42P01 for a missing table)
 *   but GC and compaction cover every table, since all share one LSM.
 * - VACUUM cannot run inside a transaction block (25001), nor in a string of several statements
 *   (PostgreSQL runs those as one implicit block), as in PostgreSQL; CHECKPOINT and CALL
 *   can. CHECKPOINT and stratadb_compact() need a superuser (42501), as CHECKPOINT does in
 *   PostgreSQL 15; VACUUM does not.
 * - ANALYZE (alone or as a VACUUM option) has nothing to do: the planner keeps no statistics.
 * - VERBOSE reports what the engine did as INFO messages.
 * - Without StorageMaintenance (an in-memory store) there is nothing to flush or collect and the
 *   statements succeed without work.
 */
import type { Node } from '../parse.js';
import type { Session } from '../session/session.js';
import type { MaintenanceStats } from './server-admin.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { notSupported } from '../bind/bind-errors.js';
import { lookupRelation } from '../bind/names.js';
import type { Transaction } from '../../mvcc/index.js';
import type { UtilityResult } from './utility.js';

/** The procedure CALL runs a full compaction with. */
export const COMPACT_PROCEDURE = 'stratadb_compact';

const INSUFFICIENT_PRIVILEGE = '42501';
const VACUUM_OPTIONS = new Set(['full', 'verbose', 'analyze', 'freeze']);

interface VacuumStmt {
  readonly options?: Node[];
  readonly rels?: Node[];
  readonly is_vacuumcmd?: boolean;
}

interface CallStmt {
  readonly funccall?: { readonly funcname?: Node[]; readonly args?: Node[] };
}

function requireSuperuser(session: Session, txn: Transaction, message: string): void {
  if (session.catalogFor(txn).role(session.user)?.superuser !== true) throw new SqlError(INSUFFICIENT_PRIVILEGE, message);
}

export async function runCheckpoint(session: Session, txn: Transaction): Promise<UtilityResult> {
  requireSuperuser(session, txn, 'must be superuser or have privileges of pg_checkpoint to do CHECKPOINT');
  await session.host.maintenance?.flush();
  return { tag: 'CHECKPOINT' };
}

/** `inBatch`: one of several statements of a simple-query string (an implicit transaction block). */
export async function runVacuum(session: Session, stmt: VacuumStmt, txn: Transaction, inBatch: boolean): Promise<UtilityResult> {
  const vacuum = stmt.is_vacuumcmd === true;
  const command = vacuum ? 'VACUUM' : 'ANALYZE';
  const options = new Set<string>();
  for (const o of stmt.options ?? []) {
    const name = String((o as { DefElem?: { defname?: string } }).DefElem?.defname ?? '').toLowerCase();
    if (!VACUUM_OPTIONS.has(name) || (!vacuum && name !== 'verbose')) throw notSupported(`${command} option ${name.toUpperCase()}`);
    options.add(name);
  }
  if (vacuum && (session.block.mode === 'block' || inBatch)) throw new SqlError(SQLSTATE.activeSqlTransaction, 'VACUUM cannot run inside a transaction block');
  checkRelations(session, stmt.rels ?? [], txn);
  const maintenance = session.host.maintenance;
  if (!vacuum || maintenance === undefined) return { tag: command };
  const before = maintenance.stats();
  if (options.has('full')) await maintenance.compact();
  else await maintenance.collectGarbage();
  if (options.has('verbose')) session.notice(workDone(before, maintenance.stats()), 'INFO');
  return { tag: 'VACUUM' };
}

export async function runCall(session: Session, stmt: CallStmt, txn: Transaction): Promise<UtilityResult> {
  const call = stmt.funccall;
  const names = (call?.funcname ?? []).map((n) => String((n as { String?: { sval?: string } }).String?.sval ?? ''));
  const name = names[names.length - 1] ?? '';
  const schemaOk = names.length === 1 || (names.length === 2 && names[0] === 'pg_catalog');
  const args = call?.args ?? [];
  if (name !== COMPACT_PROCEDURE || !schemaOk || args.length > 0) {
    const shown = `${names.join('.')}(${args.map(() => 'unknown').join(', ')})`;
    throw new SqlError(SQLSTATE.undefinedFunction, `procedure ${shown} does not exist`, {
      hint: 'No procedure matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  requireSuperuser(session, txn, `must be superuser to call ${COMPACT_PROCEDURE}()`);
  const maintenance = session.host.maintenance;
  if (maintenance !== undefined) {
    const before = maintenance.stats();
    await maintenance.compact();
    session.notice(workDone(before, maintenance.stats()), 'INFO');
  }
  return { tag: 'CALL' };
}

function checkRelations(session: Session, rels: readonly Node[], txn: Transaction): void {
  if (rels.length === 0) return;
  const bind = session.bindContext(session.catalogFor(txn), [], '');
  for (const rel of rels) {
    const r = (rel as { VacuumRelation?: { relation?: { schemaname?: string; relname?: string } } }).VacuumRelation?.relation;
    const name = r?.relname ?? '';
    if (lookupRelation(bind, { schema: r?.schemaname, name }) === undefined) {
      const shown = r?.schemaname === undefined ? name : `${r.schemaname}.${name}`;
      throw new SqlError(SQLSTATE.undefinedTable, `relation "${shown}" does not exist`);
    }
  }
}

function workDone(before: MaintenanceStats, after: MaintenanceStats): string {
  const flushes = after.flushes - before.flushes;
  const compactions = after.compactions - before.compactions;
  const gcRuns = after.gcRuns - before.gcRuns;
  const reclaimed = after.gcBytesReclaimed - before.gcBytesReclaimed;
  return `storage: ${flushes} memtable flushes, ${compactions} compactions, ${gcRuns} value-log segments collected, ${reclaimed} bytes reclaimed`;
}
