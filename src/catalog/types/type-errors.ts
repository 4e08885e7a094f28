/**
 * The SqlErrors type input and arithmetic raise, with PostgreSQL's message texts.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';

/** 22P02 invalid input syntax for type integer: "abc". */
export function invalidInput(sqlName: string, text: string): SqlError {
  return new SqlError(SQLSTATE.invalidTextRepresentation, `invalid input syntax for type ${sqlName}: "${text}"`);
}

/** 22003 with PostgreSQL's message, e.g. 'integer out of range'. */
export function outOfRange(message: string): SqlError {
  return new SqlError(SQLSTATE.numericValueOutOfRange, message);
}

/** 22003 value "99999999999" is out of range for type integer. */
export function valueOutOfRange(text: string, sqlName: string): SqlError {
  return new SqlError(SQLSTATE.numericValueOutOfRange, `value "${text}" is out of range for type ${sqlName}`);
}

/** 22012 division by zero. */
export function divisionByZero(): SqlError {
  return new SqlError(SQLSTATE.divisionByZero, 'division by zero');
}

/** 22P03 for malformed binary input. */
export function invalidBinary(message: string): SqlError {
  return new SqlError('22P03', message);
}

/** 22008 for date/time values out of range. */
export function datetimeOutOfRange(message: string): SqlError {
  return new SqlError(SQLSTATE.datetimeFieldOverflow, message);
}

/** 22007 invalid input syntax for type date: "x". */
export function invalidDatetime(sqlName: string, text: string): SqlError {
  return new SqlError(SQLSTATE.invalidDatetimeFormat, `invalid input syntax for type ${sqlName}: "${text}"`);
}
