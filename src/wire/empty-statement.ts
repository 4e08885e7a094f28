/**
 * The empty query: a query string with nothing but whitespace. The protocol itself defines its
 * answer (EmptyQueryResponse for Query and for Execute, NoData for Describe), so the wire answers
 * it without asking the SQL layer.
 * - EMPTY_STATEMENT is shared and immutable; an EmptyPortal holds no state.
 */
import type { ExecuteResult, Portal, PreparedStatement } from '../sql/session-api.js';

export const EMPTY_STATEMENT: PreparedStatement = Object.freeze({ paramTypeOids: [], fields: undefined, isEmpty: true });

const EMPTY_RESULT: ExecuteResult = Object.freeze({ kind: 'empty' });

export class EmptyPortal implements Portal {
  readonly fields = undefined;

  async execute(): Promise<ExecuteResult> {
    return EMPTY_RESULT;
  }

  executeNow(): ExecuteResult {
    return EMPTY_RESULT;
  }

  close(): void {}
}

/** True for a query string that is empty or only whitespace. */
export function isBlankQuery(sql: string): boolean {
  return /^\s*$/.test(sql);
}
