/**
 * The SQL parser: PostgreSQL's own grammar (libpg-query, compiled to WASM). This is the only file
 * that imports libpg-query; the rest of the SQL layer sees the raw AST only in the binder, which
 * turns it into our own bound tree (DESIGN.md, SQL).
 *
 * - loadParser() must have resolved before parseSql() is called (Database.open awaits it).
 * - Syntax errors become SqlError 42601 with PostgreSQL's message and 1-based position.
 * - Each statement keeps its own text (sliced from the batch) so it can be a plan-cache key.
 */
import { loadModule, parseSync } from 'libpg-query';
import type { Node } from 'libpg-query';
import { SqlError, SQLSTATE } from '../util/index.js';

export type * from 'libpg-query';

/** A statement of a batch: its AST, its own text and its offset in the batch (0-based). */
export interface ParsedStatement {
  readonly ast: Node;
  readonly text: string;
  readonly offset: number;
}

let loaded: Promise<void> | undefined;
let ready = false;

/** Loads the WASM parser once; later calls return the same promise. */
export function loadParser(): Promise<void> {
  loaded ??= loadModule().then(() => {
    ready = true;
  });
  return loaded;
}

interface LibPgError {
  readonly message: string;
  readonly sqlDetails?: { readonly message: string; readonly cursorPosition: number };
}

/** Splits and parses a batch. An empty or comment-only batch gives []. */
export function parseSql(sql: string): ParsedStatement[] {
  if (!ready) throw new SqlError(SQLSTATE.internalError, 'SQL parser not loaded (call loadParser first)');
  let result;
  try {
    result = parseSync(sql);
  } catch (error) {
    const e = error as LibPgError;
    const details = e.sqlDetails;
    const position = details === undefined ? undefined : charPosition(sql, details.cursorPosition);
    throw new SqlError(SQLSTATE.syntaxError, details?.message ?? e.message, { position });
  }
  const out: ParsedStatement[] = [];
  // Locations are UTF-8 byte offsets; slice bytes unless the text is pure ASCII.
  const bytes = Buffer.byteLength(sql) === sql.length ? undefined : Buffer.from(sql, 'utf8');
  for (const raw of result.stmts ?? []) {
    if (raw.stmt === undefined) continue;
    const offset = raw.stmt_location ?? 0;
    const total = bytes === undefined ? sql.length : bytes.length;
    const end = raw.stmt_len === undefined || raw.stmt_len === 0 ? total : offset + raw.stmt_len;
    const text = bytes === undefined ? sql.slice(offset, end) : bytes.subarray(offset, end).toString('utf8');
    out.push({ ast: raw.stmt, text: text.trim(), offset });
  }
  return out;
}

/** libpg-query reports byte offsets (0-based) into the UTF-8 text; PostgreSQL reports characters (1-based). */
function charPosition(sql: string, byteOffset: number): number {
  if (byteOffset < 0) return 1;
  const prefix = Buffer.from(sql, 'utf8').subarray(0, byteOffset).toString('utf8');
  return prefix.length + 1;
}

/** The single key of an AST node ({ SelectStmt: … } → 'SelectStmt'). */
export function nodeTag(node: Node): string {
  for (const key in node) return key;
  return '';
}
