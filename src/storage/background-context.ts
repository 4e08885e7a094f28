/**
 * What compaction and value-log GC jobs need from the engine, and the steps they share: running a
 * merge (in the worker or inline) and writing its output tables durably through the Vfs.
 *
 * Invariants:
 * - Output table files are written and fsynced, and the directory synced, before any manifest
 *   edit names them (DESIGN.md, invariant 4).
 * - Every output (tables, GC segments) draws its exact length from the governor, chunk by chunk
 *   as it is written (writeNewFileSynced: a pacer before each PACE_CHUNK_BYTES), so a big output
 *   reaches the disk at the governor's rate instead of in one burst after one wait. Only
 *   background outputs are paced: flushes, manifests and the commit path never draw.
 * - An output that merged to nothing (entries 0) is not written.
 * - A job that finds no space removes its outputs (no manifest edit names them) before it fails;
 *   the compactor retries later (compactor.ts).
 * - Big inputs are read in READ_CHUNK_BYTES pieces with a yield to the event loop between them,
 *   outputs are written off the event loop (Vfs.writeFileSynced) and opened one per turn, so
 *   foreground work is never blocked by one long synchronous call.
 */
import { l0BloomBitsPerKey } from './bloom.js';
import type { DiskFullState } from './disk-full-state.js';
import type { BuiltTable } from './flush-build.js';
import { tableName } from './engine-recovery.js';
import { mergeInWorker, releaseToCompactionWorker } from './compaction-worker-client.js';
import { mergeTables, type MergeRequest, type MergeResult } from './compaction-merge.js';
import type { Flusher } from './flusher.js';
import type { Governor } from './governor.js';
import type { Manifest } from './manifest.js';
import type { ManifestTable } from './manifest-edit.js';
import type { ResolvedOptions } from './options.js';
import type { ValueLog } from './value-log.js';
import type { TableHandle } from './version.js';
import { isSpaceError } from './errors.js';
import { joinPath, removeQuietly, type Vfs, type VfsFile, type WritePacer } from './vfs.js';
import type { FindVersion } from './vlog-liveness.js';

export interface BackgroundContext {
  readonly dir: string;
  readonly options: ResolvedOptions;
  readonly manifest: Manifest;
  readonly flusher: Flusher;
  readonly vlog: ValueLog;
  readonly governor: Governor;
  /** Where background jobs report lack of space and recovery from it. */
  readonly diskFull: DiskFullState;
  /** The current safe point (refreshed from the embedder first). */
  safePointTs(): number;
  /** No memtable (live or frozen) holds a pointer into a segment below this number. */
  memtableSegmentFloor(): number;
  /** The newest version of a key visible at readTs across memtables and tables (read path). */
  readonly findVersion: FindVersion;
}

export interface WrittenTables {
  /** Aligned with the outputs: undefined where an output was empty. */
  readonly handles: Array<TableHandle | undefined>;
  readonly bytes: number;
}

/** How output tables of `level` are built (L0 tables get more filter bits: bloom.ts l0BloomBitsPerKey). */
export function builderOptions(options: ResolvedOptions, level: number): MergeRequest['builder'] {
  const bloomBitsPerKey = level === 0 ? l0BloomBitsPerKey(options.bloomBitsPerKey) : options.bloomBitsPerKey;
  return { blockBytes: options.blockBytes, restartInterval: options.restartInterval, bloomBitsPerKey };
}

/**
 * Builds the request with `load` (which reads the inputs) and merges it, in the worker (the
 * request's images are transferred there; `load` runs again if the thread fails) or inline.
 */
export async function runMerge(context: BackgroundContext, load: () => Promise<MergeRequest>): Promise<MergeResult> {
  const request = await load();
  return context.options.flushInWorker ? mergeInWorker(request, load) : mergeTables(request);
}

