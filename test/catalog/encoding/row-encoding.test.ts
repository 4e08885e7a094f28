/**
 * Row encoding round trips: every column type, NULLs, decodeColumn without the rest, rows
 * written before ADD COLUMN, and malformed bytes rejected with XX001.
 */
import { describe, expect, it } from 'vitest';
import { RowCodec } from '../../../src/catalog/encoding/index.js';
import { DEFAULT_TYPE_CONTEXT, typeByName, type SqlType, type Value } from '../../../src/catalog/types/index.js';

const SAMPLES: Array<[string, string]> = [
  ['bool', 't'], ['int2', '-32768'], ['int4', '2147483647'], ['int8', '-9223372036854775808'], ['oid', '4294967295'],
  ['float4', '1.1'], ['float8', '-1e-300'], ['float8', 'NaN'], ['numeric', '-123.4500'], ['numeric', 'Infinity'],
  ['numeric', 'NaN'], ['text', 'héllo \u0000'.replace('\u0000', 'x') + '😀'], ['varchar', ''], ['bpchar', 'ab  '],
  ['name', 'pg_class'], ['bytea', '\\x00ff10'], ['uuid', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'], ['date', '2020-02-29'],
  ['date', 'infinity'], ['time', '23:59:59.999999'], ['timestamp', '4713-11-24 00:00:00 BC'], ['timestamptz', '2020-01-01 10:00+02'],
  ['interval', '1 year -2 days 03:04:05.5'], ['json', '{"b": 1,  "a":2}'], ['jsonb', '{"b": 1.50, "a": [null, true]}'],
  ['_int4', '{1,NULL,3}'], ['_text', '{"a,b",NULL,""}'], ['_numeric', '{1.50,NaN}'], ['_date', '{2020-01-01}'],
];

const ctx = DEFAULT_TYPE_CONTEXT;

describe('RowCodec', () => {
  const types = SAMPLES.map(([name]) => typeByName(name) as SqlType);
  const values: Value[] = SAMPLES.map(([name, text], i) => (types[i] as SqlType).fromText(text, -1, ctx));
  const show = (vs: Value[]): string[] => vs.map((v, i) => (v === null ? 'NULL' : (types[i] as SqlType).toText(v, ctx)));

  it('round-trips every type and prints the same', () => {
    const codec = new RowCodec(types);
    const bytes = codec.encode(values);
    expect(show(codec.decode(bytes))).toEqual(show(values));
  });

  it('round-trips NULLs in any position and decodes single columns', () => {
    const codec = new RowCodec(types);
    for (let mask = 0; mask < 64; mask++) {
      const row = values.map((v, i) => ((mask >> i % 6) & 1 ? null : v));
      const bytes = codec.encode(row);
      expect(show(codec.decode(bytes))).toEqual(show(row));
      for (let i = 0; i < row.length; i += 3) {
        const one = codec.decodeColumn(bytes, i);
        expect(one === null ? 'NULL' : (types[i] as SqlType).toText(one, ctx)).toBe(show(row)[i]);
      }
    }
  });

  it('reads rows written before columns were added as NULL-padded', () => {
    const old = new RowCodec(types.slice(0, 3));
    const bytes = old.encode(values.slice(0, 3));
    const now = new RowCodec(types);
    const decoded = now.decode(bytes);
    expect(decoded.slice(3).every((v) => v === null)).toBe(true);
    expect(show(decoded).slice(0, 3)).toEqual(show(values).slice(0, 3));
    expect(now.decodeColumn(bytes, 10)).toBeNull();
  });

  it('rejects truncated or malformed rows with XX001', () => {
    const codec = new RowCodec(types);
    const bytes = codec.encode(values);
    for (const cut of [0, 1, 5, bytes.length - 1]) {
      expect(() => codec.decode(bytes.subarray(0, cut))).toThrow(expect.objectContaining({ code: 'XX001' }));
    }
    expect(() => codec.decode(Uint8Array.of(7, 0))).toThrow(expect.objectContaining({ code: 'XX001' }));
  });
});
