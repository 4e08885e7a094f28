/**
 * Text order of PostgreSQL's "C" collation: UTF-8 byte order, which equals Unicode code point
 * order. JS compares UTF-16 code units, which differs only when a surrogate (a code point above
 * U+FFFF) meets a unit in U+E000..U+FFFF; compareText uses the native comparison unless both
 * strings hold such units, and then fixes the order without allocating.
 */

function fixup(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/** Any UTF-16 unit at or above U+D800: only then can unit order differ from code point order. */
const HIGH_UNIT = /[\ud800-\uffff]/;

export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  if (!HIGH_UNIT.test(a) || !HIGH_UNIT.test(b)) return a < b ? -1 : 1;
  return compareTextSlow(a, b);
}

function compareTextSlow(a: string, b: string): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x >= 0xd800 && y >= 0xd800 ? fixup(x) - fixup(y) : x - y;
  }
  return a.length - b.length;
}

/** Number of characters (code points), PostgreSQL's length() of text. */
export function charLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00) n--;
  }
  return n;
}

/** The first `n` characters (code points) of `s`. */
export function leftChars(s: string, n: number): string {
  if (n <= 0) return '';
  let i = 0;
  let count = 0;
  while (i < s.length && count < n) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c < 0xdc00 ? 2 : 1;
    count++;
  }
  return s.slice(0, i);
}

/** Removes trailing ASCII spaces (bpchar semantics). */
export function trimTrailingSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  return end === s.length ? s : s.slice(0, end);
}
