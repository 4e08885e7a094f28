/**
 * What compaction and value-log GC jobs need from the engine, and the steps they share: running a
 * merge (in the worker or inline) and writing its output tables durably through the Vfs.
 *
 * Invariants:
 * - Output table files are written and fsynced, and the directory synced, before any manifest
 *   edit names them (DESIGN.md, invariant 4); every write first draws from the governor.
 * - An output that merged to nothing (entries 0) is not written.
 * - Big inputs are read and big outputs written in READ_CHUNK_BYTES pieces with a yield to the
 *   event loop between them, so foreground work is never blocked by one long synchronous call.
 */
import type { BuiltTable } from './flush-build.js';
import { tableName } from './engine-recovery.js';
import { mergeInWorker } from './compaction-worker-client.js';
import { mergeTables, type MergeRequest, type MergeResult } from './compaction-merge.js';
import type { Flusher } from './flusher.js';
import type { Governor } from './governor.js';
import type { Manifest } from './manifest.js';
import type { ManifestTable } from './manifest-edit.js';
import type { ResolvedOptions } from './options.js';
import type { ValueLog } from './value-log.js';
import type { TableHandle } from './version.js';
import { joinPath, type Vfs, type VfsFile } from './vfs.js';
import type { FindVersion } from './vlog-liveness.js';

export interface BackgroundContext {
  readonly dir: string;
  readonly options: ResolvedOptions;
  readonly manifest: Manifest;
  readonly flusher: Flusher;
  readonly vlog: ValueLog;
  readonly governor: Governor;
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

export function builderOptions(options: ResolvedOptions): MergeRequest['builder'] {
  return { blockBytes: options.blockBytes, restartInterval: options.restartInterval, bloomBitsPerKey: options.bloomBitsPerKey };
}

export function runMerge(context: BackgroundContext, request: MergeRequest): Promise<MergeResult> {
  return context.options.flushInWorker ? mergeInWorker(request) : Promise.resolve(mergeTables(request));
}

/** Bytes read between two yields to the event loop (a big input never blocks foreground work long). */
const READ_CHUNK_BYTES = 1024 * 1024;

/** Reads `size` bytes of `file` in chunks, yielding to the event loop between them. */
export async function readChunked(file: VfsFile, size: number): Promise<Uint8Array> {
  const out = Buffer.allocUnsafe(size);
  for (let offset = 0; offset < size; offset += READ_CHUNK_BYTES) {
    const chunk = file.read(offset, Math.min(READ_CHUNK_BYTES, size - offset));
    out.set(chunk, offset);
    if (chunk.length < Math.min(READ_CHUNK_BYTES, size - offset)) return out.subarray(0, offset + chunk.length);
    if (offset + READ_CHUNK_BYTES < size) await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}

/**
 * Writes `data` as the new file `path` in chunks, yielding between them, then syncs it: the
 * file is new (a fresh file number) and named by no manifest edit until this resolves.
 */
export async function writeChunked(vfs: Vfs, path: string, data: Uint8Array): Promise<void> {
  if (data.length <= READ_CHUNK_BYTES) return vfs.writeFileSynced(path, data);
  const file = vfs.openAppend(path);
  try {
    for (let offset = 0; offset < data.length; offset += READ_CHUNK_BYTES) {
      file.append(data.subarray(offset, Math.min(data.length, offset + READ_CHUNK_BYTES)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await file.sync();
  } finally {
    file.close();
  }
}

/** Reads a table's whole file (its bytes go to the merge). */
export function readTableImage(table: TableHandle): Promise<Uint8Array> {
  return readChunked(table.file, table.meta.sizeBytes);
}

/** Writes `outputs` (levels[i] is output i's level) durably; returns the opened handles. */
export async function writeTables(context: BackgroundContext, outputs: readonly BuiltTable[], levels: readonly number[]): Promise<WrittenTables> {
  const metas: Array<ManifestTable | undefined> = [];
  let bytes = 0;
  for (let i = 0; i < outputs.length; i++) {
    const built = outputs[i] as BuiltTable;
    if (built.entries === 0) {
      metas.push(undefined);
      continue;
    }
    await context.governor.acquire(built.image.length);
    const fileNumber = context.manifest.allocateFileNumber();
    await writeChunked(context.options.vfs, joinPath(context.dir, tableName(fileNumber)), built.image);
    bytes += built.image.length;
    const { smallest, largest, minTs, maxTs, vlogRefs } = built;
    metas.push({ level: levels[i] as number, fileNumber, sizeBytes: built.image.length, minTs, maxTs, smallest, largest, vlogRefs });
  }
  if (bytes > 0) await context.options.vfs.syncDir(context.dir);
  return { handles: metas.map((meta) => (meta === undefined ? undefined : context.flusher.openTable(meta))), bytes };
}
