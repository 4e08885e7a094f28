/**
 * Keys as JS strings for Maps and Sets: one UTF-16 code unit per byte (latin1).
 * - The mapping is a bijection between byte strings and strings of code units 0..255.
 * - Comparing two such strings with < / > gives exactly memcmp order of the bytes (code unit
 *   order, a proper prefix first), so sorted key strings are sorted keys.
 */
import { asBuffer } from '../util/index.js';

export function toKeyString(key: Uint8Array): string {
  return asBuffer(key).toString('latin1');
}

export function fromKeyString(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

/** -1, 0 or 1 in memcmp order of the underlying bytes. */
export function compareKeyStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
