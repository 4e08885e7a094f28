/**
 * Constants and small codecs of the SSTable file format shared by the table builder and reader
 * (docs/format.md, "SSTable").
 *
 *   table   = dataBlock* ‖ indexBlock ‖ filterBlock ‖ metaBlock ‖ footer
 *   block   = contents ‖ type (1 byte, 0 = uncompressed) ‖ crc32(contents ‖ type) (uint32 LE)
 *   footer  = 48 bytes: index, filter, meta handles (offset uint64 LE ‖ size uint32 LE each),
 *             format version (uint32 LE), crc32 of footer bytes 0..40 (uint32 LE), magic (uint32 LE)
 *
 * Invariants:
 * - The blocks tile the file: data blocks start at 0 and follow each other with no gap, then the
 *   index, filter and meta blocks, then the footer. Every byte is covered by a CRC or the magic.
 * - Handle sizes exclude the 5-byte block trailer.
 */

export const TABLE_MAGIC = 0x4c425453; // "STBL" little-endian
export const TABLE_FORMAT_VERSION = 1;
export const FOOTER_BYTES = 48;
export const BLOCK_TRAILER_BYTES = 5;
export const BLOCK_TYPE_RAW = 0;
/** Largest block (data, index, filter or meta) a reader accepts: bounds what a corrupt handle can make us read. */
export const BLOCK_BYTES_MAX = 256 * 1024 * 1024;
/** Byte offsets of footer fields. */
export const FOOTER_INDEX = 0;
export const FOOTER_FILTER = 12;
export const FOOTER_META = 24;
export const FOOTER_VERSION = 36;
export const FOOTER_CRC = 40;
export const FOOTER_MAGIC = 44;

const TWO_POW_32 = 0x1_0000_0000;

export interface BlockHandle {
  readonly offset: number;
  readonly size: number;
}

export function writeUint32LE(target: Uint8Array, offset: number, value: number): void {
  target[offset] = value & 0xff;
  target[offset + 1] = (value >>> 8) & 0xff;
  target[offset + 2] = (value >>> 16) & 0xff;
  target[offset + 3] = (value >>> 24) & 0xff;
}

export function readUint32LE(source: Uint8Array, offset: number): number {
  return (
    ((source[offset] as number) |
      ((source[offset + 1] as number) << 8) |
      ((source[offset + 2] as number) << 16) |
      ((source[offset + 3] as number) << 24)) >>>
    0
  );
}

/** Writes a handle (offset uint64 LE ‖ size uint32 LE, 12 bytes). */
export function writeHandle(target: Uint8Array, at: number, handle: BlockHandle): void {
  writeUint32LE(target, at, handle.offset >>> 0);
  writeUint32LE(target, at + 4, Math.floor(handle.offset / TWO_POW_32));
  writeUint32LE(target, at + 8, handle.size);
}

/** Reads a handle; the offset may be up to 2^64 − 1 (the reader range-checks it). */
export function readHandle(source: Uint8Array, at: number): BlockHandle {
  const lo = readUint32LE(source, at);
  const hi = readUint32LE(source, at + 4);
  return { offset: hi * TWO_POW_32 + lo, size: readUint32LE(source, at + 8) };
}
