/**
 * One compaction run (DESIGN.md, Compaction): read the input tables through the Vfs, merge them in
 * the worker, write the outputs durably, install them with ONE manifest edit (outputs added, inputs
 * removed, discard stats updated), then swap the Version. Input files are deleted by their
 * TableHandles once no Version (scan, snapshot iterator) holds them.
 *
 * Invariants:
 * - Only one background job (compaction or GC) runs at a time, so its inputs are still in the
 *   current Version when it installs; flushes installed meanwhile only added newer L0 tables.
 * - A trivial move rewrites no data: one edit removes the table from its level and adds it, same
 *   file, one level down.
 * - No space for the outputs or the edit: the outputs are deleted, nothing is installed, the error
 *   goes to the compactor (which retries later).
 * - Logged: start (debug: levels, input tables and bytes) and end (info: also output tables and
 *   bytes, entries dropped, duration); a trivial move is one info line.
 * - A crash before the edit leaves output files the manifest does not name (recovery deletes
 *   them); after it, inputs the manifest no longer names (recovery deletes them too).
 */
import { builderOptions, discardTables, readTableImage, runMerge, writeTables, type BackgroundContext } from './background-context.js';
import { isSpaceError } from './errors.js';
import type { CompactionPick } from './compaction-picker.js';
import type { ManifestEdit } from './manifest-edit.js';
import type { TableHandle } from './version.js';

export interface CompactionCounters {
  compactions: number;
  trivialMoves: number;
  compactionBytesRead: number;
  compactionBytesWritten: number;
  compactionMs: number;
  compactionEntriesDropped: number;
  /** Bytes of value-log records that compactions made garbage (sum of discard stats added). */
  discardBytes: number;
}

export function newCompactionCounters(): CompactionCounters {
  return { compactions: 0, trivialMoves: 0, compactionBytesRead: 0, compactionBytesWritten: 0, compactionMs: 0, compactionEntriesDropped: 0, discardBytes: 0 };
}

/** Discard-stat entries after adding `deltas` to the manifest's current values. */
export function addDiscards(context: BackgroundContext, deltas: ReadonlyArray<readonly [number, number]>): Array<readonly [number, number]> {
  const current = context.manifest.state.vlogDiscards;
  const present = new Set(context.vlog.segments());
  const out: Array<readonly [number, number]> = [];
  for (const [segment, bytes] of deltas) {
    if (present.has(segment)) out.push([segment, (current.get(segment) ?? 0) + bytes]);
  }
  return out;
}

async function trivialMove(context: BackgroundContext, pick: CompactionPick): Promise<void> {
  const table = pick.inputs[0] as TableHandle;
  const moved = { ...table.meta, level: pick.outputLevel };
  await context.manifest.apply({ removeTables: [{ level: pick.level, fileNumber: moved.fileNumber }], addTables: [moved] });
  table.meta = moved;
  const version = context.flusher.version.withEdit({ remove: new Set([moved.fileNumber]), add: [{ level: pick.outputLevel, table }] });
  context.flusher.replaceVersion(version);
}

/** Runs `pick`; returns false when the engine stopped meanwhile (nothing installed). */
export async function runCompaction(context: BackgroundContext, pick: CompactionPick, counters: CompactionCounters): Promise<boolean> {
  const start = performance.now();
  const logger = context.options.logger;
  if (pick.trivialMove) {
    await trivialMove(context, pick);
    counters.trivialMoves++;
    const table = (pick.inputs[0] as TableHandle).meta;
    logger.info({ level: pick.level, outputLevel: pick.outputLevel, fileNumber: table.fileNumber, tableBytes: table.sizeBytes }, 'compaction: trivial move');
    return true;
  }
  const inputs = [...pick.inputs, ...pick.overlaps];
  const fields = { level: pick.level, outputLevel: pick.outputLevel, inputTables: inputs.length, inputBytes: inputs.reduce((sum, t) => sum + t.meta.sizeBytes, 0) };
  logger.debug(fields, 'compaction start');
  let bytesRead = 0;
  for (const table of inputs) bytesRead += table.meta.sizeBytes;
  // Only the outputs draw from the governor (writeTables), as its budget is of background writes
  // (governor.ts, option backgroundBytesPerSecMax; RocksDB's rate limiter default, writes only):
  // charging the inputs too halved the budget of compactions alone — GC never charged its reads —
  // and slowed the L0 merges every read waits for.
  const safePointTs = context.safePointTs();
  const result = await runMerge(context, async () => {
    const images: Uint8Array[] = [];
    for (const table of inputs) images.push(await readTableImage(table));
    return { tables: images, safePointTs, dropTombstones: pick.dropTombstones, targetTableBytes: context.options.tableBytesTarget, perInput: false, builder: builderOptions(context.options, pick.outputLevel) };
  });
  const written = await writeTables(context, result.outputs, result.outputs.map(() => pick.outputLevel));
  const added = written.handles.filter((handle): handle is TableHandle => handle !== undefined);
  const edit: ManifestEdit = {
    removeTables: inputs.map((table) => ({ level: table.meta.level, fileNumber: table.meta.fileNumber })),
    addTables: added.map((handle) => handle.meta),
    vlogDiscards: addDiscards(context, result.discards),
  };
  try {
    await context.manifest.apply(edit);
  } catch (error) {
    if (isSpaceError(error)) discardTables(added);
    throw error;
  }
  for (const table of inputs) table.obsolete = true;
  const version = context.flusher.version.withEdit({
    remove: new Set(inputs.map((table) => table.meta.fileNumber)),
    add: added.map((table) => ({ level: pick.outputLevel, table })),
  });
  context.flusher.replaceVersion(version);
  counters.compactions++;
  counters.compactionBytesRead += bytesRead;
  counters.compactionBytesWritten += written.bytes;
  counters.compactionEntriesDropped += result.entriesDropped;
  for (const [, bytes] of result.discards) counters.discardBytes += bytes;
  const durationMs = performance.now() - start;
  counters.compactionMs += durationMs;
  const outcome = { outputTables: added.length, outputBytes: written.bytes, entriesDropped: result.entriesDropped, durationMs: Math.round(durationMs) };
  logger.info({ ...fields, ...outcome }, 'compaction end');
  return true;
}
