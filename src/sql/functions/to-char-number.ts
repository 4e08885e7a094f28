/**
 * to_char(number, format) for the common numeric patterns of PostgreSQL's formatting.c:
 * 9 (digit or space), 0 (digit or zero), . and D (decimal point), , and G (group separator,
 * shown only after a digit), S / MI / PL / SG / PR (sign placement), FM (no padding, no trailing
 * fractional zeros for 9), EEEE (scientific), TH/th (ordinal suffix). Too many integer digits
 * print as '#'. Locale-specific symbols are the C locale's ('.' and ',').
 */
import { Numeric } from '../../catalog/types/index.js';

interface NumberFormat {
  intDigits: string[];
  fracDigits: string[];
  hasPoint: boolean;
  fillMode: boolean;
  sign: 'default' | 'S-lead' | 'S-trail' | 'MI' | 'PL' | 'SG' | 'PR';
  eeee: boolean;
  ordinal: '' | 'TH' | 'th';
}

function parseFormat(fmt: string): NumberFormat {
  const f: NumberFormat = { intDigits: [], fracDigits: [], hasPoint: false, fillMode: false, sign: 'default', eeee: false, ordinal: '' };
  const upper = fmt.toUpperCase();
  for (let i = 0; i < fmt.length; i++) {
    const rest = upper.slice(i);
    const c = fmt[i] as string;
    if (rest.startsWith('FM')) { f.fillMode = true; i++; }
    else if (rest.startsWith('EEEE')) { f.eeee = true; i += 3; }
    else if (rest.startsWith('PR')) { f.sign = 'PR'; i++; }
    else if (rest.startsWith('MI')) { f.sign = 'MI'; i++; }
    else if (rest.startsWith('PL')) { f.sign = 'PL'; i++; }
    else if (rest.startsWith('SG')) { f.sign = 'SG'; i++; }
    else if (rest.startsWith('TH')) { f.ordinal = fmt.slice(i, i + 2) === 'th' ? 'th' : 'TH'; i++; }
    else if (c === 'S' || c === 's') f.sign = f.intDigits.length === 0 && !f.hasPoint ? 'S-lead' : 'S-trail';
    else if (c === '9' || c === '0') (f.hasPoint ? f.fracDigits : f.intDigits).push(c);
    else if (c === '.' || c === 'D' || c === 'd') f.hasPoint = true;
    else if ((c === ',' || c === 'G' || c === 'g') && !f.hasPoint) f.intDigits.push(',');
  }
  return f;
}

function ordinalSuffix(n: bigint): string {
  const last2 = Number((n < 0n ? -n : n) % 100n);
  if (last2 >= 11 && last2 <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][last2 % 10] ?? 'th';
}

function scientific(value: Numeric, f: NumberFormat): string {
  const digits = f.fracDigits.length;
  const x = value.toNumber();
  const text = Math.abs(x).toExponential(digits);
  const [mant, exp] = text.split('e') as [string, string];
  const e = Number(exp);
  const body = `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return (x < 0 ? '-' : f.fillMode ? '' : ' ') + body;
}

function layoutInteger(intText: string, f: NumberFormat, zeroInt: boolean): string {
  const slots = f.intDigits;
  const digitSlots = slots.filter((s) => s !== ',').length;
  if (intText.length > digitSlots) return slots.map((s) => (s === ',' ? ',' : '#')).join('');
  let out = '';
  let di = intText.length - digitSlots;
  let started = false;
  const firstZero = slots.indexOf('0');
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i] as string;
    if (s === ',') {
      out += started ? ',' : f.fillMode ? '' : ' ';
      continue;
    }
    const digit = di >= 0 ? intText[di] : undefined;
    di++;
    if (digit !== undefined && (digit !== '0' || started || (zeroInt && !f.hasPoint && di === intText.length))) {
      started = true;
      out += digit;
    } else if (s === '0' || (firstZero >= 0 && i > firstZero)) {
      started = true;
      out += '0';
    } else out += f.fillMode ? '' : ' ';
  }
  return out;
}

function attachSign(body: string, negative: boolean, f: NumberFormat): string {
  const lead = body.length - body.trimStart().length;
  const pad = body.slice(0, lead);
  const core = body.slice(lead);
  switch (f.sign) {
    case 'S-lead': return pad + (negative ? '-' : '+') + core;
    case 'S-trail': return pad + core + (negative ? '-' : '+');
    case 'MI': return pad + core + (negative ? '-' : f.fillMode ? '' : ' ');
    case 'PL': return pad + (negative ? '-' : '+') + core;
    case 'SG': return pad + (negative ? '-' : '+') + core;
    case 'PR': return negative ? pad + '<' + core + '>' : pad + (f.fillMode ? '' : ' ') + core + (f.fillMode ? '' : ' ');
    default: return pad + (negative ? '-' : f.fillMode ? '' : ' ') + core;
  }
}

/** to_char of a numeric value (ints and floats are converted to Numeric first). */
export function toCharNumber(value: Numeric, fmt: string): string {
  const f = parseFormat(fmt);
  if (!value.isFinite()) return value.toString();
  if (f.eeee) return scientific(value, f);
  const rounded = value.round(f.fracDigits.length);
  const negative = rounded.sign() < 0;
  const abs = rounded.abs();
  const text = abs.toString();
  const point = text.indexOf('.');
  const intText = point < 0 ? text : text.slice(0, point);
  let fracText = point < 0 ? '' : text.slice(point + 1);
  fracText = fracText.padEnd(f.fracDigits.length, '0');
  const zeroInt = intText === '0';
  let body = layoutInteger(zeroInt ? (f.hasPoint ? '' : '0') : intText, f, zeroInt);
  if (f.hasPoint) {
    let frac = fracText;
    if (f.fillMode) {
      let keep = frac.length;
      while (keep > 0 && f.fracDigits[keep - 1] === '9' && frac[keep - 1] === '0') keep--;
      frac = frac.slice(0, keep);
    }
    body += '.' + frac;
  }
  if (body.includes('#')) return attachSign(body, false, f).replace(/[-+<>]/g, ' ');
  let out = attachSign(body, negative, f);
  if (f.ordinal !== '') {
    const suffix = ordinalSuffix(abs.trunc(0).unscaled);
    out += f.ordinal === 'TH' ? suffix.toUpperCase() : suffix;
  }
  return out;
}
