/**
 * jsonb operators: -> and ->> (object field or array element, negative indexes from the end),
 * #> and #>> (path), @> and <@ (containment, PostgreSQL's rules: objects contain sub-objects,
 * arrays contain elements in any order, a top-level array contains a scalar element), ?
 * (key or string element exists), || (concatenation/merge). json (text) inputs are parsed first.
 */
import { Jsonb, JsonObject, type Value } from '../../catalog/types/index.js';
import { compareJsonNodes, jsonNodeToText, parseJson, type JsonNode } from '../../catalog/types/jsonb.js';

export function rootOf(v: Value): JsonNode {
  return v instanceof Jsonb ? v.root : parseJson(v as string);
}

export function fieldOf(n: JsonNode, key: Value): JsonNode | undefined {
  if (typeof key === 'number') {
    if (!Array.isArray(n)) return undefined;
    const i = key < 0 ? n.length + key : key;
    return n[i];
  }
  if (n instanceof JsonObject) return n.get(key as string);
  return undefined;
}

/** ->> text of a node: strings unquoted, JSON null → SQL NULL. */
export function nodeText(n: JsonNode | undefined): string | null {
  if (n === undefined || n === null) return null;
  if (typeof n === 'string') return n;
  return jsonNodeToText(n);
}

export function arrow(v: Value, key: Value): Value {
  const n = fieldOf(rootOf(v), key);
  return n === undefined ? null : new Jsonb(n);
}

/** json -> key: keeps json (text) typing. */
export function jsonArrow(v: Value, key: Value): Value {
  const n = fieldOf(rootOf(v), key);
  return n === undefined ? null : jsonNodeToText(n);
}

export function arrowText(v: Value, key: Value): Value {
  return nodeText(fieldOf(rootOf(v), key));
}

export function pathGet(v: Value, path: Value): JsonNode | undefined {
  let n: JsonNode | undefined = rootOf(v);
  for (const step of path as Value[]) {
    if (n === undefined || step === null) return undefined;
    const key: Value = Array.isArray(n) && /^-?\d+$/.test(step as string) ? Number(step) : step;
    n = fieldOf(n, key);
  }
  return n;
}

export function contains(a: JsonNode, b: JsonNode, top = true): boolean {
  if (a instanceof JsonObject) {
    if (!(b instanceof JsonObject)) return false;
    return b.keys.every((k, i) => {
      const x = a.get(k);
      return x !== undefined && contains(x, b.values[i] as JsonNode, false);
    });
  }
  if (Array.isArray(a)) {
    if (Array.isArray(b)) return b.every((y) => a.some((x) => contains(x, y, false)));
    return top && a.some((x) => !Array.isArray(x) && !(x instanceof JsonObject) && compareJsonNodes(x, b) === 0);
  }
  if (Array.isArray(b) || b instanceof JsonObject) return false;
  return compareJsonNodes(a, b) === 0;
}

export function containsOp(a: Value, b: Value): Value {
  return contains((a as Jsonb).root, (b as Jsonb).root);
}

export function keyExists(v: Value, key: Value): Value {
  const n = (v as Jsonb).root;
  if (n instanceof JsonObject) return n.get(key as string) !== undefined;
  if (Array.isArray(n)) return n.some((x) => x === key);
  return n === key;
}

export function concatJsonb(a: Value, b: Value): Value {
  const x = (a as Jsonb).root;
  const y = (b as Jsonb).root;
  if (x instanceof JsonObject && y instanceof JsonObject) {
    const entries: Array<[string, JsonNode]> = x.keys.map((k, i) => [k, x.values[i] as JsonNode]);
    y.keys.forEach((k, i) => entries.push([k, y.values[i] as JsonNode]));
    return new Jsonb(JsonObject.from(entries));
  }
  const left = Array.isArray(x) ? x : [x];
  const right = Array.isArray(y) ? y : [y];
  return new Jsonb([...left, ...right]);
}
