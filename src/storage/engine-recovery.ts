/**
 * Recovery on open (DESIGN.md, Storage engine): superblock → manifest → replay the commit log from
 * the checkpoint → drop a torn tail → remove files no manifest references.
 *
 * Invariants:
 * - Replay applies whole commit records only, in log order, so a batch is all-or-nothing.
 * - A torn tail of the last commit-log segment (read by the 'preallocated' rule of log-record.ts:
 *   its zero-filled region, or a torn group whose pages survived in any order) is truncated away
 *   (durably) so that, once newer segments exist, it is never mistaken for corruption. So is a torn group: the last group of
 *   the log when a value it points at did not become durable (recovery-tail-check.ts).
 * - Files removed here are unreachable: commit-log segments below the checkpoint, SSTables and
 *   manifests the current manifest does not name, and `.trash` files (a removal a crash cut short).
 * - Value-log segments the manifest lists as removed by GC, and GC output segments (`.vgc`) it
 *   does not list (a GC run the crash cut short), are deleted; the removed list is then forgotten.
 * - A table the manifest names but the directory lacks is a CorruptionError.
 */
import { decodeCommitPayload } from './commit-group.js';
import type { CommitRecord } from './commit-record.js';
import { commitLogName } from './commit-log.js';
import { CorruptionError } from './errors.js';
import { readLogRecords } from './log-record.js';
import { TailPointerCheck } from './recovery-tail-check.js';
import { Manifest, manifestName } from './manifest.js';
import { Memtable } from './memtable.js';
import { gcVlogName, vlogName } from './vlog-record.js';
import { joinPath, type Vfs } from './vfs.js';
import { TRASH_SUFFIX } from './vfs-node.js';

export interface Recovered {
  readonly manifest: Manifest;
  readonly memtable: Memtable;
  readonly lastTs: number;
  /** Commit-log segments still needed (at or above the checkpoint), ascending. */
  readonly logSegments: number[];
  readonly vlogSegments: number[];
  /** Value-log GC output segments (`.vgc`) still live. */
  readonly gcVlogSegments: number[];
}

interface DirListing {
  readonly logs: number[];
  readonly tables: number[];
  readonly vlogs: number[];
  readonly gcVlogs: number[];
  readonly manifests: number[];
  readonly maxNumber: number;
}

const NAME_PATTERN = /^(?:(\d{6,})\.(log|sst|vlog|vgc)|MANIFEST-(\d{6,}))$/;

export function tableName(fileNumber: number): string {
  return `${String(fileNumber).padStart(6, '0')}.sst`;
}

function listDir(vfs: Vfs, dir: string): DirListing {
  const listing: DirListing = { logs: [], tables: [], vlogs: [], gcVlogs: [], manifests: [], maxNumber: 0 };
  let maxNumber = 0;
  for (const name of vfs.list(dir)) {
    if (name.endsWith(TRASH_SUFFIX)) vfs.remove(joinPath(dir, name));
    const match = NAME_PATTERN.exec(name);
    if (match === null) continue;
    const number = Number(match[1] ?? match[3]);
    maxNumber = Math.max(maxNumber, number);
    const kind = match[2];
    if (kind === 'log') listing.logs.push(number);
    else if (kind === 'sst') listing.tables.push(number);
    else if (kind === 'vlog') listing.vlogs.push(number);
    else if (kind === 'vgc') listing.gcVlogs.push(number);
    else listing.manifests.push(number);
  }
  for (const list of [listing.logs, listing.tables, listing.vlogs]) list.sort((a, b) => a - b);
  return { ...listing, maxNumber };
}

function applyRecords(records: readonly CommitRecord[], memtable: Memtable, lastTs: number, path: string, offset: number): number {
  for (const record of records) {
    if (record.commitTs <= lastTs) throw new CorruptionError(path, offset, 'commit ts does not increase');
    lastTs = record.commitTs;
    for (const entry of record.entries) memtable.add(entry.key, record.commitTs, entry.kind, entry.value);
  }
  return lastTs;
}

