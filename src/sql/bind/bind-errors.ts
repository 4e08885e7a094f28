/**
 * Errors the binder raises, with PostgreSQL's SQLSTATEs and message texts.
 * `notSupported` is how any AST part the binder does not implement is rejected (0A000), so that
 * nothing is ever silently ignored.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';

/** location is the parser's 0-based byte offset (or undefined / -1 when unknown). */
function pos(location: number | undefined): number | undefined {
  return location === undefined || location < 0 ? undefined : location + 1;
}

export function notSupported(feature: string, location?: number): SqlError {
  return new SqlError(SQLSTATE.featureNotSupported, `${feature} is not supported`, { position: pos(location) });
}

export function undefinedTable(name: string, location?: number): SqlError {
  return new SqlError(SQLSTATE.undefinedTable, `relation "${name}" does not exist`, { position: pos(location) });
}

export function undefinedColumn(name: string, location?: number): SqlError {
  return new SqlError(SQLSTATE.undefinedColumn, `column ${name} does not exist`, { position: pos(location) });
}

export function ambiguousColumn(name: string, location?: number): SqlError {
  return new SqlError(SQLSTATE.ambiguousColumn, `column reference "${name}" is ambiguous`, { position: pos(location) });
}

export function syntaxError(message: string, location?: number): SqlError {
  return new SqlError(SQLSTATE.syntaxError, message, { position: pos(location) });
}

export function withPosition(message: string, code: string, location?: number): SqlError {
  return new SqlError(code, message, { position: pos(location) });
}
