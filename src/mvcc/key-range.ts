/**
 * A KvRange with its bounds as key strings (see key-string.ts), for membership tests in memory.
 * - `low`/`high` undefined means unbounded on that side; `lowInclusive`/`highInclusive` say
 *   whether the bound itself belongs to the range.
 */
import type { KvRange } from './versioned-kv.js';
import { toKeyString } from './key-string.js';
import { assert } from '../util/index.js';

export interface StringRange {
  low: string | undefined;
  lowInclusive: boolean;
  high: string | undefined;
  highInclusive: boolean;
}

export function toStringRange(range: KvRange): StringRange {
  assert(range.gte === undefined || range.gt === undefined, 'range has both gte and gt');
  assert(range.lte === undefined || range.lt === undefined, 'range has both lte and lt');
  const lowKey = range.gte ?? range.gt;
  const highKey = range.lte ?? range.lt;
  return {
    low: lowKey === undefined ? undefined : toKeyString(lowKey),
    lowInclusive: range.gt === undefined,
    high: highKey === undefined ? undefined : toKeyString(highKey),
    highInclusive: range.lt === undefined,
  };
}

export function aboveLow(range: StringRange, key: string): boolean {
  if (range.low === undefined) return true;
  return range.lowInclusive ? key >= range.low : key > range.low;
}

export function belowHigh(range: StringRange, key: string): boolean {
  if (range.high === undefined) return true;
  return range.highInclusive ? key <= range.high : key < range.high;
}

export function rangeContains(range: StringRange, key: string): boolean {
  return aboveLow(range, key) && belowHigh(range, key);
}

/** The smallest range containing both (a superset of their union). */
export function rangeHull(a: StringRange, b: StringRange): StringRange {
  const out: StringRange = { ...a };
  if (out.low !== undefined && (b.low === undefined || b.low < out.low || (b.low === out.low && b.lowInclusive))) {
    out.low = b.low;
    out.lowInclusive = b.lowInclusive;
  }
  if (out.high !== undefined && (b.high === undefined || b.high > out.high || (b.high === out.high && b.highInclusive))) {
    out.high = b.high;
    out.highInclusive = b.highInclusive;
  }
  return out;
}

/** First index in sorted `keys` whose key is inside the low bound of `range`. */
export function lowerIndex(keys: readonly string[], range: StringRange): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (aboveLow(range, keys[mid] as string)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** One past the last index in sorted `keys` whose key is inside the high bound of `range`. */
export function upperIndex(keys: readonly string[], range: StringRange): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (belowHigh(range, keys[mid] as string)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
