/**
 * Deeply nested statements: binding, planning and evaluation recurse over the expression tree,
 * and a tree deep enough overflows the JavaScript stack (a RangeError). PostgreSQL raises 54001
 * "stack depth limit exceeded" for the same situation; this turns the RangeError into that, so a
 * client gets a SQLSTATE rather than an internal error. PostgreSQL's own grammar (the parser)
 * already rejects nesting past ~4,000 levels with "memory exhausted" (42601), as PostgreSQL does.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack size exceeded/i.test(error.message);
}

/** `error` as 54001 when it is a stack overflow, else unchanged. */
export function sqlErrorFromStackOverflow(error: unknown): unknown {
  if (!isStackOverflow(error)) return error;
  return new SqlError(SQLSTATE.statementTooComplex, 'stack depth limit exceeded', {
    hint: 'The statement nests expressions or subqueries too deeply; simplify it.',
    cause: error,
  });
}
