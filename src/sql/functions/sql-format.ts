/**
 * format(formatstr, VARIADIC "any"): PostgreSQL 15's text_format (varlena.c).
 *
 * - Specifiers: %[argpos$][-][width]type with type s (text; NULL prints nothing), I (an identifier,
 *   quoted as quote_ident does; NULL is 22004), L (a literal, quoted as quote_literal does; NULL
 *   prints NULL); %% is a percent sign. width may be * or *n$ (taken from an argument; negative
 *   means left-justified); it counts characters.
 * - Without argpos, a specifier takes the argument after the one the previous specifier used.
 * - Errors are PostgreSQL's: 22023 for a malformed or unknown specifier and for too few arguments.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { SqlType, Value } from '../../catalog/types/index.js';
import { quoteIdentifier } from '../../catalog/system/quote-identifier.js';
import type { EvalContext } from './function-types.js';

const PERCENT_HINT = 'For a single "%" use "%%".';

/** quote_literal's text: doubled quotes, and E'…' with doubled backslashes when there are any. */
export function quoteLiteral(s: string): string {
  return (s.includes('\\') ? 'E' : '') + "'" + s.replace(/\\/g, '\\\\').replace(/'/g, "''") + "'";
}

/** The arguments after the format string, as text the way format() prints them. */
export interface FormatArgs {
  readonly count: number;
  /** Argument `i` (0-based) as its type's text, or null. */
  text(i: number): string | null;
  /** Argument `i` as a number (a * width). */
  int(i: number): number | null;
}

export function formatArgs(args: readonly Value[], types: readonly SqlType[], ctx: EvalContext): FormatArgs {
  return {
    count: args.length - 1,
    text: (i) => {
      const v = args[i + 1] ?? null;
      if (v === null) return null;
      const type = types[i + 1] as SqlType;
      return typeof v === 'string' ? v : type.toText(v, ctx);
    },
    int: (i) => {
      const v = args[i + 1] ?? null;
      return v === null ? null : Number(typeof v === 'string' ? v : (types[i + 1] as SqlType).toText(v, ctx));
    },
  };
}

class Cursor {
  at = 0;
  constructor(readonly s: string) {}

  peek(): string {
    if (this.at >= this.s.length) throw new SqlError(SQLSTATE.invalidParameterValue, 'unterminated format() type specifier', { hint: PERCENT_HINT });
    return this.s[this.at] as string;
  }

  /** Digits at the cursor as a number, or undefined when there are none. */
  number(): number | undefined {
    const start = this.at;
    while (this.at < this.s.length && this.s[this.at]! >= '0' && this.s[this.at]! <= '9') this.at++;
    if (this.at === start) return undefined;
    const n = Number(this.s.slice(start, this.at));
    if (n > 0x7fffffff) throw new SqlError(SQLSTATE.numericValueOutOfRange, 'number is out of range');
    return n;
  }

  /** `n$` at the cursor: the 1-based argument number, or undefined (cursor unmoved). */
  argPosition(): number | undefined {
    const start = this.at;
    const n = this.number();
    if (n !== undefined && this.at < this.s.length && this.s[this.at] === '$') {
      this.at++;
      if (n === 0) throw new SqlError(SQLSTATE.invalidParameterValue, 'format specifies argument 0, but arguments are numbered from 1');
      return n;
    }
    this.at = start;
    return undefined;
  }
}

export function sqlFormat(format: string, args: FormatArgs): string {
  const c = new Cursor(format);
  let out = '';
  let next = 0;
  const take = (position: number | undefined): number => {
    const i = position === undefined ? next : position - 1;
    if (i >= args.count) throw new SqlError(SQLSTATE.invalidParameterValue, 'too few arguments for format()');
    next = i + 1;
    return i;
  };
  while (c.at < format.length) {
    const ch = format[c.at++] as string;
    if (ch !== '%') {
      out += ch;
      continue;
    }
    if (c.peek() === '%') {
      c.at++;
      out += '%';
      continue;
    }
    const position = c.argPosition();
    let leftAlign = false;
    if (c.peek() === '-') {
      leftAlign = true;
      c.at++;
    }
    let width = 0;
    if (c.peek() === '*') {
      c.at++;
      const widthArg = take(c.argPosition());
      const w = args.int(widthArg) ?? 0;
      if (w < 0) leftAlign = true;
      width = Math.abs(w);
    } else width = c.number() ?? 0;
    const type = c.peek();
    c.at++;
    if (type !== 's' && type !== 'I' && type !== 'L') {
      throw new SqlError(SQLSTATE.invalidParameterValue, `unrecognized format() type specifier "${type}"`, { hint: PERCENT_HINT });
    }
    out += pad(converted(type, args.text(take(position))), width, leftAlign);
  }
  return out;
}

function converted(type: 's' | 'I' | 'L', value: string | null): string {
  if (type === 's') return value ?? '';
  if (type === 'L') return value === null ? 'NULL' : quoteLiteral(value);
  if (value === null) throw new SqlError('22004', 'null values cannot be formatted as an SQL identifier');
  return quoteIdentifier(value);
}

function pad(s: string, width: number, leftAlign: boolean): string {
  const length = Array.from(s).length;
  if (length >= width) return s;
  const fill = ' '.repeat(width - length);
  return leftAlign ? s + fill : fill + s;
}
