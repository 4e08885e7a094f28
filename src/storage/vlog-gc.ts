/**
 * Value-log GC (DESIGN.md, Value-log GC): a segment whose garbage ratio passes vlogGcThreshold is
 * collected. Its live records are copied into a new segment `NNNNNN.vgc` and every table that
 * points into it is rewritten in place with the pointers remapped — same internal keys (user key,
 * ts, kind), same level, same L0 position — then ONE manifest edit swaps the tables, lists the new
 * segment and marks the old one removed. The old segment is deleted once every Version older than
 * the edit is released.
 *
 * Invariant (no resurrection, docs/format.md "Value-log GC"): GC never adds a version; it only
 * changes where the value of an existing version lives, or drops a version that compaction rules
 * allow to drop (shadowed at or below the safe point). So every read at every ts sees the same
 * version before and after, and a deleted or overwritten key can never reappear.
 *
 * Invariants:
 * - A segment is a candidate only if it is not the active segment and lies below every live
 *   memtable's floor: then every pointer into it sits in a table of the current Version (and the
 *   commit log after the checkpoint holds none), so rewriting those tables reaches all of them.
 * - Garbage ratio = max(discard stats / size, 1 − bytes the tables point at / size).
 * - Readers of older Versions (and scans holding old memtables) may still follow pointers into the
 *   old segment: deletion waits for VersionTracker.whenReleasedBelow(new Version).
 * - Tables written before vlog references were recorded (no vlogRefs) are scanned once, on demand.
 */
import { builderOptions, discardTables, readChunked, readTableImage, runMerge, writeNewFileSynced, writeTables, type BackgroundContext } from './background-context.js';
import { isSpaceError } from './errors.js';
import { addDiscards } from './compaction-job.js';
import { releaseToCompactionWorker } from './compaction-worker-client.js';
import { countPointer } from './flush-build.js';
import type { ManifestEdit } from './manifest-edit.js';
import { gcVlogName } from './vlog-record.js';
import type { TableHandle, VersionEdit } from './version.js';
import { joinPath, removeQuietly } from './vfs.js';
import { measureLiveness } from './vlog-liveness.js';

export interface GcCounters {
  gcRuns: number;
  gcBytesRewritten: number;
  gcTableBytesWritten: number;
  gcBytesReclaimed: number;
  gcMs: number;
}

export function newGcCounters(): GcCounters {
  return { gcRuns: 0, gcBytesRewritten: 0, gcTableBytesWritten: 0, gcBytesReclaimed: 0, gcMs: 0 };
}

/** The table's value-log references (computed by a scan for tables recorded without them). */
function vlogRefsOf(table: TableHandle): ReadonlyArray<readonly [number, number]> {
  if (table.meta.vlogRefs !== undefined) return table.meta.vlogRefs;
  const refs = new Map<number, number>();
  const iterator = table.reader.iterator();
  for (iterator.seekToFirst(); iterator.valid(); iterator.next()) countPointer(refs, iterator.key(), iterator.value());
  iterator.close();
  table.meta = { ...table.meta, vlogRefs: [...refs] };
  return table.meta.vlogRefs as ReadonlyArray<readonly [number, number]>;
}

/** Bytes each segment is pointed at by the tables of the current Version. */
export function liveVlogBytes(context: BackgroundContext): Map<number, number> {
  const live = new Map<number, number>();
  for (const table of context.flusher.version.tables()) {
    for (const [segment, bytes] of vlogRefsOf(table)) live.set(segment, (live.get(segment) ?? 0) + bytes);
  }
  return live;
}

export interface GcPick {
  readonly segment: number;
  readonly image: Uint8Array;
  readonly deadOffsets: number[];
}

