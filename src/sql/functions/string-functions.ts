/**
 * String functions (PostgreSQL 15 "String Functions and Operators"). Positions and lengths count
 * characters (code points), not UTF-16 units; concat/concat_ws print non-text arguments with their
 * type's output function and skip NULLs.
 */
import { createHash } from 'node:crypto';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { OID, charLength, type SqlType, type Value } from '../../catalog/types/index.js';
import { fn, type FunctionDef } from './function-def.js';
import type { EvalContext, ScalarImpl } from './function-types.js';
import { regexToRegExp } from './pattern-match.js';
import { quoteIdentifier } from '../../catalog/system/quote-identifier.js';
import { formatArgs, quoteLiteral, sqlFormat, type FormatArgs } from './sql-format.js';

const { text, int4, int8, bool, bytea, any, name } = OID;

const SURROGATE = /[\ud800-\udfff]/;

function chars(s: string): string[] {
  return SURROGATE.test(s) ? Array.from(s) : s.split('');
}

/** substr(s, start [, count]) with PostgreSQL's handling of start < 1. */
export function substr(s: string, start: number, count?: number): string {
  if (count !== undefined && count < 0) throw new SqlError('22011', 'negative substring length not allowed');
  const cs = chars(s);
  const from = Math.max(start, 1);
  const end = count === undefined ? cs.length + 1 : start + count;
  if (end <= from) return '';
  return cs.slice(from - 1, end - 1).join('');
}

function pad(s: string, length: number, fill: string, left: boolean): string {
  const cs = chars(s);
  if (length <= cs.length) return cs.slice(0, Math.max(length, 0)).join('');
  const fc = chars(fill);
  if (fc.length === 0) return s;
  const need = length - cs.length;
  let padding = '';
  for (let i = 0; i < need; i++) padding += fc[i % fc.length];
  return left ? padding + s : s + padding;
}

function trimChars(s: string, set: string, leading: boolean, trailing: boolean): string {
  const cs = chars(s);
  const drop = new Set(chars(set));
  let start = 0;
  let end = cs.length;
  if (leading) while (start < end && drop.has(cs[start] as string)) start++;
  if (trailing) while (end > start && drop.has(cs[end - 1] as string)) end--;
  return cs.slice(start, end).join('');
}

function initcap(s: string): string {
  let out = '';
  let inWord = false;
  for (const c of s) {
    const alnum = /[\p{L}\p{N}]/u.test(c);
    out += alnum ? (inWord ? c.toLowerCase() : c.toUpperCase()) : c;
    inWord = alnum;
  }
  return out;
}

function splitPart(s: string, delim: string, n: number): string {
  if (n === 0) throw new SqlError(SQLSTATE.invalidParameterValue, 'field position must not be zero');
  const parts = delim === '' ? [s] : s.split(delim);
  const i = n > 0 ? n - 1 : parts.length + n;
  return parts[i] ?? '';
}

function leftRight(s: string, n: number, fromLeft: boolean): string {
  const cs = chars(s);
  const k = n >= 0 ? Math.min(n, cs.length) : Math.max(cs.length + n, 0);
  return fromLeft ? cs.slice(0, k).join('') : cs.slice(cs.length - k).join('');
}

function strpos(s: string, sub: string): number {
  const i = s.indexOf(sub);
  return i < 0 ? 0 : charLength(s.slice(0, i)) + 1;
}

function translate(s: string, from: string, to: string): string {
  const f = chars(from);
  const t = chars(to);
  let out = '';
  for (const c of s) {
    const i = f.indexOf(c);
    if (i < 0) out += c;
    else if (i < t.length) out += t[i];
  }
  return out;
}

function pgReplacement(repl: string): string {
  return repl.replace(/\$/g, '$$$$').replace(/\\(\d|&|\\)/g, (_m, c: string) => (c === '&' ? '$&' : c === '\\' ? '\\' : '$' + c));
}

function regexpReplace(s: string, pattern: string, repl: string, flags = ''): string {
  const re = regexToRegExp(pattern, flags.includes('i'), flags.includes('g') ? 'g' : '');
  re.lastIndex = 0;
  return s.replace(re, pgReplacement(repl));
}

function regexpMatch(s: string, pattern: string, flags = ''): Value {
  const m = regexToRegExp(pattern, flags.includes('i')).exec(s);
  if (m === null) return null;
  return m.length > 1 ? m.slice(1).map((x) => x ?? null) : [m[0]];
}

function regexpSplit(s: string, pattern: string, flags = ''): string[] {
  const re = regexToRegExp(pattern, flags.includes('i'), 'g');
  const out: string[] = [];
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    if (m[0] === '') {
      // An empty match splits between characters (PostgreSQL never returns empty pieces for it).
      if (m.index >= s.length) break;
      if (m.index > last) out.push(s.slice(last, m.index));
      last = m.index;
      re.lastIndex = m.index + 1;
      continue;
    }
    out.push(s.slice(last, m.index));
    last = m.index + m[0].length;
  }
  out.push(s.slice(last));
  return out;
}

