/**
 * Unsigned LEB128 varints (as LevelDB's Varint32/64), for lengths and counts in on-disk formats.
 * Values up to 2^53 - 1 (Number.MAX_SAFE_INTEGER) are supported; encodings take at most 8 bytes
 * for those (7 bits per byte). Decoding validates: a truncated or over-long varint returns -1
 * as the new offset so the caller can raise its own typed corruption error.
 */
export const VARINT_BYTES_MAX = 8;

/** Number of bytes `value` occupies as a varint. */
export function varintLength(value: number): number {
  let bytes = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    bytes++;
  }
  return bytes;
}

/** Writes `value` at `offset`; returns the offset after it. The caller guarantees room. */
export function writeVarint(target: Uint8Array, offset: number, value: number): number {
  while (value >= 0x80) {
    target[offset++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  target[offset++] = value;
  return offset;
}

/**
 * Reads a varint at `offset` (not past `end`). Result is written to `out[0]` (value) and the
 * returned number is the offset after it, or -1 when the bytes are truncated or malformed.
 */
export function readVarint(source: Uint8Array, offset: number, end: number, out: number[]): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < VARINT_BYTES_MAX; i++) {
    if (offset >= end) return -1;
    const byte = source[offset++] as number;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      out[0] = value;
      return offset;
    }
    scale *= 128;
  }
  return -1;
}
