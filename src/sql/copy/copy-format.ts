/**
 * COPY data formats: PostgreSQL's text format (tab-separated, \N for NULL, backslash escapes,
 * "\." end marker) and CSV (RFC 4180 quoting, unquoted empty field = NULL, optional header).
 * Parsing works on the whole received text; formatting produces one line per row.
 */
import { SqlError } from '../../util/index.js';

export interface CopyOptions {
  readonly format: 'text' | 'csv';
  readonly delimiter: string;
  readonly nullString: string;
  readonly header: boolean;
  readonly quote: string;
  readonly escape: string;
}

export function defaultCopyOptions(format: 'text' | 'csv'): CopyOptions {
  return format === 'csv'
    ? { format, delimiter: ',', nullString: '', header: false, quote: '"', escape: '"' }
    : { format, delimiter: '\t', nullString: '\\N', header: false, quote: '"', escape: '"' };
}

function badCopy(message: string): SqlError {
  return new SqlError('22P04', message);
}

const TEXT_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

function unescapeText(field: string): string {
  if (!field.includes('\\')) return field;
  let out = '';
  for (let i = 0; i < field.length; i++) {
    const ch = field[i] as string;
    if (ch !== '\\' || i + 1 >= field.length) {
      out += ch;
      continue;
    }
    const next = field[++i] as string;
    if (TEXT_ESCAPES[next] !== undefined) out += TEXT_ESCAPES[next];
    else if (/[0-7]/.test(next)) {
      const m = /^[0-7]{1,3}/.exec(field.slice(i)) as RegExpExecArray;
      out += String.fromCharCode(parseInt(m[0], 8));
      i += m[0].length - 1;
    } else if (next === 'x' && /^[0-9a-fA-F]/.test(field[i + 1] ?? '')) {
      const m = /^[0-9a-fA-F]{1,2}/.exec(field.slice(i + 1)) as RegExpExecArray;
      out += String.fromCharCode(parseInt(m[0], 16));
      i += m[0].length;
    } else out += next;
  }
  return out;
}

/** Rows of text-format COPY data (fields as strings, null for NULL). */
export function parseText(data: string, o: CopyOptions): Array<Array<string | null>> {
  const rows: Array<Array<string | null>> = [];
  const lines = data.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let raw of lines) {
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    if (raw === '\\.') break;
    rows.push(splitUnescaped(raw, o.delimiter).map((f) => (f === o.nullString ? null : unescapeText(f))));
  }
  return o.header ? rows.slice(1) : rows;
}

/** Splits on delimiters that are not escaped by a backslash. */
function splitUnescaped(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line.startsWith(delimiter, i)) {
      out.push(line.slice(start, i));
      start = i + delimiter.length;
    }
  }
  out.push(line.slice(start));
  return out;
}

/** Rows of CSV COPY data. */
export function parseCsv(data: string, o: CopyOptions): Array<Array<string | null>> {
  const rows: Array<Array<string | null>> = [];
  let row: Array<string | null> = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  let i = 0;
  const endField = (): void => {
    row.push(!wasQuoted && field === o.nullString ? null : field);
    field = '';
    wasQuoted = false;
  };
  while (i < data.length) {
    const ch = data[i] as string;
    if (quoted) {
      if (ch === o.escape && data[i + 1] === o.quote && (o.escape !== o.quote || true)) {
        field += o.quote;
        i += 2;
        continue;
      }
      if (ch === o.quote) quoted = false;
      else field += ch;
      i++;
      continue;
    }
    if (ch === o.quote) {
      quoted = true;
      wasQuoted = true;
    } else if (data.startsWith(o.delimiter, i)) {
      endField();
      i += o.delimiter.length;
      continue;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && data[i + 1] === '\n') i++;
      endField();
      if (!(row.length === 1 && row[0] === '\\.')) rows.push(row);
      row = [];
    } else field += ch;
    i++;
  }
  if (quoted) throw badCopy('unterminated CSV quoted field');
  if (field !== '' || wasQuoted || row.length > 0) {
    endField();
    if (!(row.length === 1 && row[0] === '\\.')) rows.push(row);
  }
  return o.header ? rows.slice(1) : rows;
}

function escapeText(v: string, delimiter: string): string {
  let out = '';
  for (const ch of v) {
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === delimiter) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

function quoteCsv(v: string, o: CopyOptions): string {
  const needs = v === '' || v.includes(o.delimiter) || v.includes(o.quote) || v.includes('\n') || v.includes('\r') || v === '\\.';
  return needs ? `${o.quote}${v.replaceAll(o.quote, o.escape + o.quote)}${o.quote}` : v;
}

export function formatLine(values: ReadonlyArray<string | null>, o: CopyOptions): string {
  if (o.format === 'text') return `${values.map((v) => (v === null ? o.nullString : escapeText(v, o.delimiter))).join(o.delimiter)}\n`;
  return `${values.map((v) => (v === null ? o.nullString : quoteCsv(v, o))).join(o.delimiter)}\n`;
}