/** Lets the event loop run (foreground reads, I/O callbacks) before background work goes on. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Bytes read between two yields to the event loop (a big input never blocks foreground work long). */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Reads `size` bytes of `file` in chunks, yielding to the event loop between them, into a buffer
 * of its own (never Buffer's shared pool), so it can be transferred to the worker without a copy.
 * A file that can read into a buffer (readInto) reads straight into it: no buffer per chunk.
 */
export async function readChunked(file: VfsFile, size: number): Promise<Uint8Array> {
  const out = Buffer.allocUnsafeSlow(size);
  for (let offset = 0; offset < size; offset += READ_CHUNK_BYTES) {
    const length = Math.min(READ_CHUNK_BYTES, size - offset);
    let read: number;
    if (file.readInto !== undefined) read = file.readInto(offset, out, offset, length);
    else {
      const chunk = file.read(offset, length);
      out.set(chunk, offset);
      read = chunk.length;
    }
    if (read < length) return out.subarray(0, offset + read);
    if (offset + READ_CHUNK_BYTES < size) await yieldToEventLoop();
  }
  return out;
}

/**
 * Writes `data` as the new file `path` and syncs it: the file is new (a fresh file number) and
 * named by no manifest edit until this resolves. NodeVfs writes it on the thread pool, so a big
 * output never blocks the event loop (not even while the kernel throttles dirty-page writers).
 * Each chunk first draws its length from `governor` (the Vfs calls the pacer); bytes a Vfs wrote
 * without calling it (a wrapping Vfs may drop the pacer) are drawn once the write is done, so
 * the total drawn is always data.length.
 */
export async function writeNewFileSynced(vfs: Vfs, path: string, data: Uint8Array, governor: Governor): Promise<void> {
  let drawnBytes = 0;
  const pace: WritePacer = (bytes) => {
    drawnBytes += bytes;
    return governor.acquire(bytes);
  };
  await vfs.writeFileSynced(path, data, pace);
  if (drawnBytes < data.length) await governor.acquire(data.length - drawnBytes);
}

/** Reads a table's whole file (its bytes go to the merge). */
export function readTableImage(table: TableHandle): Promise<Uint8Array> {
  return readChunked(table.file, table.meta.sizeBytes);
}

/**
 * Writes `outputs` (levels[i] is output i's level) durably; returns the opened handles. When the
 * disk is full, the files written so far (and the partial one) are removed before the error.
 */
export async function writeTables(context: BackgroundContext, outputs: readonly BuiltTable[], levels: readonly number[]): Promise<WrittenTables> {
  const metas: Array<ManifestTable | undefined> = [];
  const paths: string[] = [];
  let bytes = 0;
  try {
    for (let i = 0; i < outputs.length; i++) {
      const built = outputs[i] as BuiltTable;
      if (built.entries === 0) {
        metas.push(undefined);
        continue;
      }
      const fileNumber = context.manifest.allocateFileNumber();
      paths.push(joinPath(context.dir, tableName(fileNumber)));
      await writeNewFileSynced(context.options.vfs, paths[paths.length - 1] as string, built.image, context.governor);
      bytes += built.image.length;
      const { smallest, largest, minTs, maxTs, vlogRefs } = built;
      metas.push({ level: levels[i] as number, fileNumber, sizeBytes: built.image.length, minTs, maxTs, smallest, largest, vlogRefs });
    }
    if (bytes > 0) await context.options.vfs.syncDir(context.dir);
  } catch (error) {
    if (isSpaceError(error)) for (const path of paths) removeQuietly(context.options.vfs, path);
    throw error;
  }
  // One table opened (its index and filter decoded) per turn of the event loop: opening all the
  // outputs of a big compaction at once held foreground reads off for tens of milliseconds.
  const handles: Array<TableHandle | undefined> = [];
  for (const meta of metas) {
    if (meta !== undefined) await yieldToEventLoop();
    handles.push(meta === undefined ? undefined : context.flusher.openTable(meta));
  }
  // Warm the block cache with the new tables (free space only): reads of the keys they take over
  // would otherwise all miss at once when the job installs them (table-reader.ts warm()).
  for (const [i, handle] of handles.entries()) await handle?.reader.warm((outputs[i] as BuiltTable).image);
  // Written and copied into the cache: the images go to the worker to be dropped (request-worker.ts release()).
  releaseToCompactionWorker(outputs.map((built) => built.image));
  return { handles, bytes };
}

/** Closes and deletes output tables whose manifest edit failed for lack of space. */
export function discardTables(handles: ReadonlyArray<TableHandle | undefined>): void {
  for (const handle of handles) handle?.discard();
}
