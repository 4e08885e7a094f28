/**
 * bool: JS booleans; false < true. Input as PostgreSQL's parse_bool: t/true/y/yes/on/1 and
 * f/false/n/no/off/0, case-insensitive, any unique prefix of the words, surrounding whitespace.
 */
import { OID, ARRAY_OID } from './oids.js';
import { TypeCategory, type SqlType, type Value } from './sql-type.js';
import { invalidInput, invalidBinary } from './type-errors.js';

/** Parses boolean text, or returns undefined when it is not one. */
export function parseBool(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  if (word.length === 0) return undefined;
  if ('true'.startsWith(word) || 'yes'.startsWith(word) || word === '1' || word === 'on') return true;
  if ('false'.startsWith(word) || 'no'.startsWith(word) || word === '0' || word === 'off' || word === 'of') return false;
  return undefined;
}

export const BOOL: SqlType = {
  oid: OID.bool,
  name: 'bool',
  sqlName: 'boolean',
  typlen: 1,
  category: TypeCategory.boolean,
  preferred: true,
  arrayOid: ARRAY_OID[OID.bool],
  indexable: true,
  compare: (a, b) => (a === b ? 0 : a ? 1 : -1),
  equals: (a, b) => a === b,
  hashKey: (a) => (a ? 1 : 0),
  toText: (v) => (v ? 't' : 'f'),
  fromText(text): Value {
    const value = parseBool(text);
    if (value === undefined) throw invalidInput('boolean', text);
    return value;
  },
  toBinary: (v) => Uint8Array.of(v ? 1 : 0),
  fromBinary(b): Value {
    if (b.length !== 1) throw invalidBinary('insufficient data left in message');
    return b[0] !== 0;
  },
};
