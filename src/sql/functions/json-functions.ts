/**
 * More JSON functions: jsonb_array_elements(_text) and jsonb_object_keys (set-returning),
 * jsonb_set, jsonb_insert, jsonb_strip_nulls, jsonb_pretty, json_build_object/array (json text
 * in PostgreSQL's spacing), and the jsonb - key / - index operators' implementations.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { Jsonb, JsonObject, OID, type SqlType, type Value } from '../../catalog/types/index.js';
import { jsonNodeToText, quoteJsonString, type JsonNode } from '../../catalog/types/jsonb.js';
import { fn, type FunctionDef } from './function-def.js';
import type { ScalarImpl } from './function-types.js';
import { nodeText } from './jsonb-ops.js';
import { toJsonNode } from './misc-functions.js';

const { jsonb, json, text, any, bool } = OID;

function arrayOf(v: Value, what: string): JsonNode[] {
  const root = (v as Jsonb).root;
  if (!Array.isArray(root)) throw new SqlError(SQLSTATE.invalidParameterValue, `cannot extract elements from ${what}`);
  return root;
}

function setPath(node: JsonNode, path: readonly Value[], value: JsonNode, create: boolean, insert: boolean, after: boolean): JsonNode {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (head === null) throw new SqlError('22004', `path element at position 1 is null`);
  if (node instanceof JsonObject) {
    const key = head as string;
    const existing = node.get(key);
    if (existing === undefined && (!create || rest.length > 0)) return node;
    const entries: Array<[string, JsonNode]> = node.keys.map((k, i) => [k, node.values[i] as JsonNode]);
    entries.push([key, existing === undefined ? value : setPath(existing, rest, value, create, insert, after)]);
    return JsonObject.from(entries);
  }
  if (Array.isArray(node)) {
    let i = Number(head);
    if (!Number.isInteger(i)) throw new SqlError(SQLSTATE.invalidTextRepresentation, `path element at position 1 is not an integer: "${String(head)}"`);
    if (i < 0) i += node.length;
    const out = node.slice();
    if (rest.length === 0 && insert) {
      out.splice(Math.max(0, Math.min(out.length, i + (after ? 1 : 0))), 0, value);
      return out;
    }
    if (i < 0 || i >= node.length) {
      if (!create || rest.length > 0) return node;
      if (i < 0) out.unshift(value);
      else out.push(value);
      return out;
    }
    out[i] = setPath(node[i] as JsonNode, rest, value, create, insert, after);
    return out;
  }
  return node;
}

function stripNulls(n: JsonNode): JsonNode {
  if (Array.isArray(n)) return n.map(stripNulls);
  if (n instanceof JsonObject) {
    const entries: Array<[string, JsonNode]> = [];
    n.keys.forEach((k, i) => {
      const v = n.values[i] as JsonNode;
      if (v !== null) entries.push([k, stripNulls(v)]);
    });
    return JsonObject.from(entries);
  }
  return n;
}

function pretty(n: JsonNode, indent: string): string {
  const inner = indent + '    ';
  if (Array.isArray(n)) return n.length === 0 ? '[\n' + indent + ']' : '[\n' + n.map((x) => inner + pretty(x, inner)).join(',\n') + '\n' + indent + ']';
  if (n instanceof JsonObject) {
    if (n.keys.length === 0) return '{\n' + indent + '}';
    return '{\n' + n.keys.map((k, i) => `${inner}${quoteJsonString(k)}: ${pretty(n.values[i] as JsonNode, inner)}`).join(',\n') + '\n' + indent + '}';
  }
  return jsonNodeToText(n);
}

/** json_build_object / json_build_array keep PostgreSQL's json spacing ('{"a" : 1}'). */
const jsonBuildObject = (types: readonly SqlType[]): ScalarImpl => (args, ctx) => {
  if (args.length % 2 !== 0) throw new SqlError(SQLSTATE.invalidParameterValue, 'argument list must have even number of elements');
  const parts: string[] = [];
  for (let i = 0; i < args.length; i += 2) {
    if (args[i] === null) throw new SqlError(SQLSTATE.invalidParameterValue, `argument ${i + 1}: key must not be null`);
    const key = (types[i] as SqlType).toText(args[i] as Value, ctx);
    parts.push(`${quoteJsonString(key)} : ${jsonNodeToText(toJsonNode(types[i + 1] as SqlType, args[i + 1] as Value, ctx))}`);
  }
  return '{' + parts.join(', ') + '}';
};

