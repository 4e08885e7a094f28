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
 */
import { assert } from '../util/assert.js';
import type { ManifestTable } from './manifest-edit.js';
import type { TableReader } from './table-reader.js';
import type { VfsFile } from './vfs.js';

export class TableHandle {
  private versionRefs = 0;
  obsolete = false;

  constructor(
    readonly meta: ManifestTable,
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
}

export class Version {
  private pins = 1;

  /** levels[0] is L0 newest first; levels[n > 0] are sorted by smallest key, non-overlapping. */
  constructor(readonly levels: readonly (readonly TableHandle[])[]) {
    for (const level of levels) for (const table of level) table.ref();
  }

  /** A new Version with `table` added as the newest L0 table (the pin count starts at one). */
  withL0Table(table: TableHandle): Version {
    const levels = this.levels.map((level) => [...level]);
    if (levels.length === 0) levels.push([]);
    (levels[0] as TableHandle[]).unshift(table);
    return new Version(levels);
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
