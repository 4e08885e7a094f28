/**
 * pg_type columns of every registered type equal PostgreSQL 15's (testdata/pg-type.txt, taken
 * from a real PostgreSQL 15 with psql).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allTypes, pgTypeRow, typeByName, formatType, parseTypeName, OID } from '../../../src/catalog/types/index.js';

const expected = new Map(
  readFileSync(join(import.meta.dirname, 'testdata', 'pg-type.txt'), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => [l.split('|')[0] as string, l] as const),
);

describe('pg_type rows', () => {
  it('cover every registered type', () => {
    expect(allTypes().map((t) => t.name).sort()).toEqual([...expected.keys()].sort());
  });
  it.each(allTypes().map((t) => [t.name, t] as const))('%s', (name, t) => {
    const r = pgTypeRow(t);
    const row = [r.typname, r.typinput, r.typoutput, r.typreceive, r.typsend, r.typalign, r.typstorage, r.typbyval ? 't' : 'f', r.typelem].join('|');
    expect(row).toBe(expected.get(name));
  });
});

describe('type names', () => {
  it('resolves aliases and typmods as the parser hands them over', () => {
    expect(typeByName('integer')?.oid).toBe(OID.int4);
    expect(typeByName('double precision')?.oid).toBe(OID.float8);
    expect(typeByName('character varying')?.oid).toBe(OID.varchar);
    expect(typeByName('timestamp with time zone')?.oid).toBe(OID.timestamptz);
    expect(typeByName('int4[]')?.oid).toBe(1007);
    expect(parseTypeName(['pg_catalog', 'varchar'], [10])).toMatchObject({ typmod: 14 });
    expect(parseTypeName(['pg_catalog', 'numeric'], [10, 2])).toMatchObject({ typmod: (10 << 16) + 2 + 4 });
    expect(parseTypeName(['int4'], [], 1).type.oid).toBe(1007);
    expect(() => parseTypeName(['nosuchtype'], [])).toThrow(expect.objectContaining({ code: '42704', message: 'type "nosuchtype" does not exist' }));
    expect(() => parseTypeName(['pg_catalog', 'varchar'], [0])).toThrow(expect.objectContaining({ code: '22023' }));
  });
  it('formats types as format_type()', () => {
    expect(formatType(OID.varchar, 14)).toBe('character varying(10)');
    expect(formatType(OID.numeric, (10 << 16) + 2 + 4)).toBe('numeric(10,2)');
    expect(formatType(OID.timestamptz, 3)).toBe('timestamp(3) with time zone');
    expect(formatType(OID.timestamp, -1)).toBe('timestamp without time zone');
    expect(formatType(1015, 14)).toBe('character varying(10)[]');
    expect(formatType(OID.bpchar, 5)).toBe('character(1)');
    expect(formatType(OID.bpchar, -1)).toBe('character');
    expect(formatType(OID.bpchar, -1, true)).toBe('bpchar');
    expect(formatType(OID.char, -1)).toBe('"char"');
    expect(formatType(1000, -1)).toBe('boolean[]');
  });
});
