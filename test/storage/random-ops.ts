/**
 * The random keys, values and scan ranges of the storage engine's model tests
 * (engine-property.test.ts, compaction/model-runner.ts), so both draw from the same space: short
 * keys over an alphabet that includes 0x00 and 0xff (the edges of prefix and range bounds), and
 * value lengths around the value thresholds their option sets use (0, 64, 200, 1000).
 */
import { hex, randomInt } from './storage-helpers.js';

const ALPHABET = [0x00, 0x01, 0x61, 0x62, 0xfe, 0xff];
const VALUE_LENGTHS = [0, 1, 10, 63, 64, 65, 200, 1000];

/** A key of 1–4 bytes from ALPHABET. */
export function randomKey(random: () => number): Uint8Array {
  const length = 1 + randomInt(random, 4);
  const key = new Uint8Array(length);
  for (let i = 0; i < length; i++) key[i] = ALPHABET[randomInt(random, ALPHABET.length)] as number;
  return key;
}

/** A value of one of VALUE_LENGTHS, its bytes derived from `serial` (so values differ). */
export function randomValue(random: () => number, serial: number): Uint8Array {
  const length = VALUE_LENGTHS[randomInt(random, VALUE_LENGTHS.length)] as number;
  const value = new Uint8Array(length);
  for (let i = 0; i < length; i++) value[i] = (serial + i * 31) & 0xff;
  return value;
}

/** Scan options: a prefix, a lower and/or upper bound (inclusive or not), reverse, a limit. */
export function randomRange(random: () => number): Record<string, Uint8Array | boolean | number> {
  const range: Record<string, Uint8Array | boolean | number> = {};
  const pick = randomInt(random, 6);
  if (pick === 0) range.prefix = randomKey(random).subarray(0, 1 + randomInt(random, 2));
  if (pick === 1 || pick === 3) range[random() < 0.5 ? 'gte' : 'gt'] = randomKey(random);
  if (pick === 2 || pick === 3) range[random() < 0.5 ? 'lte' : 'lt'] = randomKey(random);
  if (random() < 0.4) range.reverse = true;
  if (random() < 0.3) range.limit = randomInt(random, 10);
  return range;
}

/** Every entry of a scan as [hex key, hex value] pairs. */
export async function scanAll(iterable: AsyncIterable<{ key: Uint8Array; value: Uint8Array }>): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for await (const entry of iterable) out.push([hex(entry.key), hex(entry.value)]);
  return out;
}
