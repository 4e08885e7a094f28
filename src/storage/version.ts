/**
 * Versions: immutable sets of open tables (L0 newest first, then deeper levels), reference
 * counted so a table file is deleted only when no reader can reach it (DESIGN.md, invariant 4).
 *
 * Invariants:
 * - A Version never changes after it is built; installing a flush builds a new one.
 * - Each TableHandle counts the Versions that hold it; a Version counts its pins (the engine's
 *   current pointer is one pin, each open iterator or snapshot another).
 * - When a table's count falls to zero and the manifest no longer references it (obsolete), its
 *   reader is closed and its file removed through `onObsolete`.
 * - Versions are numbered in creation order (`seq`); a VersionTracker knows the oldest one still
 *   pinned, so value-log segments are deleted only once every Version (and every scan, which holds
 *   the memtables of its time with its Version) older than the GC that replaced them is released.
 * - A compaction or GC edit builds the next Version from the current one (withEdit), so flushes
 *   installed meanwhile are kept; L0 stays newest first because compactions take every L0 table
 *   older than the newest they read and GC rewrites replace a table in place.
 */
import { assert } from '../util/assert.js';
import { compareInternalKeys } from './internal-key.js';
import type { ManifestTable } from './manifest-edit.js';
import type { TableReader } from './table-reader.js';
import type { VfsFile } from './vfs.js';

export class TableHandle {
  private versionRefs = 0;
  obsolete = false;

  constructor(
    /** Replaced (same file, new level) by a trivial move. */
    public meta: ManifestTable,
    readonly reader: TableReader,
    readonly file: VfsFile,
    private readonly onObsolete: (table: TableHandle) => void,
  ) {}

  ref(): void {
    this.versionRefs++;
  }

  unref(): void {
    assert(this.versionRefs > 0, 'table unref below zero');
    this.versionRefs--;
    if (this.versionRefs === 0 && this.obsolete) this.onObsolete(this);
  }

  /** Closes and deletes the file of a table no Version ever held (its job failed before the edit). */
  discard(): void {
    assert(this.versionRefs === 0 && !this.obsolete, 'discard of an installed table');
    this.obsolete = true;
    this.onObsolete(this);
  }
}

/** The set of Versions still pinned, oldest first by seq. */
export class VersionTracker {
  private nextSeq = 1;
  private readonly live = new Set<Version>();
  private readonly waiters: Array<{ readonly seq: number; readonly run: () => void }> = [];

  register(version: Version): number {
    this.live.add(version);
    return this.nextSeq++;
  }

  released(version: Version): void {
    this.live.delete(version);
    this.runReady();
  }

  /** The seq the next Version will get. */
  get upcomingSeq(): number {
    return this.nextSeq;
  }

  /** Runs `run` once no Version with seq < `seq` is pinned (at once if none is). */
  whenReleasedBelow(seq: number, run: () => void): void {
    this.waiters.push({ seq, run });
    this.runReady();
  }

  private oldestSeq(): number {
    let oldest = Infinity;
    for (const version of this.live) if (version.seq < oldest) oldest = version.seq;
    return oldest;
  }

  private runReady(): void {
    if (this.waiters.length === 0) return;
    const oldest = this.oldestSeq();
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i] as { readonly seq: number; readonly run: () => void };
      if (oldest >= waiter.seq) {
        this.waiters.splice(i, 1);
        waiter.run();
      }
    }
  }
}

/** A change of the table set: tables to remove (by file number) and tables to add per level. */
export interface VersionEdit {
  readonly remove: ReadonlySet<number>;
  /** New tables; an L0 entry with `replaces` takes that table's place in L0. */
  readonly add: ReadonlyArray<{ readonly level: number; readonly table: TableHandle; readonly replaces?: number }>;
}

export class Version {
  private pins = 1;
  readonly seq: number;

  /** levels[0] is L0 newest first; levels[n > 0] are sorted by smallest key, non-overlapping. */
  constructor(
    readonly levels: readonly (readonly TableHandle[])[],
    private readonly tracker?: VersionTracker,
  ) {
    for (const level of levels) for (const table of level) table.ref();
    this.seq = tracker === undefined ? 0 : tracker.register(this);
  }

  /** A new Version with `table` added as the newest L0 table (the pin count starts at one). */
  withL0Table(table: TableHandle): Version {
    const levels = this.levels.map((level) => [...level]);
    if (levels.length === 0) levels.push([]);
    (levels[0] as TableHandle[]).unshift(table);
    return new Version(levels, this.tracker);
  }

  /** A new Version with `edit` applied; deeper levels stay sorted by smallest key. */
  withEdit(edit: VersionEdit): Version {
    const levels: TableHandle[][] = this.levels.map((level) => [...level]);
    const replacing = new Map<number, TableHandle>();
    for (const { level, table, replaces } of edit.add) {
      if (level === 0 && replaces !== undefined) replacing.set(replaces, table);
      else {
        while (levels.length <= level) levels.push([]);
        (levels[level] as TableHandle[]).push(table);
      }
    }
    for (let i = 0; i < levels.length; i++) {
      const out: TableHandle[] = [];
      for (const table of levels[i] as TableHandle[]) {
        const number = table.meta.fileNumber;
        const replacement = i === 0 ? replacing.get(number) : undefined;
        if (replacement !== undefined) out.push(replacement);
        else if (!edit.remove.has(number) || edit.add.some((a) => a.table === table && a.level === i)) out.push(table);
      }
      if (i > 0) out.sort((a, b) => compareInternalKeys(a.meta.smallest, b.meta.smallest));
      levels[i] = out;
    }
    if (levels.length === 0) levels.push([]);
    return new Version(levels, this.tracker);
  }

  pin(): void {
    assert(this.pins > 0, 'pin of a released version');
    this.pins++;
  }

  unpin(): void {
    assert(this.pins > 0, 'version unpinned below zero');
    this.pins--;
    if (this.pins > 0) return;
    for (const level of this.levels) for (const table of level) table.unref();
    this.tracker?.released(this);
  }

  /** Every table, L0 newest first then each deeper level in key order. */
  *tables(): IterableIterator<TableHandle> {
    for (const level of this.levels) yield* level;
  }

  get tableCount(): number {
    let count = 0;
    for (const level of this.levels) count += level.length;
    return count;
  }
}
