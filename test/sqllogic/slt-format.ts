/**
 * Turns query results into the strings the SQLLogicTest reference runner compares, the way its
 * SQLite engine formats them (slt_sqlite.c): one string per value, by the column's type letter.
 *
 * - NULL is "NULL" whatever the type; an empty string is "(empty)".
 * - I: the value as a 64-bit integer (`sqlite3_column_int64`): integers as they are, reals and
 *   numerics truncated toward zero, booleans 1/0, text by its leading integer prefix (else 0).
 * - R: the value as a double printed with C's "%.3f" (ties to even, like glibc).
 * - T: the text as it is.
 * - Every byte outside printable ASCII (below ' ' or above '~') becomes '@' (a multi-byte UTF-8
 *   character becomes one '@' per byte, as the C runner walks bytes).
 * - The MD5 is over every value followed by "\n", as the reference computes it.
 */
import { createHash } from 'node:crypto';
import type { SortMode } from './slt-parser.js';

/** PostgreSQL's type OID for boolean, the one type whose text form needs translating for I. */
const BOOL_OID = 16;
const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^([+-]?)(\d*)\.\d*$/;
const LEADING_INTEGER = /^\s*([+-]?\d+)/;
const LEADING_NUMBER = /^\s*[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)/;

function integerOf(text: string, typeOid: number): string {
  if (typeOid === BOOL_OID) return text === 't' ? '1' : '0';
  if (INTEGER_TEXT.test(text)) return BigInt(text).toString();
  const decimal = DECIMAL_TEXT.exec(text);
  if (decimal !== null) {
    const whole = BigInt(decimal[2] === '' ? '0' : (decimal[2] as string));
    return (decimal[1] === '-' ? -whole : whole).toString();
  }
  const asNumber = Number(text);
  if (Number.isFinite(asNumber)) return BigInt(Math.trunc(asNumber)).toString();
  const prefix = LEADING_INTEGER.exec(text);
  return prefix === null ? '0' : BigInt(prefix[1] as string).toString();
}

/** C's printf("%.3f", value): exact decimal rounding with ties to even. */
export function formatReal3(value: number): string {
  if (Number.isNaN(value)) return value < 0 ? '-nan' : 'nan';
  if (!Number.isFinite(value)) return value < 0 ? '-inf' : 'inf';
  const fixed = value.toFixed(3);
  // toFixed rounds exact ties away from zero; glibc rounds them to even. Detect an exact tie from a
  // long exact expansion (a double's expansion past 25 decimals is all zeros for |value| < 2^53).
  const long = Math.abs(value).toFixed(25);
  const dot = long.indexOf('.');
  const tail = long.slice(dot + 4);
  if (!/^50*$/.test(tail)) return fixed;
  const lastKept = Number(long[dot + 3]);
  if (lastKept % 2 === 1) return fixed; // away from zero lands on the even digit already
  const truncated = long.slice(0, dot + 4);
  return (value < 0 ? '-' : '') + truncated;
}

function realOf(text: string, typeOid: number): string {
  if (typeOid === BOOL_OID) return text === 't' ? '1.000' : '0.000';
  const asNumber = Number(text);
  if (!Number.isNaN(asNumber) || text === 'NaN') return formatReal3(asNumber);
  const prefix = LEADING_NUMBER.exec(text);
  return formatReal3(prefix === null ? 0 : Number(prefix[0]));
}

/** Replaces every byte outside printable ASCII by '@' (one per UTF-8 byte). */
export function printable(text: string): string {
  if (/^[ -~]*$/.test(text)) return text;
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code >= 0x20 && code <= 0x7e) out += char;
    else out += '@'.repeat(Buffer.byteLength(char, 'utf8'));
  }
  return out;
}

/** Formats one value of a result; `raw` is PostgreSQL's text form or null. */
export function formatValue(raw: string | null, type: string, typeOid: number): string {
  if (raw === null) return 'NULL';
  let text: string;
  if (type === 'I') text = integerOf(raw, typeOid);
  else if (type === 'R') text = realOf(raw, typeOid);
  else text = raw;
  if (text === '') return '(empty)';
  return printable(text);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareRows(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const order = compareStrings(a[i] as string, b[i] as string);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** Formats a result (rows of raw values) and orders it as the record's sort mode says. */
export function formatResult(
  rows: ReadonlyArray<ReadonlyArray<string | null>>,
  types: string,
  typeOids: readonly number[],
  sort: SortMode,
): string[] {
  const formatted = rows.map((row) => row.map((raw, i) => formatValue(raw, types[i] ?? 'T', typeOids[i] ?? 0)));
  if (sort === 'rowsort') formatted.sort(compareRows);
  const values = formatted.flat();
  if (sort === 'valuesort') values.sort(compareStrings);
  return values;
}

/** The reference's result hash: MD5 over every value followed by "\n", lowercase hex. */
export function hashValues(values: readonly string[]): string {
  const md5 = createHash('md5');
  for (const value of values) {
    md5.update(value);
    md5.update('\n');
  }
  return md5.digest('hex');
}
