/**
 * Keys as JS strings for Maps and Sets: one UTF-16 code unit per byte (latin1).
 * - The mapping is a bijection between byte strings and strings of code units 0..255.
 * - Comparing two such strings with < / > gives exactly memcmp order of the bytes (code unit
 *   order, a proper prefix first), so sorted key strings are sorted keys.
 */
import { asBuffer } from '../util/index.js';

/**
 * Node's latin1 decoder as Buffer.prototype binds it (it accepts any Uint8Array as `this`): used
 * directly, it saves making a Buffer view of each key (Buffer.from(arrayBuffer, …) costs more than
 * the decoding of a short key). Undocumented, hence the fallback.
 */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: (this: Uint8Array, start: number, end: number) => string }).latin1Slice;

export function toKeyString(key: Uint8Array): string {
  return latin1Slice !== undefined ? latin1Slice.call(key, 0, key.length) : asBuffer(key).toString('latin1');
}

/** Whether `text` is toKeyString(key), without making the string (a loop over a short key is cheaper). */
export function keyStringEquals(text: string, key: Uint8Array): boolean {
  const n = key.length;
  if (text.length !== n) return false;
  for (let i = 0; i < n; i++) if (text.charCodeAt(i) !== key[i]) return false;
  return true;
}

export function fromKeyString(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

/** -1, 0 or 1 in memcmp order of the underlying bytes. */
export function compareKeyStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
