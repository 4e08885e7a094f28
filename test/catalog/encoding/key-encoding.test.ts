/**
 * Property test: for every key-encodable type, the byte order of encoded keys equals
 * SqlType.compare order (ascending and descending, NULLs first/last, composite keys), and decoding
 * returns an equal value. Seeded: SEED=… replays; the seed is printed.
 */
import { describe, expect, it } from 'vitest';
import { compareBytes } from '../../../src/util/index.js';
import { decodeKey, encodeKey, skipKey, type KeyColumn } from '../../../src/catalog/encoding/index.js';
import { Interval, Jsonb, Numeric, TIMESTAMP_NOBEGIN, TIMESTAMP_NOEND, typeByName, type SqlType, type Value } from '../../../src/catalog/types/index.js';
import { JsonObject, type JsonNode } from '../../../src/catalog/types/jsonb.js';

const SEED = Number(process.env.SEED ?? Date.now() % 1_000_000);
console.log(`key-encoding property test SEED=${SEED}`);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Gen = (r: () => number) => Value;
const pick = <T,>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const int = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

function randText(r: () => number): string {
  const alphabet = ['a', 'b', 'z', 'A', ' ', '\u0000', 'é', '€', '\uffff', '😀', '\ue000', '0'];
  let s = '';
  const n = int(r, 0, 5);
  for (let i = 0; i < n; i++) s += pick(r, alphabet);
  return s;
}

function randNumeric(r: () => number): Numeric {
  const special = r();
  if (special < 0.05) return Numeric.NaN;
  if (special < 0.08) return Numeric.POSITIVE_INFINITY;
  if (special < 0.11) return Numeric.NEGATIVE_INFINITY;
  const digits = String(int(r, 0, 10 ** int(r, 0, 9)));
  const scale = int(r, 0, 6);
  const n = Numeric.of(BigInt(digits) * (r() < 0.5 ? -1n : 1n), scale);
  return r() < 0.2 ? n.withScale(scale + 2) : n;
}

function randJson(r: () => number, depth: number): JsonNode {
  const k = int(r, 0, depth > 1 ? 3 : 5);
  if (k === 0) return null;
  if (k === 1) return randText(r);
  if (k === 2) return randNumeric(r).isFinite() ? randNumeric(r) : Numeric.ZERO;
  if (k === 3) return r() < 0.5;
  if (k === 4) return Array.from({ length: int(r, 0, 3) }, () => randJson(r, depth + 1));
  return JsonObject.from(Array.from({ length: int(r, 0, 3) }, () => [pick(r, ['a', 'b', 'aa', 'é']), randJson(r, depth + 1)]));
}

const FLOATS = [0, -0, 1, -1, 0.5, -1e300, 1e-300, Infinity, -Infinity, NaN, 3.14, -2.5e-10];
const GENERATORS: Record<string, Gen> = {
  bool: (r) => r() < 0.5,
  int2: (r) => int(r, -32768, 32767),
  int4: (r) => (r() < 0.3 ? pick(r, [-2147483648, 2147483647, 0, -1, 1]) : int(r, -2147483648, 2147483647)),
  int8: (r) => BigInt(int(r, -1e15, 1e15)) * BigInt(int(r, 1, 9000)),
  oid: (r) => int(r, 0, 4294967295),
  float4: (r) => Math.fround(r() < 0.5 ? pick(r, FLOATS) : (r() - 0.5) * 10 ** int(r, -5, 30)),
  float8: (r) => (r() < 0.5 ? pick(r, FLOATS) : (r() - 0.5) * 10 ** int(r, -300, 300)),
  numeric: randNumeric,
  text: randText,
  varchar: randText,
  bpchar: (r) => randText(r) + ' '.repeat(int(r, 0, 2)),
  name: randText,
  bytea: (r) => Uint8Array.from({ length: int(r, 0, 4) }, () => pick(r, [0, 1, 255, 128, 0x61])),
  uuid: (r) => Array.from({ length: 32 }, () => pick(r, ['0', '1', 'f', 'a'])).join('').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
  date: (r) => (r() < 0.05 ? Infinity : r() < 0.05 ? -Infinity : int(r, -2451545, 2147483494 - 2451545 - 1)),
  time: (r) => int(r, 0, 86_400_000_000),
  timestamp: (r) => (r() < 0.05 ? TIMESTAMP_NOEND : r() < 0.05 ? TIMESTAMP_NOBEGIN : BigInt(int(r, -(2 ** 52), 2 ** 52)) * 1000n),
  timestamptz: (r) => BigInt(int(r, -(2 ** 52), 2 ** 52)),
  interval: (r) => new Interval(int(r, -100, 100), int(r, -100, 100), BigInt(int(r, -1e12, 1e12))),
  jsonb: (r) => new Jsonb(randJson(r, 0)),
  _int4: (r) => Array.from({ length: int(r, 0, 3) }, () => (r() < 0.2 ? null : int(r, -5, 5))),
  _text: (r) => Array.from({ length: int(r, 0, 3) }, () => (r() < 0.2 ? null : randText(r))),
};

