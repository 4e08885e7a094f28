/**
 * PreparedRegistry: a session's named prepared statements — those of Parse messages and those of
 * SQL PREPARE, in one namespace as PostgreSQL keeps them (session-api.ts NamedStatements).
 *
 * - A name holds at most one statement: adding a taken name is 42P05, past countMax 54000.
 * - DEALLOCATE of a missing name is 26000; Close of one is not an error (the protocol's rule), so
 *   delete() only reports whether there was one.
 * - What pg_prepared_statements shows (list()) is read at call time: text, parameter types,
 *   whether SQL made it, when, and how often it ran.
 */
import type { NamedStatements, PreparedStatement } from '../session-api.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { PreparedStatementView } from '../../catalog/system/index.js';
import { SqlPrepared } from './prepared.js';

/** Named prepared statements a session holds unless SessionOptions says otherwise. */
export const PREPARED_STATEMENTS_MAX_DEFAULT = 10_000;

interface Entry {
  readonly statement: PreparedStatement;
  readonly fromSql: boolean;
  /** ms since the Unix epoch. */
  readonly preparedMs: number;
}

export class PreparedRegistry implements NamedStatements {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly countMax: number = PREPARED_STATEMENTS_MAX_DEFAULT) {}

  get(name: string): PreparedStatement | undefined {
    return this.entries.get(name)?.statement;
  }

  add(name: string, statement: PreparedStatement, fromSql = false): void {
    if (this.entries.has(name)) throw new SqlError('42P05', `prepared statement "${name}" already exists`);
    if (this.entries.size >= this.countMax) {
      throw new SqlError(SQLSTATE.programLimitExceeded, `too many prepared statements (maximum ${this.countMax})`);
    }
    this.entries.set(name, { statement, fromSql, preparedMs: Date.now() });
  }

  delete(name: string): boolean {
    return this.entries.delete(name);
  }

  /** DEALLOCATE name: as delete(), but a missing name is an error. */
  deallocate(name: string): void {
    if (!this.entries.delete(name)) throw new SqlError('26000', `prepared statement "${name}" does not exist`);
  }

  /** DEALLOCATE ALL, DISCARD ALL. */
  clear(): void {
    this.entries.clear();
  }

  /** The rows of pg_prepared_statements. */
  list(): PreparedStatementView[] {
    const out: PreparedStatementView[] = [];
    for (const [name, entry] of this.entries) {
      const statement = entry.statement;
      const sql = statement instanceof SqlPrepared ? statement : undefined;
      out.push({
        name,
        statement: sql?.text ?? '',
        preparedMs: entry.preparedMs,
        parameterTypeOids: parameterTypeOids(statement),
        fromSql: entry.fromSql,
        executions: sql?.executions ?? 0,
      });
    }
    return out;
  }
}

/** A statement whose plan no longer binds (a dropped table) shows no parameter types, not an error. */
function parameterTypeOids(statement: PreparedStatement): readonly number[] {
  try {
    return statement.paramTypeOids;
  } catch {
    return [];
  }
}
