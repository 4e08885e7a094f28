/**
 * A CASE expression in a view definition, laid out as ruleutils lays it out with indentation on
 * (pg_get_viewdef always indents): `CASE` on a line of its own at the current indentation, each
 * `WHEN … THEN …` and the `ELSE` (always shown: `ELSE NULL::type` when the query has none) four
 * further in, `END` back at the CASE's column. A CASE inside a result is four further in again.
 *
 * - Every line break is written as LINE_BREAK; the view printer turns it into a newline after
 *   dropping the spaces before it, as ruleutils' appendContextKeyword does. So `1 + CASE …` reads
 *   `1 +` then `CASE` on the next line.
 * - The result type is PostgreSQL's common type of the results (the ELSE first), worked out for
 *   what can be typed without the analyzer: columns, number and string literals, casts, nested
 *   CASEs; results are printed coerced to it (`'x'::text`, `users.email::character varying`).
 *   Anything else gives undefined, and the definition is not printed.
 */
import { formatType, typeByName } from '../../catalog/types/type-registry.js';
import { OID } from '../../catalog/types/oids.js';

type Obj = Record<string, unknown>;

/** A line break at which the spaces before it are dropped (resolved by the view printer). */
export const LINE_BREAK = '\u0000';

/** ruleutils' PRETTYINDENT_VAR: how much further WHEN / ELSE lines sit than their CASE. */
const CASE_INDENT = 4;

const NUMERIC_LADDER: readonly number[] = [OID.int2, OID.int4, OID.int8, OID.numeric, OID.float4, OID.float8];
const STRING_TYPES: readonly number[] = [OID.text, OID.varchar, OID.bpchar, OID.name];

/** What the CASE printer needs from the expression printer. */
export interface CaseHost {
  readonly pretty: boolean;
  /** `node` printed at CASE indentation `indent`, untyped literals as `typeOid`; parenthesized as get_rule_expr would. */
  print(node: unknown, typeOid: number, indent: number): string | undefined;
  /** A literal next to a column of `typeOid` (`1::numeric`), or undefined when `node` is no literal. */
  literal(node: unknown, typeOid: number): string | undefined;
  /** A column reference's printed text and type, or undefined when `node` is none. */
  column(node: unknown): { readonly text: string; readonly type: number } | undefined;
}

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function spaces(n: number): string {
  return ' '.repeat(Math.max(n, 0));
}

/** The type of `node`: an OID, 'unknown' (an untyped literal), or undefined when it cannot be told. */
export function typeOfNode(node: unknown, host: CaseHost): number | 'unknown' | undefined {
  const n = obj(node);
  const c = obj(n?.['A_Const']);
  if (c !== undefined) {
    if (c['isnull'] === true || c['sval'] !== undefined) return 'unknown';
    if (c['boolval'] !== undefined) return OID.bool;
    const ival = obj(c['ival']);
    if (ival !== undefined) return OID.int4;
    return c['fval'] !== undefined ? OID.numeric : undefined;
  }
  if (n?.['ColumnRef'] !== undefined) return host.column(node)?.type;
  const cast = obj(n?.['TypeCast']);
  if (cast !== undefined) {
    const typeName = obj(cast['typeName']);
    const parts = (Array.isArray(typeName?.['names']) ? (typeName['names'] as unknown[]) : []).map((p) => String(obj(obj(p)?.['String'])?.['sval'] ?? ''));
    const isArray = Array.isArray(typeName?.['arrayBounds']) && (typeName['arrayBounds'] as unknown[]).length > 0;
    return typeByName(`${parts.filter((p) => p !== 'pg_catalog').join('.')}${isArray ? '[]' : ''}`)?.oid;
  }
  const caseExpr = obj(n?.['CaseExpr']);
  if (caseExpr !== undefined) return resultType(caseExpr, host);
  if (n?.['BoolExpr'] !== undefined || n?.['NullTest'] !== undefined) return OID.bool;
  return undefined;
}

/** PostgreSQL's select_common_type over the results, ELSE first, for the types handled here. */
function resultType(c: Obj, host: CaseHost): number | undefined {
  const results = [c['defresult'], ...whens(c).map((w) => w['result'])].filter((r) => r !== undefined);
  let common: number | undefined;
  for (const r of results) {
    const t = typeOfNode(r, host);
    if (t === undefined) return undefined;
    if (t === 'unknown' || t === common) continue;
    if (common === undefined) common = t;
    else if (NUMERIC_LADDER.includes(common) && NUMERIC_LADDER.includes(t)) {
      common = NUMERIC_LADDER[Math.max(NUMERIC_LADDER.indexOf(common), NUMERIC_LADDER.indexOf(t))] as number;
    } else if (!(STRING_TYPES.includes(common) && STRING_TYPES.includes(t))) return undefined;
  }
  return common ?? OID.text;
}

function whens(c: Obj): Obj[] {
  return (Array.isArray(c['args']) ? (c['args'] as unknown[]) : []).map((w) => obj(obj(w)?.['CaseWhen']) ?? {});
}

/** A result printed as a value of the CASE's type `type`. */
function result(node: unknown, type: number, indent: number, host: CaseHost): string | undefined {
  const own = typeOfNode(node, host);
  if (own === type || own === 'unknown') {
    if (obj(obj(node)?.['A_Const'])?.['isnull'] === true) return `NULL::${formatType(type, -1)}`;
    return host.print(node, type, indent);
  }
  const column = host.column(node);
  if (column !== undefined) return host.pretty ? `${column.text}::${formatType(type, -1)}` : `(${column.text})::${formatType(type, -1)}`;
  return host.literal(node, type);
}

/** The CASE at indentation `indent`, or undefined when part of it cannot be printed. */
export function printCase(c: Obj, indent: number, host: CaseHost): string | undefined {
  const type = resultType(c, host);
  if (type === undefined) return undefined;
  const inner = indent + CASE_INDENT;
  let text = `${LINE_BREAK}${spaces(indent)}CASE`;
  let argType: number | undefined;
  if (c['arg'] !== undefined) {
    const arg = host.print(c['arg'], OID.text, inner);
    const t = typeOfNode(c['arg'], host);
    if (arg === undefined || t === undefined) return undefined;
    argType = t === 'unknown' ? OID.text : t;
    text += ` ${arg}`;
  }
  for (const w of whens(c)) {
    const condition = argType === undefined ? host.print(w['expr'], OID.bool, inner) : (host.literal(w['expr'], argType) ?? host.print(w['expr'], argType, inner));
    const then = result(w['result'], type, inner, host);
    if (condition === undefined || then === undefined) return undefined;
    text += `${LINE_BREAK}${spaces(inner)}WHEN ${condition} THEN ${then}`;
  }
  const otherwise = c['defresult'] === undefined ? `NULL::${formatType(type, -1)}` : result(c['defresult'], type, inner, host);
  if (otherwise === undefined) return undefined;
  return `${text}${LINE_BREAK}${spaces(inner)}ELSE ${otherwise}${LINE_BREAK}${spaces(indent)}END`;
}
