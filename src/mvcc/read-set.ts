/**
 * ReadSet: what a SERIALIZABLE transaction read — point keys and scanned ranges — validated at
 * commit against the keys other transactions committed since its snapshot.
 *
 * Invariants:
 * - The recorded set is always a superset of what was read (it may only grow coarser): past
 *   `keysMax` points the points collapse into their hull range; past `rangesMax` ranges the
 *   ranges are sorted, merged where they overlap, and neighbours are joined pairwise (the gap
 *   between two neighbours is the only thing added). Memory stays bounded; validation stays
 *   correct (it may report conflicts that a finer set would not).
 * - A scan's range is recorded whole when the scan starts and narrowed to what it returned if it
 *   stops early (limit reached or return()): rows beyond the last returned key were not read.
 *   A range that was merged is detached: narrowing it then changes nothing (still a superset).
 * - After prepare(), `ranges` are sorted and disjoint, so contains() is a binary search.
 */
import type { StringRange } from './key-range.js';
import { aboveLow, belowHigh, rangeContains, rangeHull } from './key-range.js';

export class ReadSet {
  private readonly points = new Set<string>();
  private ranges: StringRange[] = [];
  private prepared = false;

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
    this.prepared = false;
    if (this.ranges.length > this.rangesMax) this.coarsen();
    return recorded;
  }

  /** Sorts and merges the ranges (call before a run of contains()). */
  prepare(): void {
    if (this.prepared) return;
    this.ranges = normalize(this.ranges);
    this.prepared = true;
  }

  /** True if `keyString` is inside what was read. */
  contains(keyString: string): boolean {
    if (this.points.has(keyString)) return true;
    if (!this.prepared) {
      for (const range of this.ranges) if (rangeContains(range, keyString)) return true;
      return false;
    }
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (aboveLow(this.ranges[mid] as StringRange, keyString)) lo = mid + 1;
      else hi = mid;
    }
    const candidate = this.ranges[lo - 1];
    return candidate !== undefined && belowHigh(candidate, keyString);
  }

  rangeCount(): number {
    return this.ranges.length;
  }

  pointKeys(): IterableIterator<string> {
    return this.points.values();
  }

  private coarsen(): void {
    const merged = normalize(this.ranges);
    const joined: StringRange[] = [];
    for (let i = 0; i < merged.length; i += 2) {
      const a = merged[i] as StringRange;
      const b = merged[i + 1];
      joined.push(b === undefined ? a : rangeHull(a, b));
    }
    this.ranges = joined;
    this.prepared = true;
  }
}

/** Copies of `ranges`, sorted by low bound and merged where they overlap or touch: disjoint. */
function normalize(ranges: readonly StringRange[]): StringRange[] {
  const sorted = ranges.filter((r) => !isEmpty(r)).map((r) => ({ ...r }));
  sorted.sort(compareLow);
  const out: StringRange[] = [];
  for (const range of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && overlapsOrTouches(last, range)) {
      const hull = rangeHull(last, range);
      last.high = hull.high;
      last.highInclusive = hull.highInclusive;
    } else out.push(range);
  }
  return out;
}

function isEmpty(range: StringRange): boolean {
  if (range.low === undefined || range.high === undefined) return false;
  if (range.low > range.high) return true;
  return range.low === range.high && !(range.lowInclusive && range.highInclusive);
}

function compareLow(a: StringRange, b: StringRange): number {
  if (a.low === b.low) return a.lowInclusive === b.lowInclusive ? 0 : a.lowInclusive ? -1 : 1;
  if (a.low === undefined) return -1;
  if (b.low === undefined) return 1;
  return a.low < b.low ? -1 : 1;
}

/** `b` starts at or before the end of `a` (b.low >= a.low). */
function overlapsOrTouches(a: StringRange, b: StringRange): boolean {
  if (a.high === undefined || b.low === undefined) return true;
  if (b.low < a.high) return true;
  return b.low === a.high && (a.highInclusive || b.lowInclusive);
}