function compareWithNulls(col: KeyColumn, a: Value, b: Value): number {
  const desc = col.descending === true;
  const nullsFirst = col.nullsFirst ?? desc;
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === nullsFirst ? -1 : 1;
  }
  const c = col.type.compare(a, b);
  return desc ? -c : c;
}

function compareRows(cols: KeyColumn[], a: Value[], b: Value[]): number {
  for (let i = 0; i < cols.length; i++) {
    const c = compareWithNulls(cols[i] as KeyColumn, a[i] as Value, b[i] as Value);
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}

function checkOrder(cols: KeyColumn[], rows: Value[][]): void {
  const keys = rows.map((row) => encodeKey(cols, row));
  for (let i = 0; i < rows.length; i++) {
    const { values: decoded, offset } = decodeKey(cols, keys[i] as Uint8Array);
    expect(skipKey(cols, keys[i] as Uint8Array)).toBe(offset);
    expect(offset).toBe((keys[i] as Uint8Array).length);
    expect(compareRows(cols, decoded, rows[i] as Value[]), `decode ${String(rows[i])}`).toBe(0);
    for (let j = 0; j < rows.length; j++) {
      const byValue = compareRows(cols, rows[i] as Value[], rows[j] as Value[]);
      const byBytes = Math.sign(compareBytes(keys[i] as Uint8Array, keys[j] as Uint8Array));
      if (byValue !== byBytes) {
        const show = (v: Value[]): string => v.map((x, k) => (x === null ? 'NULL' : (cols[k] as KeyColumn).type.toText(x, { timeZone: 'UTC', dateStyle: 'ISO', intervalStyle: 'postgres', extraFloatDigits: 1 }))).join(',');
        expect.fail(`SEED=${SEED}: ${show(rows[i] as Value[])} vs ${show(rows[j] as Value[])}: values ${byValue}, bytes ${byBytes}`);
      }
    }
  }
}

describe('key encoding order equals SqlType.compare order', () => {
  for (const name of Object.keys(GENERATORS)) {
    it(name, () => {
      const r = rng(SEED + name.length * 7919 + name.charCodeAt(0));
      const type = typeByName(name) as SqlType;
      const gen = GENERATORS[name] as Gen;
      for (const descending of [false, true]) {
        for (const nullsFirst of [undefined, true, false]) {
          const cols: KeyColumn[] = [{ type, descending, nullsFirst }];
          checkOrder(cols, Array.from({ length: 60 }, () => [r() < 0.1 ? null : gen(r)]));
        }
      }
    });
  }

  it('composite keys stay ordered (prefix-free bodies)', () => {
    const r = rng(SEED);
    const names = Object.keys(GENERATORS);
    for (let round = 0; round < 40; round++) {
      const cols: KeyColumn[] = [0, 1, 2].map(() => ({ type: typeByName(pick(r, names)) as SqlType, descending: r() < 0.5 }));
      const rows = Array.from({ length: 25 }, () =>
        cols.map((c) => (r() < 0.1 ? null : (GENERATORS[c.type.name] as Gen)(r))),
      );
      // Duplicate leading columns so later columns decide.
      for (let i = 1; i < rows.length; i += 2) (rows[i] as Value[])[0] = (rows[i - 1] as Value[])[0] as Value;
      checkOrder(cols, rows);
    }
  });

  it('equal values encode equally and keep a prefix', () => {
    const numeric = typeByName('numeric') as SqlType;
    const a = encodeKey([{ type: numeric }], [Numeric.parse('1.50')]);
    const b = encodeKey([{ type: numeric }], [Numeric.parse('1.5')]);
    expect(compareBytes(a, b)).toBe(0);
    const prefix = Uint8Array.of(9, 9);
    const k = encodeKey([{ type: numeric }], [Numeric.parse('-7')], prefix);
    expect([...k.subarray(0, 2)]).toEqual([9, 9]);
    expect((decodeKey([{ type: numeric }], k, 2).values[0] as Numeric).toString()).toBe('-7');
  });
});
