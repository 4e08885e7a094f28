/**
 * The jsonb value: a normalized JSON tree with exact numbers.
 * - JsonNode is null (JSON null) | boolean | Numeric | string | JsonNode[] | JsonObject.
 * - JsonObject keys are unique (last duplicate wins) and sorted as PostgreSQL stores them:
 *   shorter keys first, then bytewise.
 * - Order (jsonb btree): Object > Array > Boolean > Number > String > Null; more pairs/elements
 *   sort greater; then entries in storage order.
 * - A Jsonb wraps the root so that SQL NULL (null) and JSON null (Jsonb{root: null}) differ.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { Numeric } from './numeric.js';
import { compareText } from './text-compare.js';

export type JsonNode = null | boolean | Numeric | string | JsonNode[] | JsonObject;

/** Nesting depth limit for JSON input (PostgreSQL checks stack depth; we bound it). */
export const JSON_DEPTH_MAX = 1000;

export class JsonObject {
  /** Keys in storage order, values parallel to them. */
  constructor(
    readonly keys: string[],
    readonly values: JsonNode[],
  ) {}

  get(key: string): JsonNode | undefined {
    const i = this.keys.indexOf(key);
    return i < 0 ? undefined : this.values[i];
  }

  /** Builds an object from entries in any order; later duplicates win. */
  static from(entries: Array<[string, JsonNode]>): JsonObject {
    const map = new Map<string, JsonNode>();
    for (const [k, v] of entries) map.set(k, v);
    const keys = [...map.keys()].sort(compareKeys);
    return new JsonObject(keys, keys.map((k) => map.get(k) as JsonNode));
  }
}

export class Jsonb {
  constructor(readonly root: JsonNode) {}
  toString(): string {
    return jsonNodeToText(this.root);
  }
}

function compareKeys(a: string, b: string): number {
  const la = Buffer.byteLength(a);
  const lb = Buffer.byteLength(b);
  return la !== lb ? la - lb : compareText(a, b);
}

function rank(n: JsonNode): number {
  if (n === null) return 0;
  if (typeof n === 'string') return 1;
  if (n instanceof Numeric) return 2;
  if (typeof n === 'boolean') return 3;
  if (Array.isArray(n)) return 4;
  return 5;
}

export function compareJsonNodes(a: JsonNode, b: JsonNode): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return compareText(a as string, b as string);
    case 2:
      return (a as Numeric).compare(b as Numeric);
    case 3:
      return a === b ? 0 : a ? 1 : -1;
    case 4: {
      const x = a as JsonNode[];
      const y = b as JsonNode[];
      if (x.length !== y.length) return x.length - y.length;
      for (let i = 0; i < x.length; i++) {
        const c = compareJsonNodes(x[i] as JsonNode, y[i] as JsonNode);
        if (c !== 0) return c;
      }
      return 0;
    }
    default: {
      const x = a as JsonObject;
      const y = b as JsonObject;
      if (x.keys.length !== y.keys.length) return x.keys.length - y.keys.length;
      for (let i = 0; i < x.keys.length; i++) {
        const k = compareKeys(x.keys[i] as string, y.keys[i] as string);
        if (k !== 0) return k;
        const c = compareJsonNodes(x.values[i] as JsonNode, y.values[i] as JsonNode);
        if (c !== 0) return c;
      }
      return 0;
    }
  }
}

/** A string equal for equal jsonb values (numbers without trailing fractional zeros). */
export function jsonHashKey(n: JsonNode): string {
  if (n instanceof Numeric) return n.hashKey();
  if (Array.isArray(n)) return '[' + n.map(jsonHashKey).join(',') + ']';
  if (n instanceof JsonObject) return '{' + n.keys.map((k, i) => quoteJsonString(k) + ':' + jsonHashKey(n.values[i] as JsonNode)).join(',') + '}';
  return jsonNodeToText(n);
}

/** JSON string literal as PostgreSQL's escape_json writes it. */
export function quoteJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20) out += s[i];
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else out += '\\u' + c.toString(16).padStart(4, '0');
  }
  return out + '"';
}

/** jsonb_out: `{"a": 1, "b": [1, 2]}`. */
export function jsonNodeToText(n: JsonNode): string {
  if (n === null) return 'null';
  if (typeof n === 'boolean') return n ? 'true' : 'false';
  if (typeof n === 'string') return quoteJsonString(n);
  if (n instanceof Numeric) return n.toString();
  if (Array.isArray(n)) return '[' + n.map(jsonNodeToText).join(', ') + ']';
  const parts: string[] = [];
  for (let i = 0; i < n.keys.length; i++) {
    parts.push(quoteJsonString(n.keys[i] as string) + ': ' + jsonNodeToText(n.values[i] as JsonNode));
  }
  return '{' + parts.join(', ') + '}';
}

function jsonError(_text: string, detail: string): SqlError {
  return new SqlError(SQLSTATE.invalidTextRepresentation, 'invalid input syntax for type json', { detail });
}

const NUMBER_PATTERN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING_PATTERN = /"((?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*)"/y;

/** A recursive-descent parser over one input text (strict JSON, as PostgreSQL's json parser). */
class JsonParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parse(): JsonNode {
    const root = this.value(0);
    this.ws();
    if (this.pos < this.text.length) throw jsonError(this.text, 'Expected end of input.');
    return root;
  }

  private ws(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos] as string)) this.pos++;
  }

  private value(depth: number): JsonNode {
    if (depth > JSON_DEPTH_MAX) throw new SqlError(SQLSTATE.statementTooComplex, 'stack depth limit exceeded');
    this.ws();
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    NUMBER_PATTERN.lastIndex = this.pos;
    const num = NUMBER_PATTERN.exec(this.text);
    if (num !== null) {
      this.pos += num[0].length;
      return Numeric.parse(num[0]);
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    if (this.pos >= this.text.length) throw jsonError(this.text, 'The input string ended unexpectedly.');
    throw jsonError(this.text, `Token "${this.text.slice(this.pos).split(/[\s,\]}]/)[0] ?? ''}" is invalid.`);
  }

  private string(): string {
    STRING_PATTERN.lastIndex = this.pos;
    const m = STRING_PATTERN.exec(this.text);
    if (m === null) throw jsonError(this.text, 'Token is invalid.');
    this.pos += m[0].length;
    return JSON.parse(m[0]) as string;
  }

  private array(depth: number): JsonNode[] {
    this.pos++;
    const out: JsonNode[] = [];
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') throw jsonError(this.text, 'Expected "," or "]".');
    }
  }

  private object(depth: number): JsonObject {
    this.pos++;
    const entries: Array<[string, JsonNode]> = [];
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return JsonObject.from(entries);
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') throw jsonError(this.text, 'Expected string.');
      const key = this.string();
      this.ws();
      if (this.text[this.pos++] !== ':') throw jsonError(this.text, 'Expected ":".');
      entries.push([key, this.value(depth + 1)]);
      this.ws();
      const c = this.text[this.pos++];
      if (c === '}') return JsonObject.from(entries);
      if (c !== ',') throw jsonError(this.text, 'Expected "," or "}".');
    }
  }
}

/** Parses strict JSON (RFC 8259, as PostgreSQL's json parser) into a JsonNode. */
export function parseJson(text: string): JsonNode {
  return new JsonParser(text).parse();
}

/** Converts a plain JS value (e.g. from JSON.parse) to a JsonNode. */
export function jsonNodeFromJs(v: unknown): JsonNode {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Numeric.parse(String(v));
  if (Array.isArray(v)) return v.map(jsonNodeFromJs);
  return JsonObject.from(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, jsonNodeFromJs(x)]));
}