function* regexpMatches(s: string, pattern: string, flags = ''): Generator<Value> {
  const global = flags.includes('g');
  const re = regexToRegExp(pattern, flags.includes('i'), global ? 'g' : '');
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = global ? re.exec(s) : null) {
    yield m.length > 1 ? m.slice(1).map((x) => x ?? null) : [m[0]];
    if (m[0] === '') re.lastIndex++;
  }
}

function textOf(types: readonly SqlType[], i: number, v: Value, ctx: EvalContext): string {
  const t = types[i] as SqlType;
  return t.oid === text || t.oid === OID.varchar || t.oid === OID.unknown ? (v as string) : t.toText(v, ctx);
}

const NO_FORMAT_ARGS: FormatArgs = { count: 0, text: () => null, int: () => null };

/** format(fmt, VARIADIC "any"): NULL when the format string is (the arguments may be). */
const formatMake = (types: readonly SqlType[]): ScalarImpl => (args, ctx) =>
  args[0] === null ? null : sqlFormat(args[0] as string, formatArgs(args, types, ctx));

const concatMake = (types: readonly SqlType[]): ScalarImpl => (args, ctx) => {
  let out = '';
  for (let i = 0; i < args.length; i++) if (args[i] !== null) out += textOf(types, i, args[i] as Value, ctx);
  return out;
};

const concatWsMake = (types: readonly SqlType[]): ScalarImpl => (args, ctx) => {
  if (args[0] === null) return null;
  const parts: string[] = [];
  for (let i = 1; i < args.length; i++) if (args[i] !== null) parts.push(textOf(types, i, args[i] as Value, ctx));
  return parts.join(args[0] as string);
};

/** similar_to_escape: SQL SIMILAR TO pattern → POSIX regex (anchored, % → .*, _ → .). */
export function similarToRegex(pattern: string, escape = '\\'): string {
  let out = '^(?:';
  let inBracket = false;
  const cs = chars(pattern);
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i] as string;
    if (escape !== '' && c === escape) {
      const next = cs[++i];
      if (next === undefined) throw new SqlError('2201B', 'invalid escape string');
      out += /[a-zA-Z0-9]/.test(next) ? next : '\\' + next;
    } else if (inBracket) {
      out += c;
      if (c === ']') inBracket = false;
    } else if (c === '[') {
      inBracket = true;
      out += c;
    } else if (c === '%') out += '.*';
    else if (c === '_') out += '.';
    else if (c === '.' || c === '^' || c === '$') out += '\\' + c;
    else out += c;
  }
  return out + ')$';
}

function toHex(v: Value): string {
  return typeof v === 'bigint' ? BigInt.asUintN(64, v).toString(16) : ((v as number) >>> 0).toString(16);
}

function s1(f: (s: string) => Value): ScalarImpl {
  return ([a]) => f(a as string);
}

