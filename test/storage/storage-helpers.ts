/**
 * Shared helpers of the storage engine tests: a seeded PRNG (the seed is printed; SEED=… replays),
 * byte helpers and a Map model of the key-value store.
 */

/** mulberry32: small, fast, good enough for test workloads. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of this run: SEED from the environment or a fresh one; printed so a failure replays. */
export function testSeed(name: string): number {
  const fromEnv = process.env.SEED;
  const seed = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : Math.floor(Math.random() * 2 ** 31);
  console.log(`[${name}] SEED=${seed}`);
  return seed;
}

export function randomInt(random: () => number, n: number): number {
  return Math.floor(random() * n);
}

export function randomBytes(random: () => number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = randomInt(random, 256);
  return out;
}

export const enc = (text: string): Uint8Array => Buffer.from(text);
export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const unhex = (text: string): Uint8Array => Buffer.from(text, 'hex');

/** Sorted [key, value] pairs of a model (keys as hex) within bounds, as the engine returns them. */
export function modelRange(
  model: ReadonlyMap<string, Uint8Array>,
  range: { gte?: Uint8Array; gt?: Uint8Array; lte?: Uint8Array; lt?: Uint8Array; reverse?: boolean; limit?: number; prefix?: Uint8Array },
): Array<[string, string]> {
  const keys = [...model.keys()].map(unhex).sort(Buffer.compare);
  const within = keys.filter((key) => {
    if (range.gte !== undefined && Buffer.compare(key, range.gte) < 0) return false;
    if (range.gt !== undefined && Buffer.compare(key, range.gt) <= 0) return false;
    if (range.lte !== undefined && Buffer.compare(key, range.lte) > 0) return false;
    if (range.lt !== undefined && Buffer.compare(key, range.lt) >= 0) return false;
    if (range.prefix !== undefined && Buffer.compare(key.subarray(0, range.prefix.length), range.prefix) !== 0) return false;
    return true;
  });
  if (range.reverse === true) within.reverse();
  const limited = range.limit === undefined ? within : within.slice(0, range.limit);
  return limited.map((key) => [hex(key), hex(model.get(hex(key)) as Uint8Array)]);
}
