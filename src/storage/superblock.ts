/**
 * Superblocks: two small files, SUPER-0 and SUPER-1, written alternately; the valid one with the
 * highest sequence names the current manifest file. Format: docs/format.md, "Superblock".
 *
 *   superblock = magic u32le ("STSB") ‖ version u32le (1) ‖ sequence u32le ‖ manifestNumber u32le
 *                ‖ crc u32le (crc32 of the 16 bytes before it)
 *
 * Invariants:
 * - Sequence s is written to SUPER-(s mod 2); a torn write of one leaves the other valid.
 * - A superblock that fails its checks is ignored; when neither is valid but one exists, open
 *   fails with CorruptionError naming the file.
 */
import { crc32 } from '../util/crc32.js';
import { CorruptionError } from './errors.js';
import { joinPath, type Vfs } from './vfs.js';

export const SUPERBLOCK_MAGIC = 0x42535453; // "STSB" little-endian
export const SUPERBLOCK_VERSION = 1;
export const SUPERBLOCK_BYTES = 20;

export interface Superblock {
  readonly sequence: number;
  readonly manifestNumber: number;
}

export function superblockName(sequence: number): string {
  return `SUPER-${sequence % 2}`;
}

export function encodeSuperblock(block: Superblock): Uint8Array {
  const out = Buffer.alloc(SUPERBLOCK_BYTES);
  out.writeUInt32LE(SUPERBLOCK_MAGIC, 0);
  out.writeUInt32LE(SUPERBLOCK_VERSION, 4);
  out.writeUInt32LE(block.sequence, 8);
  out.writeUInt32LE(block.manifestNumber, 12);
  out.writeUInt32LE(crc32(out.subarray(0, 16)), 16);
  return out;
}

function decodeSuperblock(data: Uint8Array): Superblock | undefined {
  if (data.length !== SUPERBLOCK_BYTES) return undefined;
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (crc32(buf.subarray(0, 16)) !== buf.readUInt32LE(16)) return undefined;
  if (buf.readUInt32LE(0) !== SUPERBLOCK_MAGIC || buf.readUInt32LE(4) !== SUPERBLOCK_VERSION) return undefined;
  return { sequence: buf.readUInt32LE(8), manifestNumber: buf.readUInt32LE(12) };
}

/**
 * The newest valid superblock in `dir`, or undefined for a fresh directory. `neverUsed` says the
 * directory holds no data file: then a torn superblock can only be the first one, written when the
 * directory was created, and it is treated as absent instead of as corruption.
 */
export function readSuperblock(vfs: Vfs, dir: string, neverUsed: boolean): Superblock | undefined {
  let best: Superblock | undefined;
  let invalidPath: string | undefined;
  for (const name of ['SUPER-0', 'SUPER-1']) {
    const path = joinPath(dir, name);
    if (!vfs.exists(path)) continue;
    const file = vfs.openRead(path);
    const block = decodeSuperblock(file.read(0, SUPERBLOCK_BYTES + 1));
    file.close();
    if (block === undefined) invalidPath = path;
    else if (best === undefined || block.sequence > best.sequence) best = block;
  }
  if (best === undefined && invalidPath !== undefined && !neverUsed) {
    throw new CorruptionError(invalidPath, 0, 'no valid superblock');
  }
  return best;
}
