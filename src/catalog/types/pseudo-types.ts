/**
 * Pseudo types that appear in function signatures and in pg_type: void, record, cstring, any,
 * anyelement, anyarray, anynonarray and the anycompatible family. They hold no stored values;
 * their I/O only exists so that catalog rows and typed NULLs can be printed.
 */
import { SqlError, SQLSTATE, utf8, fromUtf8 } from '../../util/index.js';
import { OID } from './oids.js';
import { TypeCategory, type SqlType } from './sql-type.js';

function pseudo(oid: number, name: string): SqlType {
  return {
    oid,
    name,
    sqlName: name,
    typlen: oid === OID.cstring ? -2 : oid === OID.record || oid === OID.anyarray || oid === OID.anycompatiblearray ? -1 : 4,
    category: TypeCategory.pseudo,
    preferred: false,
    indexable: false,
    compare: () => 0,
    equals: () => true,
    hashKey: () => 0,
    toText: (v) => (oid === OID.cstring ? String(v) : ''),
    fromText(text): string {
      if (oid === OID.cstring || oid === OID.void) return text;
      throw new SqlError(SQLSTATE.featureNotSupported, `cannot accept a value of type ${name}`);
    },
    toBinary: (v) => utf8(String(v)),
    fromBinary: (b) => fromUtf8(b),
  };
}

export const VOID: SqlType = pseudo(OID.void, 'void');
export const RECORD: SqlType = pseudo(OID.record, 'record');
export const ANY_ELEMENT: SqlType = pseudo(OID.anyelement, 'anyelement');
export const ANY_ARRAY: SqlType = pseudo(OID.anyarray, 'anyarray');
export const ANY_NON_ARRAY: SqlType = pseudo(OID.anynonarray, 'anynonarray');

export const PSEUDO_TYPES: readonly SqlType[] = [
  VOID,
  RECORD,
  pseudo(OID.cstring, 'cstring'),
  pseudo(OID.any, 'any'),
  ANY_ELEMENT,
  ANY_ARRAY,
  ANY_NON_ARRAY,
  pseudo(OID.anycompatible, 'anycompatible'),
  pseudo(OID.anycompatiblearray, 'anycompatiblearray'),
  pseudo(OID.anycompatiblenonarray, 'anycompatiblenonarray'),
];
