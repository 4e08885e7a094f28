/**
 * bytea: Uint8Array values, ordered bytewise. Output is PostgreSQL's default hex format
 * ('\x0aff'); input accepts hex ('\x…', whitespace between byte pairs allowed) and the escape
 * format (backslash-octal '\123', '\\' for a backslash, other characters as their UTF-8 bytes).
 */
import { SqlError, SQLSTATE, compareBytes, equalBytes, utf8 } from '../../util/index.js';
import { OID, ARRAY_OID } from './oids.js';
import { TypeCategory, type SqlType, type Value } from './sql-type.js';

function invalidHex(message: string): SqlError {
  return new SqlError(SQLSTATE.invalidParameterValue, message);
}

function parseHex(text: string): Uint8Array {
  const out: number[] = [];
  let i = 2;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const hi = parseInt(c, 16);
    if (Number.isNaN(hi)) throw invalidHex(`invalid hexadecimal digit: "${c}"`);
    const d = text[i + 1];
    if (d === undefined) throw invalidHex('invalid hexadecimal data: odd number of digits');
    const lo = parseInt(d, 16);
    if (Number.isNaN(lo)) throw invalidHex(`invalid hexadecimal digit: "${d}"`);
    out.push(hi * 16 + lo);
    i += 2;
  }
  return Uint8Array.from(out);
}

function parseEscape(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c !== '\\') {
      for (const b of utf8(c)) out.push(b);
      continue;
    }
    if (text[i + 1] === '\\') {
      out.push(92);
      i++;
    } else if (/^[0-3][0-7][0-7]$/.test(text.slice(i + 1, i + 4))) {
      out.push(parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      throw new SqlError(SQLSTATE.invalidTextRepresentation, 'invalid input syntax for type bytea');
    }
  }
  return Uint8Array.from(out);
}

export function parseBytea(text: string): Uint8Array {
  return text.startsWith('\\x') ? parseHex(text) : parseEscape(text);
}

export function formatBytea(v: Uint8Array): string {
  return '\\x' + Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
}

export const BYTEA: SqlType = {
  oid: OID.bytea,
  name: 'bytea',
  sqlName: 'bytea',
  typlen: -1,
  category: TypeCategory.user,
  preferred: false,
  arrayOid: ARRAY_OID[OID.bytea],
  indexable: true,
  compare: (a, b) => compareBytes(a as Uint8Array, b as Uint8Array),
  equals: (a, b) => equalBytes(a as Uint8Array, b as Uint8Array),
  hashKey: (a) => Buffer.from((a as Uint8Array).buffer, (a as Uint8Array).byteOffset, (a as Uint8Array).byteLength).toString('latin1'),
  toText: (v) => formatBytea(v as Uint8Array),
  fromText: (text): Value => parseBytea(text),
  toBinary: (v) => v as Uint8Array,
  fromBinary: (b) => Uint8Array.from(b),
};
