/**
 * ReadSet: what a SERIALIZABLE transaction read — point keys and scanned ranges — validated at
 * commit against the keys other transactions committed since its snapshot.
 *
 * Invariants:
 * - The recorded set is always a superset of what was read (it may only grow coarser): past
 *   `keysMax` points the points collapse into their hull range; past `rangesMax` ranges the
 *   ranges collapse into their hull. Memory stays bounded; validation stays correct (it may
 *   report conflicts that a finer set would not).
 * - A scan's range is recorded whole when the scan starts and narrowed to what it returned if it
 *   stops early (limit reached or return()): rows beyond the last returned key were not read.
 */
import type { StringRange } from './key-range.js';
import { rangeContains, rangeHull } from './key-range.js';

export class ReadSet {
  private readonly points = new Set<string>();
  private ranges: StringRange[] = [];

  constructor(
    private readonly keysMax: number,
    private readonly rangesMax: number,
  ) {}

  isEmpty(): boolean {
    return this.points.size === 0 && this.ranges.length === 0;
  }

  addPoint(keyString: string): void {
    this.points.add(keyString);
    if (this.points.size <= this.keysMax) return;
    let hull: StringRange | undefined = undefined;
    for (const key of this.points) {
      const point: StringRange = { low: key, lowInclusive: true, high: key, highInclusive: true };
      hull = hull === undefined ? point : rangeHull(hull, point);
    }
    this.points.clear();
    if (hull !== undefined) this.addRange(hull);
  }

  /** Records `range`; the returned object may be narrowed later by the scan that read it. */
  addRange(range: StringRange): StringRange {
    const recorded: StringRange = { ...range };
    this.ranges.push(recorded);
    if (this.ranges.length > this.rangesMax) {
      let hull = this.ranges[0] as StringRange;
      for (const other of this.ranges) hull = rangeHull(hull, other);
      this.ranges = [hull];
    }
    return recorded; // detached once collapsed: narrowing it then changes nothing
  }

  /** True if `keyString` is inside what was read. */
  contains(keyString: string): boolean {
    if (this.points.has(keyString)) return true;
    for (const range of this.ranges) if (rangeContains(range, keyString)) return true;
    return false;
  }

  pointCount(): number {
    return this.points.size;
  }

  rangeCount(): number {
    return this.ranges.length;
  }

  pointKeys(): IterableIterator<string> {
    return this.points.values();
  }
}
