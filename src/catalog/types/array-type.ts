/**
 * Array types (_int4, _text, …) over a scalar element type. Values are JS arrays of element values
 * (null for NULL elements); a multi-dimensional array nests arrays. Lower bounds are always 1
 * (stratadb does not keep '[0:2]={…}' bounds; it accepts and drops them on input).
 * - Order is PostgreSQL's array_cmp: element by element (NULL greater than any value), then the
 *   shorter array first.
 * - Text I/O: '{1,2,NULL}', elements double-quoted when empty, 'NULL', or holding whitespace or
 *   one of {}",\ ; input errors are 22P02 'malformed array literal: "…"'.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { TypeCategory, type SqlType, type TypeContext, type Value } from './sql-type.js';
import { invalidBinary } from './type-errors.js';

/** Nesting depth limit (PostgreSQL's MAXDIM). */
export const ARRAY_DIMS_MAX = 6;

export function isArrayValue(v: Value): v is Value[] {
  return Array.isArray(v);
}

function compareArrays(element: SqlType, a: Value[], b: Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as Value;
    const y = b[i] as Value;
    if (x === null || y === null) {
      if (x === y) continue;
      return x === null ? 1 : -1;
    }
    const c = Array.isArray(x) && Array.isArray(y) ? compareArrays(element, x, y) : element.compare(x, y);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function hashArray(element: SqlType, a: Value[]): string {
  let out = '{';
  for (const x of a) {
    out += x === null ? 'N' : Array.isArray(x) ? hashArray(element, x) : String(element.hashKey(x)).replace(/[\\,{}]/g, '\\$&');
    out += ',';
  }
  return out + '}';
}

const NEEDS_QUOTES = /^$|[{}",\\\s]|^null$/i;

function quoteElement(text: string): string {
  if (!NEEDS_QUOTES.test(text)) return text;
  return '"' + text.replace(/["\\]/g, '\\$&') + '"';
}

function arrayToText(element: SqlType, a: Value[], ctx: TypeContext): string {
  const parts: string[] = [];
  for (const x of a) {
    if (x === null) parts.push('NULL');
    else if (Array.isArray(x)) parts.push(arrayToText(element, x, ctx));
    else parts.push(quoteElement(element.toText(x, ctx)));
  }
  return '{' + parts.join(',') + '}';
}

function malformed(text: string, detail?: string): SqlError {
  return new SqlError(SQLSTATE.invalidTextRepresentation, `malformed array literal: "${text}"`, detail === undefined ? {} : { detail });
}

/** Parses array text into nested string-or-null elements. */
export function parseArrayText(text: string): Array<unknown> {
  let pos = 0;
  const src = text.trim().replace(/^\[[-\d:[\]]*\]=/, '');
  const skipSpace = (): void => {
    while (pos < src.length && /\s/.test(src[pos] as string)) pos++;
  };
  const parseLevel = (depth: number): unknown[] => {
    if (depth > ARRAY_DIMS_MAX) throw malformed(text, 'Too many dimensions.');
    if (src[pos] !== '{') throw malformed(text, 'Array value must start with "{" or dimension information.');
    pos++;
    const out: unknown[] = [];
    skipSpace();
    if (src[pos] === '}') {
      pos++;
      return out;
    }
    for (;;) {
      skipSpace();
      out.push(src[pos] === '{' ? parseLevel(depth + 1) : parseElement());
      skipSpace();
      const c = src[pos++];
      if (c === '}') return out;
      if (c !== ',') throw malformed(text, 'Unexpected end of input.');
    }
  };
  const parseElement = (): string | null => {
    if (src[pos] === '"') {
      let out = '';
      pos++;
      while (pos < src.length && src[pos] !== '"') {
        if (src[pos] === '\\') pos++;
        out += src[pos++] ?? '';
      }
      if (pos >= src.length) throw malformed(text, 'Unexpected end of input.');
      pos++;
      return out;
    }
    let out = '';
    while (pos < src.length && src[pos] !== ',' && src[pos] !== '}') {
      if (src[pos] === '{' || src[pos] === '"') throw malformed(text, 'Unexpected array element.');
      if (src[pos] === '\\') pos++;
      out += src[pos++] ?? '';
    }
    out = out.trim();
    if (out === '') throw malformed(text, 'Unexpected "," character.');
    return out.toLowerCase() === 'null' ? null : out;
  };
  const result = parseLevel(1);
  skipSpace();
  if (pos !== src.length) throw malformed(text, 'Junk after closing right brace.');
  return result;
}

function convertElements(element: SqlType, raw: unknown[], typmod: number, ctx: TypeContext): Value[] {
  return raw.map((x) =>
    x === null ? null : Array.isArray(x) ? convertElements(element, x, typmod, ctx) : element.fromText(x as string, typmod, ctx),
  );
}

function dims(a: Value[]): number[] {
  const out: number[] = [];
  let level: Value = a;
  while (Array.isArray(level)) {
    out.push(level.length);
    if (level.length === 0) break;
    level = level[0] as Value;
  }
  return out;
}

function flatten(a: Value[], out: Value[]): Value[] {
  for (const x of a) {
    if (Array.isArray(x)) flatten(x, out);
    else out.push(x);
  }
  return out;
}

function arraySend(element: SqlType, a: Value[], ctx: TypeContext): Uint8Array {
  const shape = a.length === 0 ? [] : dims(a);
  const items = flatten(a, []);
  const chunks: Uint8Array[] = [];
  const header = Buffer.alloc(12 + 8 * shape.length);
  header.writeInt32BE(shape.length, 0);
  header.writeInt32BE(items.includes(null) ? 1 : 0, 4);
  header.writeUInt32BE(element.oid, 8);
  shape.forEach((n, i) => {
    header.writeInt32BE(n, 12 + 8 * i);
    header.writeInt32BE(1, 16 + 8 * i);
  });
  chunks.push(header);
  for (const x of items) {
    const len = Buffer.alloc(4);
    if (x === null) len.writeInt32BE(-1, 0);
    else {
      const body = element.toBinary(x, ctx);
      len.writeInt32BE(body.length, 0);
      chunks.push(len, body);
      continue;
    }
    chunks.push(len);
  }
  return Buffer.concat(chunks);
}

function arrayRecv(element: SqlType, b: Uint8Array, typmod: number, ctx: TypeContext): Value[] {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (buf.length < 12) throw invalidBinary('insufficient data left in message');
  const ndim = buf.readInt32BE(0);
  if (ndim < 0 || ndim > ARRAY_DIMS_MAX || buf.length < 12 + 8 * ndim) throw invalidBinary('invalid number of dimensions');
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(buf.readInt32BE(12 + 8 * i));
  let pos = 12 + 8 * ndim;
  const readOne = (): Value => {
    if (pos + 4 > buf.length) throw invalidBinary('insufficient data left in message');
    const len = buf.readInt32BE(pos);
    pos += 4;
    if (len === -1) return null;
    if (len < 0 || pos + len > buf.length) throw invalidBinary('insufficient data left in message');
    const v = element.fromBinary(buf.subarray(pos, pos + len), typmod, ctx);
    pos += len;
    return v;
  };
  const build = (level: number): Value[] => {
    const out: Value[] = [];
    for (let i = 0; i < (shape[level] as number); i++) out.push(level + 1 < ndim ? build(level + 1) : readOne());
    return out;
  };
  return ndim === 0 ? [] : build(0);
}

/** Builds the array SqlType of `element` (registry caches one per element). */
export function makeArrayType(element: SqlType, oid: number): SqlType {
  const compare = (a: Value, b: Value): number => compareArrays(element, a as Value[], b as Value[]);
  return {
    oid,
    name: '_' + element.name,
    sqlName: element.sqlName + '[]',
    typlen: -1,
    category: TypeCategory.array,
    preferred: false,
    element,
    indexable: false,
    compare,
    equals: (a, b) => compare(a, b) === 0,
    hashKey: (a) => hashArray(element, a as Value[]),
    toText: (v, ctx) => arrayToText(element, v as Value[], ctx),
    fromText: (text, typmod, ctx) => convertElements(element, parseArrayText(text), typmod, ctx),
    toBinary: (v, ctx) => arraySend(element, v as Value[], ctx),
    fromBinary: (b, typmod, ctx) => arrayRecv(element, b, typmod, ctx),
    applyTypmod(v: Value, typmod: number, explicit: boolean): Value {
      const fit = element.applyTypmod;
      if (fit === undefined || typmod < 0) return v;
      const walk = (a: Value[]): Value[] => a.map((x) => (x === null ? null : Array.isArray(x) ? walk(x) : fit(x, typmod, explicit)));
      return walk(v as Value[]);
    },
  };
}
