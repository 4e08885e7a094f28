/**
 * YCSB's `Utils.fnvhash64`: FNV-1a over the 8 little-endian bytes of a Java long, then `Math.abs`.
 * It names the keys (`user` + hash of the sequence number) and scrambles the zipfian ranks.
 *
 * - Arithmetic is Java's: signed 64-bit wrap-around, arithmetic `>>`, and `Math.abs(Long.MIN_VALUE)`
 *   staying negative (bit-exact with YCSB, whatever the input).
 */

const FNV_OFFSET_BASIS_64 = BigInt.asIntN(64, 0xcbf29ce484222325n);
const FNV_PRIME_64 = 1099511628211n;

/** Utils.fnvhash64(val) for a Java long `value`. */
export function fnvhash64(value: bigint): bigint {
  let rest = BigInt.asIntN(64, value);
  let hash = FNV_OFFSET_BASIS_64;
  for (let i = 0; i < 8; i++) {
    const octet = rest & 0xffn;
    rest >>= 8n;
    hash = BigInt.asIntN(64, (hash ^ octet) * FNV_PRIME_64);
  }
  return hash < 0n ? BigInt.asIntN(64, -hash) : hash;
}

/** CoreWorkload.buildKeyName with orderedinserts=false and zeropadding=1: "user" + fnvhash64(n). */
export function ycsbKey(sequence: number): string {
  return `user${fnvhash64(BigInt(sequence))}`;
}