export const STRING_FUNCTIONS: FunctionDef[] = [
  ...['length', 'char_length', 'character_length'].map((n) => fn(n, [text], int4, s1((s) => charLength(s)))),
  fn('octet_length', [text], int4, s1((s) => Buffer.byteLength(s))),
  fn('bit_length', [text], int4, s1((s) => Buffer.byteLength(s) * 8)),
  fn('length', [bytea], int4, ([a]) => (a as Uint8Array).length),
  fn('octet_length', [bytea], int4, ([a]) => (a as Uint8Array).length),
  fn('lower', [text], text, s1((s) => s.toLowerCase())),
  fn('upper', [text], text, s1((s) => s.toUpperCase())),
  fn('initcap', [text], text, s1(initcap)),
  ...['substr', 'substring'].flatMap((n) => [
    fn(n, [text, int4], text, ([a, b]) => substr(a as string, b as number)),
    fn(n, [text, int4, int4], text, ([a, b, c]) => substr(a as string, b as number, c as number)),
  ]),
  fn('substring', [text, text], text, ([a, b]) => {
    const m = regexToRegExp(b as string, false).exec(a as string);
    return m === null ? null : (m[1] ?? m[0]);
  }),
  fn('strpos', [text, text], int4, ([a, b]) => strpos(a as string, b as string)),
  fn('position', [text, text], int4, ([a, b]) => strpos(a as string, b as string)),
  fn('replace', [text, text, text], text, ([a, b, c]) => ((b as string) === '' ? (a as string) : (a as string).split(b as string).join(c as string))),
  fn('translate', [text, text, text], text, ([a, b, c]) => translate(a as string, b as string, c as string)),
  fn('btrim', [text], text, s1((s) => trimChars(s, ' ', true, true))),
  fn('btrim', [text, text], text, ([a, b]) => trimChars(a as string, b as string, true, true)),
  fn('ltrim', [text], text, s1((s) => trimChars(s, ' ', true, false))),
  fn('ltrim', [text, text], text, ([a, b]) => trimChars(a as string, b as string, true, false)),
  fn('rtrim', [text], text, s1((s) => trimChars(s, ' ', false, true))),
  fn('rtrim', [text, text], text, ([a, b]) => trimChars(a as string, b as string, false, true)),
  fn('lpad', [text, int4], text, ([a, b]) => pad(a as string, b as number, ' ', true)),
  fn('lpad', [text, int4, text], text, ([a, b, c]) => pad(a as string, b as number, c as string, true)),
  fn('rpad', [text, int4], text, ([a, b]) => pad(a as string, b as number, ' ', false)),
  fn('rpad', [text, int4, text], text, ([a, b, c]) => pad(a as string, b as number, c as string, false)),
  fn('left', [text, int4], text, ([a, b]) => leftRight(a as string, b as number, true)),
  fn('right', [text, int4], text, ([a, b]) => leftRight(a as string, b as number, false)),
  fn('repeat', [text, int4], text, ([a, b]) => ((b as number) <= 0 ? '' : (a as string).repeat(b as number))),
  fn('reverse', [text], text, s1((s) => chars(s).reverse().join(''))),
  fn('split_part', [text, text, int4], text, ([a, b, c]) => splitPart(a as string, b as string, c as number)),
  fn('concat', [any], text, () => null, { strict: false, variadic: true, make: concatMake }),
  fn('concat_ws', [text, any], text, () => null, { strict: false, variadic: true, make: concatWsMake }),
  fn('md5', [text], text, s1((s) => createHash('md5').update(s, 'utf8').digest('hex'))),
  fn('md5', [bytea], text, ([a]) => createHash('md5').update(a as Uint8Array).digest('hex')),
  fn('chr', [int4], text, ([a]) => {
    if ((a as number) <= 0 || (a as number) > 0x10ffff) throw new SqlError('54000', `requested character too large for encoding: ${a as number}`);
    return String.fromCodePoint(a as number);
  }),
  fn('ascii', [text], int4, s1((s) => s.codePointAt(0) ?? 0)),
  fn('starts_with', [text, text], bool, ([a, b]) => (a as string).startsWith(b as string)),
  fn('regexp_replace', [text, text, text], text, ([a, b, c]) => regexpReplace(a as string, b as string, c as string)),
  fn('regexp_replace', [text, text, text, text], text, ([a, b, c, d]) => regexpReplace(a as string, b as string, c as string, d as string)),
  fn('regexp_match', [text, text], 1009, ([a, b]) => regexpMatch(a as string, b as string)),
  fn('regexp_match', [text, text, text], 1009, ([a, b, c]) => regexpMatch(a as string, b as string, c as string)),
  fn('regexp_split_to_array', [text, text], 1009, ([a, b]) => regexpSplit(a as string, b as string)),
  fn('regexp_split_to_array', [text, text, text], 1009, ([a, b, c]) => regexpSplit(a as string, b as string, c as string)),
  fn('regexp_split_to_table', [text, text], text, ([a, b]) => regexpSplit(a as string, b as string), { setReturning: true }),
  fn('regexp_split_to_table', [text, text, text], text, ([a, b, c]) => regexpSplit(a as string, b as string, c as string), { setReturning: true }),
  fn('regexp_matches', [text, text], 1009, ([a, b]) => regexpMatches(a as string, b as string), { setReturning: true }),
  fn('regexp_matches', [text, text, text], 1009, ([a, b, c]) => regexpMatches(a as string, b as string, c as string), { setReturning: true }),
  fn('to_hex', [int4], text, ([a]) => toHex(a as Value)),
  fn('to_hex', [int8], text, ([a]) => toHex(a as Value)),
  fn('quote_ident', [text], text, s1(quoteIdentifier)),
  fn('quote_literal', [text], text, s1(quoteLiteral)),
  fn('format', [text], text, s1((f) => sqlFormat(f, NO_FORMAT_ARGS))),
  fn('format', [text, any], text, () => null, { strict: false, variadic: true, make: formatMake }),
  fn('string_to_array', [text, text], 1009, ([a, b]) => (a === null ? null : (a as string) === '' ? [] : b === null ? chars(a as string) : (a as string).split(b as string)), { strict: false }),
  fn('name', [text], name, s1((s) => s)),
  fn('similar_to_escape', [text], text, s1((s) => similarToRegex(s))),
  fn('similar_to_escape', [text, text], text, ([a, b]) => similarToRegex(a as string, b as string)),
  fn('similar_escape', [text, text], text, ([a, b]) => similarToRegex(a as string, (b as string | null) ?? '\\'), { strict: false }),
];
