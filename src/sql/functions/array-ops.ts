/**
 * Array operators and functions on one-dimensional arrays (JS arrays, lower bound 1):
 * concatenation, containment (@>, <@: every element of the right is equal to some element of the
 * left; NULL elements never match), overlap (&&), array_length, cardinality, array_position,
 * array_to_string, string_to_array, unnest rows.
 */
import type { SqlType, Value } from '../../catalog/types/index.js';

export function arrayConcat(a: Value, b: Value): Value {
  return [...(a as Value[]), ...(b as Value[])];
}

function includes(element: SqlType, list: Value[], x: Value): boolean {
  if (x === null) return false;
  for (const y of list) if (y !== null && element.equals(x, y)) return true;
  return false;
}

export function arrayContains(element: SqlType, a: Value, b: Value): boolean {
  const left = a as Value[];
  return (b as Value[]).every((x) => includes(element, left, x));
}

export function arrayOverlaps(element: SqlType, a: Value, b: Value): boolean {
  const left = a as Value[];
  return (b as Value[]).some((x) => includes(element, left, x));
}

/** array_length(a, dim): NULL for an empty array or a missing dimension. */
export function arrayLength(a: Value, dim: Value): Value {
  let level: Value = a;
  for (let d = 1; d < (dim as number); d++) {
    if (!Array.isArray(level) || level.length === 0) return null;
    level = level[0] as Value;
  }
  if (!Array.isArray(level) || level.length === 0 || (dim as number) < 1) return null;
  return level.length;
}

export function cardinality(a: Value): Value {
  let n = 0;
  const walk = (x: Value[]): void => {
    for (const y of x) {
      if (Array.isArray(y)) walk(y);
      else n++;
    }
  };
  walk(a as Value[]);
  return n;
}

export function arrayPosition(element: SqlType, a: Value, x: Value): Value {
  const list = a as Value[];
  for (let i = 0; i < list.length; i++) {
    const y = list[i] as Value;
    if (x === null ? y === null : y !== null && element.equals(x, y)) return i + 1;
  }
  return null;
}
