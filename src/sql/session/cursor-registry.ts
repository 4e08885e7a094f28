/**
 * CursorRegistry: the SQL cursors of one session, by name.
 *
 * - A cursor lives while the transaction that declared it is the session's current one; a WITH
 *   HOLD cursor also after that transaction committed (not after it rolled back), until CLOSE or
 *   the end of the session — PostgreSQL's rules.
 * - ROLLBACK TO a savepoint closes the cursors declared after it (their position is not
 *   restored for the others, as in PostgreSQL).
 * - Cursors that ended with their transaction are dropped lazily, when the registry is next
 *   used: COMMIT and ROLLBACK do no cursor work, and a session that never declares a cursor
 *   never touches the registry.
 */
import type { OutputColumn } from '../plan/logical-plan.js';
import { Cursor } from './cursor.js';
import type { TxnBlock } from './txn-block.js';

export class CursorRegistry {
  private readonly cursors = new Map<string, Cursor>();

  constructor(private readonly block: TxnBlock) {
    block.onRollbackTo = (mark) => {
      for (const [name, cursor] of this.cursors) if (cursor.options.mark > mark) this.cursors.delete(name);
    };
  }

  /** The open cursor `name`, or undefined. */
  get(name: string): Cursor | undefined {
    const cursor = this.cursors.get(name);
    if (cursor === undefined) return undefined;
    if (this.alive(cursor)) return cursor;
    this.cursors.delete(name);
    return undefined;
  }

  add(cursor: Cursor): void {
    this.cursors.set(cursor.options.name, cursor);
  }

  delete(name: string): void {
    this.cursors.delete(name);
  }

  closeAll(): void {
    this.cursors.clear();
  }

  /** Open cursors in declaration order (pg_cursors). */
  list(): Cursor[] {
    const out: Cursor[] = [];
    for (const name of [...this.cursors.keys()]) {
      const cursor = this.get(name);
      if (cursor !== undefined) out.push(cursor);
    }
    return out;
  }

  /** The result columns of FETCH from `name` (when the statement is planned); undefined when there is no such cursor. */
  readonly columnsOf = (name: string): readonly OutputColumn[] | undefined => this.get(name)?.options.columns;

  private alive(cursor: Cursor): boolean {
    const txn = cursor.options.txn;
    if (txn.state === 'active') return this.block.txn === txn;
    return cursor.options.hold && txn.state === 'committed';
  }
}
