/**
 * json (values: the input text, validated and kept verbatim, as PostgreSQL) and jsonb (values:
 * Jsonb trees, printed normalized). json has no btree order; jsonb has jsonb's (jsonb.ts).
 * Binary format of jsonb is a version byte 1 followed by the text.
 */
import { SqlError, SQLSTATE, utf8, fromUtf8 } from '../../util/index.js';
import { Jsonb, compareJsonNodes, jsonHashKey, jsonNodeToText, parseJson } from './jsonb.js';
import { OID, ARRAY_OID } from './oids.js';
import { TypeCategory, type SqlType, type Value } from './sql-type.js';

export const JSON_TYPE: SqlType = {
  oid: OID.json,
  name: 'json',
  sqlName: 'json',
  typlen: -1,
  category: TypeCategory.user,
  preferred: false,
  arrayOid: ARRAY_OID[OID.json],
  indexable: false,
  compare(): number {
    throw new SqlError(SQLSTATE.undefinedFunction, 'could not identify an ordering operator for type json');
  },
  equals(): boolean {
    throw new SqlError(SQLSTATE.undefinedFunction, 'could not identify an equality operator for type json');
  },
  hashKey: (a) => a as string,
  toText: (v) => v as string,
  fromText(text): Value {
    parseJson(text);
    return text;
  },
  toBinary: (v) => utf8(v as string),
  fromBinary(b): Value {
    const text = fromUtf8(b);
    parseJson(text);
    return text;
  },
};

export const JSONB: SqlType = {
  oid: OID.jsonb,
  name: 'jsonb',
  sqlName: 'jsonb',
  typlen: -1,
  category: TypeCategory.user,
  preferred: false,
  arrayOid: ARRAY_OID[OID.jsonb],
  indexable: true,
  compare: (a, b) => compareJsonNodes((a as Jsonb).root, (b as Jsonb).root),
  equals: (a, b) => compareJsonNodes((a as Jsonb).root, (b as Jsonb).root) === 0,
  hashKey: (a) => jsonHashKey((a as Jsonb).root),
  toText: (v) => jsonNodeToText((v as Jsonb).root),
  fromText: (text): Value => new Jsonb(parseJson(text)),
  toBinary: (v) => Buffer.concat([Uint8Array.of(1), utf8(jsonNodeToText((v as Jsonb).root))]),
  fromBinary(b): Value {
    if (b[0] !== 1) throw new SqlError('22P03', `unsupported jsonb version number ${b[0] ?? 'none'}`);
    return new Jsonb(parseJson(fromUtf8(b.subarray(1))));
  },
};
