/**
 * Row encoding round trips: every column type, NULLs, decodeColumn without the rest, rows
 * written before ADD COLUMN, and malformed bytes rejected with XX001. Version-2 rows leave the
 * key columns out (and version-1 rows still read); spliceView equals encoding the changed row.
 */
import { describe, expect, it } from 'vitest';
import { ByteWriter, RowCodec, encodeKey } from '../../../src/catalog/encoding/index.js';
import { KeyColumnTexts } from '../../../src/catalog/encoding/key-text.js';
import { rowTexts } from '../../sql/encoded-row.js';
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
  const values: Value[] = SAMPLES.map(([, text], i) => (types[i] as SqlType).fromText(text, -1, ctx));
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

  it('leaves key columns out of version-2 rows and still reads version-1 rows', () => {
    const keySlots = [12, 1];
    const keyed = new RowCodec(types, keySlots);
    const plain = new RowCodec(types);
    const bytes = keyed.encode(values);
    const full = plain.encode(values);
    expect(keyed.omitsKey(bytes)).toBe(true);
    expect(plain.omitsKey(full)).toBe(false);
    expect(bytes.length).toBeLessThan(full.length);
    const decoded = keyed.decode(bytes);
    expect(decoded[12]).toBeNull();
    expect(decoded[1]).toBeNull();
    expect(show(decoded)).toEqual(show(values.map((v, i) => (keySlots.includes(i) ? null : v))));
    expect(keyed.decodeColumn(bytes, 12)).toBeNull();
    expect((types[20] as SqlType).toText(keyed.decodeColumn(bytes, 20), ctx)).toBe(show(values)[20]);
    // Text output: key columns come from the row key (KeyColumnTexts), in key column order.
    const all = types.map((_t, i) => i);
    const texts = new KeyColumnTexts(keySlots.map((slot) => ({ type: types[slot] as SqlType })));
    texts.read(encodeKey(keySlots.map((slot) => ({ type: types[slot] as SqlType })), keySlots.map((slot) => values[slot] as Value)), 0, ctx);
    const w = new ByteWriter();
    keyed.writeTextFields(w, bytes, all, ctx, texts);
    expect(rowTexts(w.written().slice())).toEqual(show(values).map((v, i) => (v === 'NULL' && values[i] === null ? null : v)));
    expect(() => keyed.writeTextFields(new ByteWriter(), bytes, all, ctx)).toThrow(expect.objectContaining({ code: 'XX000' }));
    // A version-1 row (written before key columns were left out) reads in full.
    expect(show(keyed.decode(full))).toEqual(show(values));
  });

  it('splices changed columns into a stored row exactly as encoding the changed row', () => {
    const changedSlots = [0, 11, 12, 24, 28];
    for (const keySlots of [[], [2, 3]]) {
      const codec = new RowCodec(types, keySlots);
      const changed = new Int32Array(types.length).fill(-1);
      changedSlots.forEach((slot, k) => (changed[slot] = k));
      for (let mask = 0; mask < 16; mask++) {
        const before = values.map((v, i) => ((mask >> i % 4) & 1 ? null : v));
        const next = changedSlots.map((slot, k) => ((mask + k) % 3 === 0 ? null : values[(slot + 5) % values.length] ?? null));
        const next2 = changedSlots.map((slot, k) => (types[slot] === types[(slot + 5) % values.length] ? next[k] ?? null : before[slot] ?? null));
        const after = [...before];
        changedSlots.forEach((slot, k) => (after[slot] = next2[k] ?? null));
        const stored = codec.encode(before);
        const spliced = codec.spliceView(stored, changed, next2);
        expect(spliced).toBeDefined();
        expect(Buffer.from(spliced as Uint8Array).equals(Buffer.from(codec.encode(after)))).toBe(true);
      }
    }
  });

  it('splices nothing it cannot lay out as it writes (older version, key column, other width)', () => {
    const keyed = new RowCodec(types, [3]);
    const changed = new Int32Array(types.length).fill(-1);
    changed[5] = 0;
    expect(keyed.spliceView(new RowCodec(types).encode(values), changed, [null])).toBeUndefined();
    const onKey = new Int32Array(types.length).fill(-1);
    onKey[3] = 0;
    expect(keyed.spliceView(keyed.encode(values), onKey, [7])).toBeUndefined();
    expect(keyed.spliceView(new RowCodec(types.slice(0, 5), [3]).encode(values.slice(0, 5)), changed, [null])).toBeUndefined();
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
