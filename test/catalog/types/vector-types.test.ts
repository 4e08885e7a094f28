/**
 * int2vector and oidvector: text and binary I/O, ordering and registry entries, against the
 * bytes and texts PostgreSQL 15 produces (int2vectorsend / oidvectorsend output taken with psql).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TYPE_CONTEXT, INT2VECTOR, OIDVECTOR, OID, arrayOf, formatType, typeByName, typeByOid } from '../../../src/catalog/types/index.js';

const ctx = DEFAULT_TYPE_CONTEXT;

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

describe('int2vector / oidvector', () => {
  it('prints space-separated elements and reads any whitespace', () => {
    expect(INT2VECTOR.fromText('  1 2\t 3 ', -1, ctx)).toEqual([1, 2, 3]);
    expect(INT2VECTOR.toText([1, 2, 3], ctx)).toBe('1 2 3');
    expect(OIDVECTOR.fromText('', -1, ctx)).toEqual([]);
    expect(OIDVECTOR.toText([], ctx)).toBe('');
    expect(OIDVECTOR.toText([23, 4294967295], ctx)).toBe('23 4294967295');
  });

  it("raises the element type's input errors", () => {
    expect(() => INT2VECTOR.fromText('1 a', -1, ctx)).toThrow('invalid input syntax for type smallint: "a"');
    expect(() => INT2VECTOR.fromText('70000', -1, ctx)).toThrow('value "70000" is out of range for type smallint');
  });

  it('sends what PostgreSQL sends (one dimension, lower bound 0) and reads it back', () => {
    const cases: ReadonlyArray<readonly [typeof INT2VECTOR, number[], string]> = [
      [INT2VECTOR, [1, 2], '0000000100000000000000150000000200000000000000020001000000020002'],
      [OIDVECTOR, [23, 4294967295], '00000001000000000000001a0000000200000000000000040000001700000004ffffffff'],
      [INT2VECTOR, [], '0000000100000000000000150000000000000000'],
    ];
    for (const [type, value, bytes] of cases) {
      expect(hex(type.toBinary(value, ctx))).toBe(bytes);
      expect(type.fromBinary(Buffer.from(bytes, 'hex'), -1, ctx)).toEqual(value);
    }
  });

  it('orders element by element, as btree array_ops', () => {
    expect(INT2VECTOR.compare([1, 2], [1, 3])).toBeLessThan(0);
    expect(INT2VECTOR.compare([1, 2], [1])).toBeGreaterThan(0);
    expect(INT2VECTOR.equals([1, 2], [1, 2])).toBe(true);
  });

  it('are registered with their array types and subscript from 0', () => {
    expect(typeByOid(OID.int2vector)).toBe(INT2VECTOR);
    expect(typeByName('oidvector')).toBe(OIDVECTOR);
    expect(INT2VECTOR.lowerBound).toBe(0);
    expect(INT2VECTOR.element?.oid).toBe(OID.int2);
    expect(arrayOf(INT2VECTOR)?.oid).toBe(1006);
    expect(typeByName('oidvector[]')?.oid).toBe(1013);
    expect([formatType(22, -1), formatType(30, -1), formatType(1006, -1), formatType(1013, -1)]).toEqual([
      'int2vector', 'oidvector', 'int2vector[]', 'oidvector[]',
    ]);
  });
});