const jsonBuildArray = (types: readonly SqlType[]): ScalarImpl => (args, ctx) =>
  '[' + args.map((a, i) => jsonNodeToText(toJsonNode(types[i] as SqlType, a, ctx))).join(', ') + ']';

export function jsonbDeleteKey(a: Value, key: Value): Value {
  const root = (a as Jsonb).root;
  if (root instanceof JsonObject) {
    const entries: Array<[string, JsonNode]> = [];
    root.keys.forEach((k, i) => {
      if (k !== key) entries.push([k, root.values[i] as JsonNode]);
    });
    return new Jsonb(JsonObject.from(entries));
  }
  if (Array.isArray(root)) return new Jsonb(root.filter((x) => x !== key));
  throw new SqlError(SQLSTATE.invalidParameterValue, 'cannot delete from scalar');
}

export function jsonbDeleteIndex(a: Value, index: Value): Value {
  const root = (a as Jsonb).root;
  if (!Array.isArray(root)) throw new SqlError(SQLSTATE.invalidParameterValue, root instanceof JsonObject ? 'cannot delete from object using integer index' : 'cannot delete from scalar');
  const i = (index as number) < 0 ? root.length + (index as number) : (index as number);
  return new Jsonb(root.filter((_, j) => j !== i));
}

export const JSON_FUNCTIONS: FunctionDef[] = [
  fn('jsonb_array_elements', [jsonb], jsonb, ([v]) => arrayOf(v as Value, 'a scalar').map((n) => new Jsonb(n)), { setReturning: true }),
  fn('jsonb_array_elements_text', [jsonb], text, ([v]) => arrayOf(v as Value, 'a scalar').map(nodeText), { setReturning: true }),
  fn('jsonb_object_keys', [jsonb], text, ([v]) => {
    const root = (v as Jsonb).root;
    if (!(root instanceof JsonObject)) throw new SqlError(SQLSTATE.invalidParameterValue, `cannot call jsonb_object_keys on ${Array.isArray(root) ? 'an array' : 'a scalar'}`);
    return root.keys;
  }, { setReturning: true }),
  fn('jsonb_set', [jsonb, 1009, jsonb], jsonb, ([t, p, v]) => new Jsonb(setPath((t as Jsonb).root, p as Value[], (v as Jsonb).root, true, false, false))),
  fn('jsonb_set', [jsonb, 1009, jsonb, bool], jsonb, ([t, p, v, c]) => new Jsonb(setPath((t as Jsonb).root, p as Value[], (v as Jsonb).root, c as boolean, false, false))),
  fn('jsonb_insert', [jsonb, 1009, jsonb], jsonb, ([t, p, v]) => new Jsonb(setPath((t as Jsonb).root, p as Value[], (v as Jsonb).root, true, true, false))),
  fn('jsonb_insert', [jsonb, 1009, jsonb, bool], jsonb, ([t, p, v, a]) => new Jsonb(setPath((t as Jsonb).root, p as Value[], (v as Jsonb).root, true, true, a as boolean))),
  fn('jsonb_strip_nulls', [jsonb], jsonb, ([v]) => new Jsonb(stripNulls((v as Jsonb).root))),
  fn('jsonb_pretty', [jsonb], text, ([v]) => pretty((v as Jsonb).root, '')),
  fn('json_build_object', [any], json, () => null, { strict: false, variadic: true, make: jsonBuildObject }),
  fn('json_build_array', [any], json, () => null, { strict: false, variadic: true, make: jsonBuildArray }),
];
