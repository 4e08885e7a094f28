/**
 * The string types: text, varchar(n), bpchar / char(n), name, "char" and the pseudo type unknown
 * (untyped string literals). Values are JS strings; order is the "C" collation (compareText).
 * - varchar/bpchar typmod is n + 4; lengths count characters, not bytes.
 * - bpchar values keep their padding, but compare, equal and hash without trailing spaces.
 * - Too long for the typmod: 22001 "value too long for type character varying(n)" unless the
 *   excess is only spaces or the cast is explicit (then truncated), as PostgreSQL.
 */
import { SqlError, SQLSTATE, utf8 } from '../../util/index.js';
import { OID, ARRAY_OID } from './oids.js';
import { TypeCategory, type SqlType, type Value } from './sql-type.js';
import { compareText, charLength, leftChars, trimTrailingSpaces } from './text-compare.js';

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 from the wire or disk; invalid sequences are 22021 as in PostgreSQL. */
export function fromUtf8(bytes: Uint8Array): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    throw new SqlError('22021', 'invalid byte sequence for encoding "UTF8"');
  }
}

/** name is at most NAMEDATALEN - 1 bytes. */
export const NAME_BYTES_MAX = 63;

function textBase(oid: number, name: string, sqlName: string, preferred: boolean, category: string): SqlType {
  return {
    oid,
    name,
    sqlName,
    typlen: -1,
    category,
    preferred,
    arrayOid: ARRAY_OID[oid],
    indexable: true,
    compare: (a, b) => compareText(a as string, b as string),
    equals: (a, b) => a === b,
    hashKey: (a) => a as string,
    toText: (v) => v as string,
    fromText: (text) => text,
    toBinary: (v) => utf8(v as string),
    fromBinary: (b) => fromUtf8(b),
  };
}

function tooLong(sqlName: string, n: number): SqlError {
  return new SqlError(SQLSTATE.stringDataRightTruncation, `value too long for type ${sqlName}(${n})`);
}

/** Cuts `s` to `n` characters; the cut part must be spaces unless `explicit`. */
function fitLength(s: string, n: number, explicit: boolean, sqlName: string): string {
  if (s.length <= n) return s;
  if (charLength(s) <= n) return s;
  const kept = leftChars(s, n);
  if (!explicit && trimTrailingSpaces(s.slice(kept.length)) !== '') throw tooLong(sqlName, n);
  return kept;
}

export const TEXT: SqlType = textBase(OID.text, 'text', 'text', true, TypeCategory.string);

export const VARCHAR: SqlType = {
  ...textBase(OID.varchar, 'varchar', 'character varying', false, TypeCategory.string),
  fromText: (text, typmod) => (typmod >= 4 ? fitLength(text, typmod - 4, false, 'character varying') : text),
  applyTypmod: (v: Value, typmod: number, explicit: boolean) =>
    typmod >= 4 ? fitLength(v as string, typmod - 4, explicit, 'character varying') : v,
  typmodText: (typmod: number) => (typmod >= 4 ? `(${typmod - 4})` : ''),
};

function padBpchar(v: string, typmod: number, explicit: boolean): string {
  if (typmod < 4) return v;
  const n = typmod - 4;
  const fitted = fitLength(v, n, explicit, 'character');
  const len = charLength(fitted);
  return len < n ? fitted + ' '.repeat(n - len) : fitted;
}

export const BPCHAR: SqlType = {
  ...textBase(OID.bpchar, 'bpchar', 'character', false, TypeCategory.string),
  compare: (a, b) => compareText(trimTrailingSpaces(a as string), trimTrailingSpaces(b as string)),
  equals: (a, b) => trimTrailingSpaces(a as string) === trimTrailingSpaces(b as string),
  hashKey: (a) => trimTrailingSpaces(a as string),
  fromText: (text, typmod) => padBpchar(text, typmod, false),
  applyTypmod: (v: Value, typmod: number, explicit: boolean) => padBpchar(v as string, typmod, explicit),
  typmodText: (typmod: number) => (typmod >= 4 ? `(${typmod - 4})` : ''),
};

function truncateName(text: string): string {
  const bytes = utf8(text);
  if (bytes.length <= NAME_BYTES_MAX) return text;
  let cut = NAME_BYTES_MAX;
  while (cut > 0 && ((bytes[cut] as number) & 0xc0) === 0x80) cut--;
  return fromUtf8(bytes.subarray(0, cut));
}

export const NAME: SqlType = {
  ...textBase(OID.name, 'name', 'name', false, TypeCategory.string),
  typlen: 64,
  fromText: (text) => truncateName(text),
  fromBinary: (b) => truncateName(fromUtf8(b)),
};

/** "char": a single byte (first character here). */
export const CHAR: SqlType = {
  ...textBase(OID.char, 'char', '"char"', false, TypeCategory.string),
  typlen: 1,
  fromText: (text) => leftChars(text, 1),
};

/** Untyped string literals before resolution. */
export const UNKNOWN: SqlType = {
  ...textBase(OID.unknown, 'unknown', 'unknown', false, TypeCategory.unknown),
  typlen: -2,
  indexable: false,
};
