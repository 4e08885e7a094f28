/**
 * RowCodec.writeTextFields and KeyColumnTexts: the text output of chosen columns straight from an
 * encoded row (and its key), as text fields (a DataRow body), equals toText() of the decoded
 * values for every column type, NULLs in any position, any column order, rows written before ADD
 * COLUMN, and key columns of every kind (text spans, escaped zeros, descending, NULL, non-text).
 */
import { describe, expect, it } from 'vitest';
import { ByteWriter, RowCodec, encodeKey, type KeyColumn } from '../../../src/catalog/encoding/index.js';
import { KeyColumnTexts } from '../../../src/catalog/encoding/key-text.js';
import { DEFAULT_TYPE_CONTEXT, typeByName, type SqlType, type Value } from '../../../src/catalog/types/index.js';
import { rowTexts } from '../../sql/encoded-row.js';

const SAMPLES: Array<[string, string]> = [
  ['bool', 'f'], ['int4', '-7'], ['int8', '9223372036854775807'], ['float8', '-1e-300'], ['numeric', '-123.4500'],
  ['text', 'héllo 😀'], ['varchar', ''], ['bpchar', 'ab  '], ['name', 'pg_class'], ['char', 'é'], ['bytea', '\\x00ff10'],
  ['uuid', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'], ['date', 'infinity'], ['timestamptz', '2020-01-01 10:00+02'],
  ['interval', '1 year -2 days 03:04:05.5'], ['json', '{"b": 1,  "a":2}'], ['jsonb', '{"b": 1.50}'], ['_text', '{"a,b",NULL}'],
  ['text', 'x'.repeat(300)],
];

const ctx = DEFAULT_TYPE_CONTEXT;
const types = SAMPLES.map(([name]) => typeByName(name) as SqlType);
const values: Value[] = SAMPLES.map(([, text], i) => (types[i] as SqlType).fromText(text, -1, ctx));

/** What the portal prints for each slot: toText of the decoded value, or null. */
function expected(codec: RowCodec, bytes: Uint8Array, slots: readonly number[]): Array<string | null> {
  const decoded = codec.decode(bytes);
  return slots.map((s) => {
    const v = decoded[s] ?? null;
    return v === null ? null : (types[s] as SqlType).toText(v, ctx);
  });
}

/** writeTextFields into a small writer (it must grow), decoded back to strings. */
function printed(codec: RowCodec, bytes: Uint8Array, slots: readonly number[], keyTexts?: KeyColumnTexts): Array<string | null> {
  const w = new ByteWriter(8);
  w.int32(0x7eadbeef); // what was there before the fields stays as it was
  w.reset();
  codec.writeTextFields(w, bytes, slots, ctx, keyTexts);
  return rowTexts(w.written().slice());
}

describe('RowCodec.writeTextFields', () => {
  const codec = new RowCodec(types);
  const all = types.map((_t, i) => i);

  it('prints every type as toText does', () => {
    const bytes = codec.encode(values);
    expect(printed(codec, bytes, all)).toEqual(expected(codec, bytes, all));
  });

  it('lays the fields out as a DataRow body', () => {
    const w = new ByteWriter();
    codec.writeTextFields(w, codec.encode(values), [1, 6, 5], ctx);
    const utf8 = Buffer.from('héllo 😀').toString('hex');
    const hex = '0003' + '00000002' + Buffer.from('-7').toString('hex') + '00000000' + (Buffer.byteLength('héllo 😀') as number).toString(16).padStart(8, '0') + utf8;
    expect(Buffer.from(w.written()).toString('hex')).toBe(hex);
  });

  it('handles NULLs in any position and any column order or subset', () => {
    const reversed = [...all].reverse();
    const some = [5, 0, 5, 17, 2];
    for (let mask = 0; mask < 64; mask++) {
      const row = values.map((v, i) => ((mask >> i % 6) & 1 ? null : v));
      const bytes = codec.encode(row);
      for (const slots of [all, reversed, some]) expect(printed(codec, bytes, slots)).toEqual(expected(codec, bytes, slots));
    }
  });

  it('prints columns added after the row was written as NULL', () => {
    const bytes = new RowCodec(types.slice(0, 6)).encode(values.slice(0, 6));
    expect(printed(codec, bytes, [0, 5, 6, 17])).toEqual([SAMPLES[0]?.[1], SAMPLES[5]?.[1], null, null]);
  });

  it('rejects truncated rows with XX001', () => {
    const bytes = codec.encode(values);
    for (const cut of [0, 3, bytes.length - 1]) {
      expect(() => printed(codec, bytes.subarray(0, cut), all)).toThrow(expect.objectContaining({ code: 'XX001' }));
    }
  });
});

describe('KeyColumnTexts', () => {
  const text = typeByName('text') as SqlType;
  const int4 = typeByName('int4') as SqlType;
  const columns: KeyColumn[] = [{ type: text }, { type: int4 }, { type: text, descending: true }, { type: text }];
  const prefix = new Uint8Array([9, 1]);

  function fields(keyValues: Value[]): Array<string | null> {
    const texts = new KeyColumnTexts(columns);
    texts.read(encodeKey(columns, keyValues, prefix), prefix.length, ctx);
    const w = new ByteWriter();
    w.int16(columns.length);
    for (let k = 0; k < columns.length; k++) texts.writeField(w, k);
    return rowTexts(w.written().slice());
  }

  it('prints spans, escaped zeros, descending, NULL and non-text columns as toText does', () => {
    expect(fields(['héllo', -5, 'desc', 'a\u0000b'])).toEqual(['héllo', '-5', 'desc', 'a\u0000b']);
    expect(fields([null, null, null, ''])).toEqual([null, null, null, '']);
  });

  it('gives a version-2 row its key columns', () => {
    const keyed = new RowCodec([int4, text, text], [1]);
    const keyColumns: KeyColumn[] = [{ type: text }];
    const row: Value[] = [7, 'the key', 'v'];
    const key = encodeKey(keyColumns, ['the key'], prefix);
    const texts = new KeyColumnTexts(keyColumns);
    texts.read(key, prefix.length, ctx);
    expect(printed(keyed, keyed.encode(row), [2, 1, 0], texts)).toEqual(['v', 'the key', '7']);
    expect(() => printed(keyed, keyed.encode(row), [1])).toThrow(expect.objectContaining({ code: 'XX000' }));
  });

  it('rejects a malformed key with XX001', () => {
    const texts = new KeyColumnTexts(columns);
    expect(() => texts.read(new Uint8Array([9, 1, 7]), 2, ctx)).toThrow(expect.objectContaining({ code: 'XX001' }));
    expect(() => texts.read(new Uint8Array([9, 1, 2, 0x61]), 2, ctx)).toThrow(expect.objectContaining({ code: 'XX001' }));
  });
});

describe('ByteWriter fields', () => {
  it('writes big-endian int16 / int32 and copies ranges of any length', () => {
    const w = new ByteWriter(4);
    w.int16(0x1234);
    w.int32(-1);
    const src = Uint8Array.from({ length: 600 }, (_v, i) => i & 0xff);
    w.range(src, 3, 9);
    w.range(src, 10, 590);
    const out = w.written();
    expect([...out.subarray(0, 6)]).toEqual([0x12, 0x34, 0xff, 0xff, 0xff, 0xff]);
    expect([...out.subarray(6, 12)]).toEqual([3, 4, 5, 6, 7, 8]);
    expect(out.subarray(12)).toEqual(src.subarray(10, 590));
    w.putInt32(0x01020304, 2);
    expect([...w.written().subarray(2, 6)]).toEqual([1, 2, 3, 4]);
  });

  it('moves bytes within itself, and leaves views of what it wrote intact when it moves on', () => {
    const w = new ByteWriter(4);
    w.bytes(Uint8Array.of(1, 2, 3, 4, 5));
    w.within(1, 3);
    expect([...w.written()]).toEqual([1, 2, 3, 4, 5, 2, 3, 4]);
    w.cut(0, 2);
    expect([...w.written()]).toEqual([3, 4, 5, 2, 3, 4]);
    const view = w.buf.subarray(0, w.pos);
    w.detach();
    w.bytes(Uint8Array.of(9, 9));
    expect([...view]).toEqual([3, 4, 5, 2, 3, 4]);
    w.range(new Uint8Array(300).fill(7), 0, 300);
    const grown = w.buf;
    w.reset(64);
    expect(w.buf).not.toBe(grown);
    expect(w.buf.length).toBe(4);
    w.reset(1024);
    w.bytes(Uint8Array.of(1));
    expect(w.pos).toBe(1);
  });
});
