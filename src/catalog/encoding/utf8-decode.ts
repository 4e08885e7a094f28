/**
 * UTF-8 decoding for short strings read from keys and rows: ASCII strings of up to
 * ASCII_FAST_BYTES_MAX bytes are built by hand (several times faster than TextDecoder for the
 * short values rows mostly hold); anything else goes through TextDecoder.
 */
const textDecoder = new TextDecoder();

/** Strings up to this many bytes are decoded by hand when ASCII (faster than TextDecoder). */
const ASCII_FAST_BYTES_MAX = 64;

/** UTF-8 bytes [start, end) as a string. */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= ASCII_FAST_BYTES_MAX) {
    let s = '';
    for (let i = start; i < end; i++) {
      const b = bytes[i] as number;
      if (b >= 0x80) return textDecoder.decode(bytes.subarray(start, end));
      s += String.fromCharCode(b);
    }
    return s;
  }
  return textDecoder.decode(bytes.subarray(start, end));
}
