/**
 * The db_bench-style workload shared by the key-value benchmarks (run.ts, read-random.ts): a
 * seeded random stream, 16-byte decimal keys, values sliced from a pool of random bytes, fsynced
 * fill batches and point reads that yield to the event loop every READ_ROUND_OPS reads.
 *
 * Invariants:
 * - resetRandom() then the same calls give the same keys and values, so every engine of a round
 *   gets the same work.
 * - Values are views of the pool: both engines treat them as read-only.
 */
import type { BenchEngine } from './engines.js';

export const KEY_BYTES = 16;
const SEED = 0x9e3779b9;
let rngState = SEED;

/** Restarts the random stream from its seed. */
export function resetRandom(): void {
  rngState = SEED;
}

/** A uniform number in [0, 1) from the seeded stream (mulberry32). */
export function random(): number {
  rngState = (rngState + 0x6d2b79f5) >>> 0;
  let t = rngState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export function keyOf(i: number): Uint8Array {
  return Buffer.from(String(i).padStart(KEY_BYTES, '0'));
}

/**
 * Values are slices of a pre-generated pool of random (incompressible) bytes at random offsets, as
 * db_bench's RandomGenerator hands out slices of its buffer: generating values costs neither engine
 * time inside the timed loops.
 */
const VALUE_POOL_BYTES = 16 * 1024 * 1024;
let valuePool = Buffer.alloc(0);

export function fillValuePool(): void {
  valuePool = Buffer.allocUnsafe(VALUE_POOL_BYTES);
  for (let i = 0; i < VALUE_POOL_BYTES; i += 4) valuePool.writeUInt32LE((random() * 0x1_0000_0000) >>> 0, i);
}

export function valueOf(bytes: number): Uint8Array {
  const offset = Math.floor(random() * (VALUE_POOL_BYTES - bytes));
  return valuePool.subarray(offset, offset + bytes);
}

/** Writes `num` entries in batches of `batch`, each durable before the next; key i is keyOf(order(i)). */
export async function fill(engine: BenchEngine, num: number, valueBytes: number, batch: number, order: (i: number) => number): Promise<void> {
  for (let start = 0; start < num; start += batch) {
    const keys: Uint8Array[] = [];
    const values: Uint8Array[] = [];
    for (let i = start; i < Math.min(num, start + batch); i++) {
      keys.push(keyOf(order(i)));
      values.push(valueOf(valueBytes));
    }
    await engine.putBatch(keys, values);
  }
}

/** Reads in rounds of READ_ROUND_OPS, yielding to the event loop between rounds (as a server does). */
export const READ_ROUND_OPS = 1000;

/** `count` gets of random keys below `num` (above it when `missing`); returns how many were found. */
export async function reads(engine: BenchEngine, num: number, missing: boolean, count = num): Promise<number> {
  let found = 0;
  for (let i = 0; i < count; i++) {
    if (i % READ_ROUND_OPS === 0) await new Promise((resolve) => setImmediate(resolve));
    const k = Math.floor(random() * num);
    if (engine.get(keyOf(missing ? num + k : k)) !== undefined) found++;
  }
  return found;
}
