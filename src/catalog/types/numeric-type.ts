/**
 * The numeric SqlType (values are Numeric). Typmod is ((precision << 16) | scale) + 4, as PostgreSQL.
 * - applyTypmod rounds half away from zero to the scale, then raises 22003 "numeric field overflow"
 *   when the integer digits exceed precision - scale (or the value is infinite).
 * - Binary format is numeric_send's: int16 ndigits, int16 weight, uint16 sign, uint16 dscale, then
 *   ndigits base-10000 int16 digits.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { Numeric, NUMERIC_FINITE, NUMERIC_NAN, NUMERIC_PINF, pow10 } from './numeric.js';
import { OID, ARRAY_OID } from './oids.js';
import { TypeCategory, type SqlType, type Value } from './sql-type.js';
import { invalidBinary } from './type-errors.js';

const SIGN_POS = 0x0000;
const SIGN_NEG = 0x4000;
const SIGN_NAN = 0xc000;
const SIGN_PINF = 0xd000;
const SIGN_NINF = 0xf000;

export function numericTypmod(precision: number, scale: number): number {
  return ((precision << 16) | (scale & 0x7ff)) + 4;
}

export function numericTypmodPrecision(typmod: number): number {
  return ((typmod - 4) >> 16) & 0xffff;
}

export function numericTypmodScale(typmod: number): number {
  return (((typmod - 4) & 0x7ff) ^ 1024) - 1024;
}

export function applyNumericTypmod(n: Numeric, typmod: number): Numeric {
  if (typmod < 4 || n.isNaN()) return n;
  const precision = numericTypmodPrecision(typmod);
  const scale = numericTypmodScale(typmod);
  if (!n.isFinite()) {
    throw new SqlError(SQLSTATE.numericValueOutOfRange, 'numeric field overflow', {
      detail: `A field with precision ${precision}, scale ${scale} cannot hold an infinite value.`,
    });
  }
  const rounded = n.round(scale);
  const limit = pow10(Math.max(precision - scale, 0) + rounded.scale);
  const magnitude = rounded.unscaled < 0n ? -rounded.unscaled : rounded.unscaled;
  if (magnitude >= limit) {
    throw new SqlError(SQLSTATE.numericValueOutOfRange, 'numeric field overflow', {
      detail:
        precision - scale > 0
          ? `A field with precision ${precision}, scale ${scale} must round to an absolute value less than 10^${precision - scale}.`
          : `A field with precision ${precision}, scale ${scale} must round to an absolute value less than 1.`,
    });
  }
  return rounded;
}

function numericSend(n: Numeric): Uint8Array {
  if (n.kind !== NUMERIC_FINITE) {
    const out = Buffer.alloc(8);
    out.writeUInt16BE(n.kind === NUMERIC_NAN ? SIGN_NAN : n.kind === NUMERIC_PINF ? SIGN_PINF : SIGN_NINF, 4);
    // PostgreSQL 15 sends dscale 32 for ±Infinity (the stored header's bits), 0 for NaN.
    if (n.kind !== NUMERIC_NAN) out.writeUInt16BE(0x20, 6);
    return out;
  }
  const negative = n.unscaled < 0n;
  let digits = (negative ? -n.unscaled : n.unscaled).toString();
  // Align: integer part padded on the left, fraction on the right, to groups of 4.
  const intLen = digits.length - n.scale;
  let intPart = intLen > 0 ? digits.slice(0, intLen) : '';
  let frac = intLen > 0 ? digits.slice(intLen) : '0'.repeat(-intLen) + digits;
  intPart = intPart.replace(/^0+/, '');
  intPart = '0'.repeat((4 - (intPart.length % 4)) % 4) + intPart;
  frac = frac + '0'.repeat((4 - (frac.length % 4)) % 4);
  digits = intPart + frac;
  const groups: number[] = [];
  for (let i = 0; i < digits.length; i += 4) groups.push(Number(digits.slice(i, i + 4)));
  let weight = intPart.length / 4 - 1;
  while (groups.length > 0 && groups[0] === 0) {
    groups.shift();
    weight--;
  }
  while (groups.length > 0 && groups[groups.length - 1] === 0) groups.pop();
  if (groups.length === 0) weight = 0;
  const out = Buffer.alloc(8 + 2 * groups.length);
  out.writeInt16BE(groups.length, 0);
  out.writeInt16BE(weight, 2);
  out.writeUInt16BE(negative ? SIGN_NEG : SIGN_POS, 4);
  out.writeUInt16BE(n.scale, 6);
  groups.forEach((g, i) => out.writeUInt16BE(g, 8 + 2 * i));
  return out;
}

function numericRecv(b: Uint8Array): Numeric {
  if (b.length < 8) throw invalidBinary('insufficient data left in message');
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ndigits = view.getInt16(0);
  const weight = view.getInt16(2);
  const sign = view.getUint16(4);
  const dscale = view.getUint16(6);
  if (sign === SIGN_NAN) return Numeric.NaN;
  if (sign === SIGN_PINF) return Numeric.POSITIVE_INFINITY;
  if (sign === SIGN_NINF) return Numeric.NEGATIVE_INFINITY;
  if ((sign !== SIGN_POS && sign !== SIGN_NEG) || ndigits < 0 || b.length !== 8 + 2 * ndigits || dscale > 0x3fff) {
    throw invalidBinary('invalid sign in external "numeric" value');
  }
  let unscaled = 0n;
  for (let i = 0; i < ndigits; i++) {
    const d = view.getUint16(8 + 2 * i);
    if (d > 9999) throw invalidBinary('invalid digit in external "numeric" value');
    unscaled = unscaled * 10000n + BigInt(d);
  }
  // unscaled holds digits with the last group at weight (weight - ndigits + 1).
  const exp10 = 4 * (weight - ndigits + 1);
  let value = exp10 >= 0 ? Numeric.of(unscaled * pow10(exp10), 0) : Numeric.of(unscaled, -exp10);
  if (sign === SIGN_NEG) value = value.negate();
  return value.scale > dscale ? value.round(dscale) : value.withScale(dscale);
}

export const NUMERIC: SqlType = {
  oid: OID.numeric,
  name: 'numeric',
  sqlName: 'numeric',
  typlen: -1,
  category: TypeCategory.numeric,
  preferred: false,
  arrayOid: ARRAY_OID[OID.numeric],
  indexable: true,
  compare: (a, b) => (a as Numeric).compare(b as Numeric),
  equals: (a, b) => (a as Numeric).compare(b as Numeric) === 0,
  hashKey: (a) => (a as Numeric).hashKey(),
  toText: (v) => (v as Numeric).toString(),
  fromText: (text, typmod) => applyNumericTypmod(Numeric.parse(text), typmod),
  toBinary: (v) => numericSend(v as Numeric),
  fromBinary: (b, typmod) => applyNumericTypmod(numericRecv(b), typmod),
  applyTypmod: (v: Value, typmod: number) => applyNumericTypmod(v as Numeric, typmod),
  typmodText(typmod: number): string {
    if (typmod < 4) return '';
    return `(${numericTypmodPrecision(typmod)},${numericTypmodScale(typmod)})`;
  },
};
