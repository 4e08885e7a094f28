/**
 * float4 (real) and float8 (double precision), JS numbers.
 * - Output is PostgreSQL 12+'s: the shortest text that reads back exactly (extra_float_digits > 0),
 *   fixed notation for decimal exponents in [-4, 15) (float8) or [-4, 6) (float4), otherwise
 *   scientific 'd.ddde+XX'; 'NaN', 'Infinity', '-Infinity'; -0 prints '-0'.
 * - Order: NaN is greatest and equal to itself; -0 = 0 (PostgreSQL's float8_cmp).
 */
import { OID, ARRAY_OID } from './oids.js';
import { TypeCategory, type SqlType, type Value, type TypeContext } from './sql-type.js';
import { invalidInput, invalidBinary, outOfRange } from './type-errors.js';

const FLOAT_PATTERN = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** Parses float input; throws 22P02 / 22003 naming `sqlName`. */
export function parseFloatText(text: string, sqlName: string, single: boolean): number {
  if (!FLOAT_PATTERN.test(text)) {
    const word = text.trim().toLowerCase();
    if (word === 'nan') return NaN;
    if (word === 'infinity' || word === '+infinity' || word === 'inf' || word === '+inf') return Infinity;
    if (word === '-infinity' || word === '-inf') return -Infinity;
    throw invalidInput(sqlName, text);
  }
  const raw = Number(text.trim());
  const value = single ? Math.fround(raw) : raw;
  if (!Number.isFinite(value) || (value === 0 && /[1-9]/.test(text.replace(/[eE].*$/, '')))) {
    throw outOfRange(`"${text}" is out of range for type ${sqlName}`);
  }
  return value;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 next to positive `v` in direction `step` (+1 / -1), as a double. */
function nextFloat32(v: number, step: number): number {
  f32[0] = v;
  u32[0] = (u32[0] as number) + step;
  return f32[0] as number;
}

function shortestDigits(v: number, single: boolean): string {
  if (!single) return v.toExponential();
  // Shortest decimal strictly inside v's float32 rounding interval: PostgreSQL's Ryu (f2s) does
  // not take a candidate lying exactly on the midpoint to a neighbour.
  const low = (v + nextFloat32(v, -1)) / 2;
  const high = (v + nextFloat32(v, 1)) / 2;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(halfEvenPrecision(v, p));
    if (Math.fround(candidate) === v && candidate !== low && candidate !== high) return candidate.toExponential();
  }
  return v.toExponential(8);
}

/**
 * v rounded to p significant digits, ties to even (Ryu's rule) where toPrecision rounds ties up.
 * A float32 is exact in a double, and toExponential(n) prints the exact expansion's digits.
 */
function halfEvenPrecision(v: number, p: number): string {
  const rounded = v.toPrecision(p);
  const exact = v.toExponential(Math.min(100, p + 60));
  const e = exact.indexOf('e');
  const digits = exact.slice(0, e).replace('.', '');
  if (digits[p] !== '5' || !/^0*$/.test(digits.slice(p + 1)) || Number(digits[p - 1]) % 2 !== 0) return rounded;
  const kept = digits.slice(0, p);
  return `${kept[0]}${p > 1 ? '.' + kept.slice(1) : ''}${exact.slice(e)}`;
}

function layout(mantissa: string, exp: number, fixedExpMax: number, negative: boolean): string {
  const digits = mantissa.replace('.', '');
  let text: string;
  if (exp >= -4 && exp < fixedExpMax) {
    if (exp < 0) text = '0.' + '0'.repeat(-exp - 1) + digits;
    else if (digits.length <= exp + 1) text = digits + '0'.repeat(exp + 1 - digits.length);
    else text = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  } else {
    const head = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    const e = Math.abs(exp);
    text = `${head}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' + e : e}`;
  }
  return negative ? '-' + text : text;
}

/** PostgreSQL's float8out / float4out. */
export function formatFloat(v: number, single: boolean, extraFloatDigits = 1): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const negative = v < 0;
  const magnitude = Math.abs(v);
  let sci: string;
  if (extraFloatDigits > 0) sci = shortestDigits(magnitude, single);
  else {
    const precision = Math.max(1, (single ? 6 : 15) + extraFloatDigits);
    sci = magnitude.toExponential(precision - 1).replace(/\.?0+e/, 'e');
    const exp = Number(sci.slice(sci.indexOf('e') + 1));
    const mantissa = sci.slice(0, sci.indexOf('e'));
    return layout(mantissa, exp, precision, negative);
  }
  const e = sci.indexOf('e');
  return layout(sci.slice(0, e), Number(sci.slice(e + 1)), single ? 6 : 15, negative);
}

export function compareFloat(a: Value, b: Value): number {
  const x = a as number;
  const y = b as number;
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) return 0;
  const xNaN = Number.isNaN(x);
  const yNaN = Number.isNaN(y);
  return xNaN === yNaN ? 0 : xNaN ? 1 : -1;
}

function makeFloat(single: boolean): SqlType {
  const oid = single ? OID.float4 : OID.float8;
  const sqlName = single ? 'real' : 'double precision';
  const bytes = single ? 4 : 8;
  return {
    oid,
    name: single ? 'float4' : 'float8',
    sqlName,
    typlen: bytes,
    category: TypeCategory.numeric,
    preferred: !single,
    arrayOid: ARRAY_OID[oid],
    indexable: true,
    compare: compareFloat,
    equals: (a, b) => compareFloat(a, b) === 0,
    hashKey: (a) => ((a as number) === 0 ? 0 : (a as number)),
    toText: (v: Value, ctx: TypeContext) => formatFloat(v as number, single, ctx.extraFloatDigits),
    fromText: (text) => parseFloatText(text, sqlName, single),
    toBinary(v): Uint8Array {
      const out = Buffer.allocUnsafe(bytes);
      if (single) out.writeFloatBE(v as number, 0);
      else out.writeDoubleBE(v as number, 0);
      return out;
    },
    fromBinary(b): Value {
      if (b.length !== bytes) throw invalidBinary('insufficient data left in message');
      const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      return single ? view.getFloat32(0) : view.getFloat64(0);
    },
  };
}

export const FLOAT4: SqlType = makeFloat(true);
export const FLOAT8: SqlType = makeFloat(false);
