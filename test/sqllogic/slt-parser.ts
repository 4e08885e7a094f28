/**
 * Parser for SQLite's SQLLogicTest script format, as read by the reference runner (sqllogictest.c).
 *
 * A script is a sequence of records separated by blank lines:
 *   statement ok | statement error      then SQL lines
 *   query <types> [nosort|rowsort|valuesort] [label]   then SQL lines, `----`, expected lines
 *   hash-threshold <n>                  results with more values than n are compared by MD5
 *   halt                                stop reading the script
 * Each record may be preceded by `skipif <engine>` / `onlyif <engine>` lines; `#` lines before a
 * record are comments. Expected results are one value per line, or `<n> values hashing to <md5>`.
 *
 * - Lines may end in CRLF (several corpus files do); the CR is dropped.
 * - Conditions are evaluated here against the engine name given to `parseScript`, so a record's
 *   `skip` is final; skipped halts and hash-thresholds are dropped from the output entirely.
 * - Every record keeps the 1-based line number of its command line, for error reports.
 */

export type SortMode = 'nosort' | 'rowsort' | 'valuesort';

export type Expected =
  | { readonly kind: 'values'; readonly values: readonly string[] }
  | { readonly kind: 'hash'; readonly count: number; readonly hash: string };

export interface StatementRecord {
  readonly kind: 'statement';
  readonly line: number;
  readonly expectError: boolean;
  readonly sql: string;
  readonly skip: boolean;
}

export interface QueryRecord {
  readonly kind: 'query';
  readonly line: number;
  /** One letter per column: I (integer), R (real), T (text). */
  readonly types: string;
  readonly sort: SortMode;
  readonly label: string | undefined;
  readonly sql: string;
  readonly expected: Expected;
  readonly skip: boolean;
}

export interface HashThresholdRecord {
  readonly kind: 'hash-threshold';
  readonly line: number;
  readonly threshold: number;
}

export interface HaltRecord {
  readonly kind: 'halt';
  readonly line: number;
}

export type SltRecord = StatementRecord | QueryRecord | HashThresholdRecord | HaltRecord;

/** A malformed script: names the line. */
export class SltParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'SltParseError';
  }
}

const HASH_LINE = /^(\d+) values hashing to ([0-9a-f]{32})$/;
const SORT_MODES: ReadonlySet<string> = new Set(['nosort', 'rowsort', 'valuesort']);

/** Splits `text` into blocks of non-blank lines, each with the line number of its first line. */
function blocks(text: string): Array<{ start: number; lines: string[] }> {
  const out: Array<{ start: number; lines: string[] }> = [];
  let current: { start: number; lines: string[] } | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, '');
    if (line.trim() === '') {
      current = undefined;
      continue;
    }
    if (current === undefined) {
      current = { start: i + 1, lines: [] };
      out.push(current);
    }
    current.lines.push(line);
  }
  return out;
}

/** True when the conditions in `lines[0..]` let `engine` run the record; returns the command index. */
function evaluateConditions(lines: string[], engine: string): { skip: boolean; index: number } {
  let skip = false;
  let index = 0;
  for (; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.startsWith('#')) continue;
    const [word, name] = line.split(/\s+/, 2);
    if (word === 'skipif') {
      if (name === engine) skip = true;
    } else if (word === 'onlyif') {
      if (name !== engine) skip = true;
    } else {
      break;
    }
  }
  return { skip, index };
}

function parseExpected(lines: string[], line: number): Expected {
  if (lines.length === 1) {
    const match = HASH_LINE.exec((lines[0] as string).trim());
    if (match !== null) return { kind: 'hash', count: Number(match[1]), hash: match[2] as string };
  }
  for (const value of lines) {
    if (HASH_LINE.test(value.trim())) throw new SltParseError(line, 'hash line mixed with values');
  }
  return { kind: 'values', values: lines };
}

function parseQuery(words: string[], body: string[], line: number, skip: boolean): QueryRecord {
  const types = words[1];
  if (types === undefined || !/^[ITR]+$/.test(types)) throw new SltParseError(line, `bad query types '${types ?? ''}'`);
  const sortWord = words[2] ?? 'nosort';
  let sort: SortMode = 'nosort';
  let label: string | undefined;
  if (SORT_MODES.has(sortWord)) {
    sort = sortWord as SortMode;
    label = words[3];
  } else {
    label = sortWord;
  }
  const separator = body.indexOf('----');
  const sqlLines = separator < 0 ? body : body.slice(0, separator);
  const expectedLines = separator < 0 ? [] : body.slice(separator + 1);
  if (sqlLines.length === 0) throw new SltParseError(line, 'query without SQL');
  return { kind: 'query', line, types, sort, label, sql: sqlLines.join('\n'), expected: parseExpected(expectedLines, line), skip };
}

function parseBlock(lines: string[], start: number, engine: string): SltRecord | undefined {
  const { skip, index } = evaluateConditions(lines, engine);
  const command = lines[index];
  if (command === undefined) return undefined; // only comments
  const line = start + index;
  const words = command.trim().split(/\s+/);
  const body = lines.slice(index + 1);
  switch (words[0]) {
    case 'statement': {
      if (words[1] !== 'ok' && words[1] !== 'error') throw new SltParseError(line, `bad statement mode '${words[1] ?? ''}'`);
      if (body.length === 0) throw new SltParseError(line, 'statement without SQL');
      return { kind: 'statement', line, expectError: words[1] === 'error', sql: body.join('\n'), skip };
    }
    case 'query':
      return parseQuery(words, body, line, skip);
    case 'hash-threshold': {
      const threshold = Number(words[1]);
      if (!Number.isInteger(threshold) || threshold < 0) throw new SltParseError(line, `bad hash-threshold '${words[1] ?? ''}'`);
      return skip ? undefined : { kind: 'hash-threshold', line, threshold };
    }
    case 'halt':
      return skip ? undefined : { kind: 'halt', line };
    default:
      throw new SltParseError(line, `unknown record '${command}'`);
  }
}

/** Parses a whole script; conditions are decided for `engine` (e.g. 'postgresql'). */
export function parseScript(text: string, engine: string): SltRecord[] {
  const records: SltRecord[] = [];
  for (const block of blocks(text)) {
    const record = parseBlock(block.lines, block.start, engine);
    if (record !== undefined) records.push(record);
  }
  return records;
}