async function replayLog(vfs: Vfs, dir: string, segments: readonly number[], memtable: Memtable, check: TailPointerCheck): Promise<number> {
  let lastTs = 0;
  for (let i = 0; i < segments.length; i++) {
    const path = joinPath(dir, commitLogName(segments[i] as number));
    const file = vfs.openRead(path);
    const data = file.read(0, file.size());
    file.close();
    // Each group is applied once the next one is read; the last group of the last segment is
    // applied only if its values are durable (recovery-tail-check.ts), else cut away with the tail.
    let held: { records: CommitRecord[]; offset: number } | undefined;
    const onRecord = (payload: Uint8Array, offset: number): void => {
      if (held !== undefined) lastTs = applyRecords(held.records, memtable, lastTs, path, held.offset);
      held = { records: decodeCommitPayload(payload, path, offset), offset };
    };
    // Segments are preallocated (commit-log.ts): a torn group may leave any of its pages.
    const result = readLogRecords(data, path, i === segments.length - 1, onRecord, 'preallocated');
    let end = result.torn ? result.validEnd : -1;
    if (held !== undefined) {
      if (i < segments.length - 1 || check.intact(held.records, path, held.offset)) lastTs = applyRecords(held.records, memtable, lastTs, path, held.offset);
      else end = held.offset;
    }
    if (end >= 0) await vfs.truncate(path, end);
  }
  check.close();
  return lastTs;
}

/** Recovers the state of `dir` (created when absent). The caller holds the directory lock. */
export async function recover(vfs: Vfs, dir: string): Promise<Recovered> {
  const listing = listDir(vfs, dir);
  const neverUsed = listing.logs.length + listing.tables.length + listing.vlogs.length === 0;
  const manifest = Manifest.load(vfs, dir, neverUsed);
  const state = manifest.state;
  const present = new Set(listing.tables);
  for (const number of state.tables.keys()) {
    if (!present.has(number)) {
      throw new CorruptionError(joinPath(dir, manifestName(manifest.currentFileNumber)), 0, `names missing table ${tableName(number)}`);
    }
  }
  for (const number of listing.tables) if (!state.tables.has(number)) vfs.remove(joinPath(dir, tableName(number)));
  for (const number of listing.manifests) {
    if (number !== manifest.currentFileNumber) vfs.remove(joinPath(dir, manifestName(number)));
  }
  const stale = listing.logs.filter((segment) => segment < state.logCheckpoint);
  for (const segment of stale) vfs.remove(joinPath(dir, commitLogName(segment)));
  const logSegments = listing.logs.filter((segment) => segment >= state.logCheckpoint);
  const { vlogs, gcVlogs } = await removeDeadVlogs(vfs, dir, manifest, listing);
  const memtable = new Memtable();
  const replayedTs = await replayLog(vfs, dir, logSegments, memtable, new TailPointerCheck(vfs, dir, vlogs));
  state.nextFileNumber = Math.max(state.nextFileNumber, listing.maxNumber + 1);
  state.lastTs = Math.max(state.lastTs, replayedTs);
  await manifest.rotate();
  return { manifest, memtable, lastTs: state.lastTs, logSegments, vlogSegments: vlogs, gcVlogSegments: gcVlogs };
}

/** Deletes segments GC removed and GC outputs never installed; returns the live ones. */
async function removeDeadVlogs(vfs: Vfs, dir: string, manifest: Manifest, listing: DirListing): Promise<{ vlogs: number[]; gcVlogs: number[] }> {
  const state = manifest.state;
  const vlogs: number[] = [];
  const gcVlogs: number[] = [];
  let removed = false;
  for (const segment of listing.vlogs) {
    if (state.removedVlogs.has(segment)) {
      vfs.remove(joinPath(dir, vlogName(segment)));
      removed = true;
    } else vlogs.push(segment);
  }
  for (const segment of listing.gcVlogs) {
    if (state.gcVlogs.has(segment)) gcVlogs.push(segment);
    else {
      vfs.remove(joinPath(dir, gcVlogName(segment)));
      removed = true;
    }
  }
  if (removed) await vfs.syncDir(dir);
  state.removedVlogs.clear();
  return { vlogs, gcVlogs };
}