/** Estimated garbage ratio of each eligible segment, highest first. */
function estimates(context: BackgroundContext): Array<{ segment: number; ratio: number }> {
  const { vlog, manifest } = context;
  const active = vlog.activeSegmentNumber;
  const floor = context.memtableSegmentFloor();
  const live = liveVlogBytes(context);
  const out: Array<{ segment: number; ratio: number }> = [];
  for (const segment of vlog.segments()) {
    if (segment === active || segment >= floor) continue;
    const size = vlog.segmentBytes(segment);
    if (size === 0) continue;
    const discard = (manifest.state.vlogDiscards.get(segment) ?? 0) / size;
    out.push({ segment, ratio: Math.max(discard, 1 - (live.get(segment) ?? 0) / size) });
  }
  return out.sort((a, b) => b.ratio - a.ratio);
}

/**
 * The segment most worth collecting, or undefined. Segments whose estimated garbage ratio passes
 * EXACT_CHECK_RATIO × threshold get an exact liveness check (at most EXACT_CHECKS_MAX per pick; a
 * segment found below the threshold is checked again only once its estimate rose or a few flushes
 * wrote newer versions), since the estimate counts versions shadowed across levels as live until
 * a compaction merges them.
 */
export async function pickGc(context: BackgroundContext, checked: Map<number, ExactCheck>): Promise<GcPick | undefined> {
  const threshold = context.options.vlogGcThreshold;
  const flushes = context.flusher.flushes;
  let checks = 0;
  const all = estimates(context);
  const candidates = all.filter(({ ratio }) => ratio >= threshold * EXACT_CHECK_RATIO);
  // The oldest segment is checked too (however low its estimate): overwrites not yet merged by a
  // compaction show in no estimate, and the oldest segment has had the most of them.
  const oldest = all.reduce<{ segment: number; ratio: number } | undefined>((min, e) => (min === undefined || e.segment < min.segment ? e : min), undefined);
  if (oldest !== undefined && !candidates.includes(oldest)) candidates.push(oldest);
  for (const { segment, ratio } of candidates) {
    if (checks >= EXACT_CHECKS_MAX) break;
    const last = checked.get(segment);
    if (ratio < threshold && last !== undefined && ratio <= last.ratio + RECHECK_RATIO_STEP && flushes - last.flushes < RECHECK_FLUSHES) continue;
    checks++;
    const size = context.vlog.segmentBytes(segment);
    const image = await readChunked(context.vlog.segmentFile(segment), size);
    const liveness = await measureLiveness(image, segment, context.findVersion, context.safePointTs());
    if (context.vlog.segmentBytes(segment) !== size) continue;
    if (1 - liveness.liveBytes / size >= threshold) return { segment, image, deadOffsets: liveness.deadOffsets };
    releaseToCompactionWorker([image]); // a whole segment read for nothing: dropped off the event loop's heap
    checked.set(segment, { ratio, flushes });
  }
  return undefined;
}

/** When a segment's last exact check found it below the threshold (see pickGc). */
export interface ExactCheck {
  readonly ratio: number;
  readonly flushes: number;
}

const EXACT_CHECK_RATIO = 0.4;
const EXACT_CHECKS_MAX = 2;
/** A segment is checked again once its estimate rose this much, or after this many flushes. */
const RECHECK_RATIO_STEP = 0.02;
const RECHECK_FLUSHES = 2;

/** What a GC run wrote so far: deleted again when it fails for lack of space. */
interface GcOutputs {
  gcSegment: number | undefined;
  handles: Array<TableHandle | undefined>;
}

/**
 * Collects `segment` (see the module comment). Logged: start (debug) and end (info: live and
 * garbage bytes, bytes rewritten, duration). No space: its outputs are deleted before the error.
 */
export async function runGc(context: BackgroundContext, pick: GcPick, counters: GcCounters): Promise<void> {
  const start = performance.now();
  const logger = context.options.logger;
  const size = pick.image.length;
  logger.debug({ segment: pick.segment, segmentBytes: size, deadRecords: pick.deadOffsets.length }, 'gc start');
  const outputs: GcOutputs = { gcSegment: undefined, handles: [] };
  try {
    await collect(context, pick, counters, outputs);
  } catch (error) {
    if (isSpaceError(error)) {
      discardTables(outputs.handles);
      if (outputs.gcSegment !== undefined) context.vlog.remove(outputs.gcSegment);
    }
    throw error;
  }
  const rewritten = outputs.gcSegment === undefined ? 0 : context.vlog.segmentBytes(outputs.gcSegment);
  const durationMs = performance.now() - start;
  counters.gcRuns++;
  counters.gcBytesRewritten += rewritten;
  counters.gcBytesReclaimed += size;
  counters.gcMs += durationMs;
  const tableBytes = outputs.handles.reduce((sum, handle) => sum + (handle?.meta.sizeBytes ?? 0), 0);
  logger.info(
    { segment: pick.segment, gcSegment: outputs.gcSegment, liveBytes: rewritten, garbageBytes: size - rewritten, rewrittenBytes: rewritten, tableBytes, durationMs: Math.round(durationMs) },
    'gc end',
  );
}

