/**
 * RowCodec.textColumns: the text output of chosen columns straight from an encoded row equals
 * toText() of the decoded values (text types as their UTF-8 bytes, views of the row), for every
 * column type, NULLs in any position, any column order, and rows written before ADD COLUMN.
 */
import { describe, expect, it } from 'vitest';
import { RowCodec } from '../../../src/catalog/encoding/index.js';
import { DEFAULT_TYPE_CONTEXT, typeByName, type SqlType, type Value } from '../../../src/catalog/types/index.js';

const SAMPLES: Array<[string, string]> = [
  ['bool', 'f'], ['int4', '-7'], ['int8', '9223372036854775807'], ['float8', '-1e-300'], ['numeric', '-123.4500'],
  ['text', 'héllo 😀'], ['varchar', ''], ['bpchar', 'ab  '], ['name', 'pg_class'], ['char', 'é'], ['bytea', '\\x00ff10'],
  ['uuid', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'], ['date', 'infinity'], ['timestamptz', '2020-01-01 10:00+02'],
  ['interval', '1 year -2 days 03:04:05.5'], ['json', '{"b": 1,  "a":2}'], ['jsonb', '{"b": 1.50}'], ['_text', '{"a,b",NULL}'],
];

const ctx = DEFAULT_TYPE_CONTEXT;
const types = SAMPLES.map(([name]) => typeByName(name) as SqlType);
const values: Value[] = SAMPLES.map(([name, text], i) => (types[i] as SqlType).fromText(text, -1, ctx));

/** What the portal prints for each slot: toText of the decoded value, or null. */
function expected(codec: RowCodec, bytes: Uint8Array, slots: readonly number[]): Array<string | null> {
  const decoded = codec.decode(bytes);
  return slots.map((s) => {
    const v = decoded[s] ?? null;
    return v === null ? null : (types[s] as SqlType).toText(v, ctx);
  });
}

function asText(out: Array<string | Uint8Array | null>): Array<string | null> {
  return out.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v));
}

describe('RowCodec.textColumns', () => {
  const codec = new RowCodec(types);
  const all = types.map((_t, i) => i);

  it('prints every type as toText does, text types as views of the stored bytes', () => {
    const bytes = codec.encode(values);
    const out = codec.textColumns(bytes, all, ctx);
    expect(asText(out)).toEqual(expected(codec, bytes, all));
    const text = out[5] as Uint8Array;
    expect(text).toBeInstanceOf(Uint8Array);
    expect(text.buffer).toBe(bytes.buffer);
    expect(typeof out[1]).toBe('string');
  });

  it('handles NULLs in any position and any column order or subset', () => {
    const reversed = [...all].reverse();
    const some = [5, 0, 5, 17, 2];
    for (let mask = 0; mask < 64; mask++) {
      const row = values.map((v, i) => ((mask >> i % 6) & 1 ? null : v));
      const bytes = codec.encode(row);
      for (const slots of [all, reversed, some]) expect(asText(codec.textColumns(bytes, slots, ctx))).toEqual(expected(codec, bytes, slots));
    }
  });

  it('prints columns added after the row was written as NULL', () => {
    const bytes = new RowCodec(types.slice(0, 6)).encode(values.slice(0, 6));
    const out = codec.textColumns(bytes, [0, 5, 6, 17], ctx);
    expect(asText(out)).toEqual([SAMPLES[0]?.[1], SAMPLES[5]?.[1], null, null]);
  });

  it('rejects truncated rows with XX001', () => {
    const bytes = codec.encode(values);
    for (const cut of [0, 3, bytes.length - 1]) {
      expect(() => codec.textColumns(bytes.subarray(0, cut), all, ctx)).toThrow(expect.objectContaining({ code: 'XX001' }));
    }
  });
});
