/**
 * uuid: values are lowercase canonical strings ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), so string
 * order equals PostgreSQL's bytewise order. Input accepts upper case, braces and a hyphen after
 * any group of four hex digits, as PostgreSQL's string_to_uuid.
 */
import { OID, ARRAY_OID } from './oids.js';
import { TypeCategory, type SqlType, type Value } from './sql-type.js';
import { invalidInput, invalidBinary } from './type-errors.js';

const UUID_PATTERN = /^(\{)?((?:[0-9a-fA-F]{4}-?){7}[0-9a-fA-F]{4})(\})?$/;

export function parseUuid(text: string): string {
  const match = UUID_PATTERN.exec(text);
  if (match === null || (match[1] === undefined) !== (match[3] === undefined) || (match[2] as string).endsWith('-')) {
    throw invalidInput('uuid', text);
  }
  const hex = (match[2] as string).replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const UUID: SqlType = {
  oid: OID.uuid,
  name: 'uuid',
  sqlName: 'uuid',
  typlen: 16,
  category: TypeCategory.user,
  preferred: false,
  arrayOid: ARRAY_OID[OID.uuid],
  indexable: true,
  compare: (a, b) => ((a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0),
  equals: (a, b) => a === b,
  hashKey: (a) => a as string,
  toText: (v) => v as string,
  fromText: (text): Value => parseUuid(text),
  toBinary: (v) => Buffer.from((v as string).replace(/-/g, ''), 'hex'),
  fromBinary(b): Value {
    if (b.length !== 16) throw invalidBinary('invalid uuid length');
    return parseUuid(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex'));
  },
};
