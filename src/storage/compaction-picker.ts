/**
 * Which compaction to run next (DESIGN.md, Compaction): L0 is tiered — once it holds
 * l0CompactionTrigger tables, all of them merge with the L1 tables they overlap, or, while those
 * L1 tables hold more than INTRA_L0_RATIO × the L0 bytes, with each other into one L0 table (an
 * intra-L0 compaction, as RocksDB's: rewriting a big L1 for a little L0 costs most of the budget
 * and lets L0 grow, which every read pays a table probe for); L1 and below are
 * leveled — once level n passes levelBaseBytes × levelSizeMultiplier^(n-1), one of its tables
 * (round robin by key) merges with the level n+1 tables it overlaps, or moves down unchanged when
 * none overlaps (a trivial move).
 *
 * Invariants:
 * - An L0 compaction takes every L0 table present when it is picked; tables flushed later are
 *   newer than all of them, so L0 stays newest first and L1 holds only older versions. An
 *   intra-L0 output takes the oldest place in L0 (Version.withEdit appends it) and its ts range
 *   lies below every table flushed meanwhile, so recovery's order (maxTs) agrees.
 * - An intra-L0 compaction needs at least two L0 tables and a trigger of at least two, so its one
 *   output never triggers another at once.
 * - Output ranges never overlap a table of the output level that is not an input.
 * - dropTombstones only when no table below the output level overlaps the key range.
 * - The last level (LEVELS_MAX - 1) is never an input of a size-triggered compaction.
 */
import { compareUserKeys, internalUserKey } from './internal-key.js';
import { LEVELS_MAX, type ResolvedOptions } from './options.js';
import type { TableHandle, Version } from './version.js';

/** Intra-L0 while the overlapped L1 bytes exceed this many times the L0 bytes (see the header). */
export const INTRA_L0_RATIO = 2;

export interface CompactionPick {
  readonly level: number;
  readonly outputLevel: number;
  readonly inputs: readonly TableHandle[];
  /** Tables of the output level that the inputs overlap (merged with them). */
  readonly overlaps: readonly TableHandle[];
  readonly trivialMove: boolean;
  readonly dropTombstones: boolean;
}

interface KeyRange {
  readonly smallest: Uint8Array;
  readonly largest: Uint8Array;
}

function rangeOf(tables: readonly TableHandle[]): KeyRange {
  let smallest = internalUserKey((tables[0] as TableHandle).meta.smallest);
  let largest = internalUserKey((tables[0] as TableHandle).meta.largest);
  for (const table of tables) {
    const low = internalUserKey(table.meta.smallest);
    const high = internalUserKey(table.meta.largest);
    if (compareUserKeys(low, smallest) < 0) smallest = low;
    if (compareUserKeys(high, largest) > 0) largest = high;
  }
  return { smallest, largest };
}

function overlapping(level: readonly TableHandle[] | undefined, range: KeyRange): TableHandle[] {
  const out: TableHandle[] = [];
  for (const table of level ?? []) {
    if (compareUserKeys(internalUserKey(table.meta.largest), range.smallest) < 0) continue;
    if (compareUserKeys(internalUserKey(table.meta.smallest), range.largest) > 0) continue;
    out.push(table);
  }
  return out;
}

export function levelBytes(level: readonly TableHandle[] | undefined): number {
  let total = 0;
  for (const table of level ?? []) total += table.meta.sizeBytes;
  return total;
}

export function levelTargetBytes(level: number, options: ResolvedOptions): number {
  return options.levelBaseBytes * options.levelSizeMultiplier ** (level - 1);
}

/** The compaction of `inputs` (from `level`) into `outputLevel`, with its overlaps. */
export function planCompaction(version: Version, level: number, outputLevel: number, inputs: readonly TableHandle[]): CompactionPick {
  const levels = version.levels;
  const range = rangeOf(inputs);
  const overlaps = outputLevel === level ? [] : overlapping(levels[outputLevel], range);
  const all = overlaps.length === 0 ? range : rangeOf([...inputs, ...overlaps]);
  let dropTombstones = true;
  for (let deeper = outputLevel + 1; deeper < levels.length; deeper++) {
    if (overlapping(levels[deeper], all).length > 0) dropTombstones = false;
  }
  const trivialMove = overlaps.length === 0 && inputs.length === 1 && outputLevel !== level;
  return { level, outputLevel, inputs, overlaps, trivialMove, dropTombstones };
}

/** The most urgent compaction (score >= 1), or undefined. `cursors` holds per-level round-robin keys. */
export function pickCompaction(version: Version, options: ResolvedOptions, cursors: Array<Uint8Array | undefined>): CompactionPick | undefined {
  const levels = version.levels;
  let bestLevel = -1;
  let bestScore = 1;
  const l0 = levels[0] ?? [];
  if (l0.length / options.l0CompactionTrigger >= bestScore) {
    bestLevel = 0;
    bestScore = l0.length / options.l0CompactionTrigger;
  }
  for (let level = 1; level < Math.min(levels.length, LEVELS_MAX - 1); level++) {
    const score = levelBytes(levels[level]) / levelTargetBytes(level, options);
    if (score > bestScore) {
      bestLevel = level;
      bestScore = score;
    }
  }
  if (bestLevel < 0) return undefined;
  if (bestLevel === 0) return pickL0(version, options, l0);
  const tables = levels[bestLevel] as readonly TableHandle[];
  const cursor = cursors[bestLevel];
  let chosen = tables[0] as TableHandle;
  if (cursor !== undefined) {
    const next = tables.find((table) => compareUserKeys(internalUserKey(table.meta.smallest), cursor) > 0);
    if (next !== undefined) chosen = next;
  }
  cursors[bestLevel] = internalUserKey(chosen.meta.largest).slice();
  return planCompaction(version, bestLevel, bestLevel + 1, [chosen]);
}

/** The L0 compaction: into L1, or intra-L0 while L1 dwarfs L0 (see the header). */
function pickL0(version: Version, options: ResolvedOptions, l0: readonly TableHandle[]): CompactionPick {
  const intoL1 = planCompaction(version, 0, 1, l0);
  if (l0.length < 2 || options.l0CompactionTrigger < 2) return intoL1;
  if (levelBytes(intoL1.overlaps) <= INTRA_L0_RATIO * levelBytes(l0)) return intoL1;
  return planCompaction(version, 0, 0, l0);
}

/** A compaction of every table into one level (the deepest non-empty one, at least L1). */
export function pickFullCompaction(version: Version): CompactionPick | undefined {
  const levels = version.levels;
  const inputs: TableHandle[] = [];
  let deepest = 1;
  for (let level = 0; level < levels.length; level++) {
    const tables = levels[level] as readonly TableHandle[];
    if (tables.length > 0 && level > deepest) deepest = level;
    inputs.push(...tables);
  }
  if (inputs.length === 0) return undefined;
  return { level: 0, outputLevel: deepest, inputs, overlaps: [], trivialMove: false, dropTombstones: true };
}