async function collect(context: BackgroundContext, pick: GcPick, counters: GcCounters, outputs: GcOutputs): Promise<void> {
  const { segment, image, deadOffsets } = pick;
  const { vlog, manifest, flusher } = context;
  const tables: TableHandle[] = [];
  for (const table of flusher.version.tables()) {
    if (vlogRefsOf(table).some(([s]) => s === segment)) tables.push(table);
  }
  const edit: ManifestEdit = { removeVlogs: [segment] };
  const versionEdit: { remove: Set<number>; add: Array<{ level: number; table: TableHandle; replaces?: number }> } = { remove: new Set(), add: [] };
  if (tables.length > 0) {
    const target = manifest.allocateFileNumber();
    const safePointTs = context.safePointTs();
    const segmentBytes = image.length;
    let segmentImage: Uint8Array | undefined = image;
    const result = await runMerge(context, async () => {
      // A retry after the worker failed: the first image went to the thread, read it again.
      segmentImage ??= await readChunked(vlog.segmentFile(segment), segmentBytes);
      const gc = { segment, image: segmentImage, targetSegment: target, deadOffsets };
      segmentImage = undefined;
      const builder = builderOptions(context.options, 1);
      const inputBuilders = tables.map((table) => builderOptions(context.options, table.meta.level));
      return { tables: await Promise.all(tables.map(readTableImage)), safePointTs, dropTombstones: false, targetTableBytes: Infinity, perInput: true, builder, inputBuilders, gc };
    });
    const vlogImage = result.vlogImage ?? new Uint8Array(0);
    if (vlogImage.length > 0) {
      const path = joinPath(context.dir, gcVlogName(target));
      try {
        // Paced chunk by chunk (a segment is up to vlogSegmentBytesMax, 64 MiB by default).
        await writeNewFileSynced(context.options.vfs, path, vlogImage, context.governor);
      } catch (error) {
        if (isSpaceError(error)) removeQuietly(context.options.vfs, path);
        throw error;
      }
      releaseToCompactionWorker([vlogImage]);
      vlog.addGcSegment(target);
      outputs.gcSegment = target;
      edit.addGcVlogs = [target];
    }
    const written = await writeTables(context, result.outputs, tables.map((table) => table.meta.level));
    outputs.handles = written.handles;
    counters.gcTableBytesWritten += written.bytes;
    edit.removeTables = tables.map((table) => ({ level: table.meta.level, fileNumber: table.meta.fileNumber }));
    edit.addTables = [];
    edit.vlogDiscards = addDiscards(context, result.discards.filter(([s]) => s !== segment));
    for (const [i, table] of tables.entries()) {
      versionEdit.remove.add(table.meta.fileNumber);
      const handle = written.handles[i];
      if (handle === undefined) continue;
      edit.addTables.push(handle.meta);
      versionEdit.add.push({ level: table.meta.level, table: handle, ...(table.meta.level === 0 ? { replaces: table.meta.fileNumber } : {}) });
    }
  }
  await manifest.apply(edit);
  install(context, tables, versionEdit, segment);
}

function install(context: BackgroundContext, tables: readonly TableHandle[], edit: VersionEdit, segment: number): void {
  for (const table of tables) table.obsolete = true;
  const version = context.flusher.version.withEdit(edit);
  context.flusher.replaceVersion(version);
  context.flusher.tracker.whenReleasedBelow(version.seq, () => context.vlog.remove(segment));
}
