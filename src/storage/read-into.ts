/**
 * Positional reads into a caller's buffer, so the foreground read path creates no ArrayBuffer per
 * read: a block-cache miss reads into a buffer the cache recycles (block-cache.ts), a value-log
 * read into the log's scratch buffer (value-log.ts).
 *
 * A VfsFile that offers `readInto` (structurally; the Vfs interface does not require it) is read
 * that way; one that does not falls back to `read` (a fresh buffer) and a copy.
 *
 * Invariants:
 * - readIntoFile() fills target[targetOffset, targetOffset + n) with the file's bytes at
 *   [offset, offset + n) and returns n: n < length only at the end of the file.
 * - It never keeps a reference to target.
 */
import type { RandomAccessSource } from './table-reader.js';
import type { VfsFile } from './vfs.js';

/** A file or source that can read into a caller's buffer. */
export interface ReadIntoCapable {
  /** Reads up to `length` bytes at `offset` into target[targetOffset…]; returns the count (fewer only at end of file). */
  readInto(offset: number, target: Uint8Array, targetOffset: number, length: number): number;
}

/** True when `file` has a readInto method. */
export function canReadInto(file: object): file is ReadIntoCapable {
  return typeof (file as Partial<ReadIntoCapable>).readInto === 'function';
}

/** Reads `length` bytes of `file` at `offset` into `target` (at targetOffset); returns the count read. */
export function readIntoFile(file: VfsFile, offset: number, target: Uint8Array, targetOffset: number, length: number): number {
  if (canReadInto(file)) return file.readInto(offset, target, targetOffset, length);
  const bytes = file.read(offset, length);
  target.set(bytes, targetOffset);
  return bytes.length;
}

/** A RandomAccessSource over an open file (with readInto when the file has it). */
export function fileSource(path: string, file: VfsFile): RandomAccessSource {
  const read = (offset: number, length: number): Uint8Array => file.read(offset, length);
  if (!canReadInto(file)) return { path, size: file.size(), read };
  return { path, size: file.size(), read, readInto: (offset, target, targetOffset, length) => file.readInto(offset, target, targetOffset, length) };
}
