/**
 * pg_options_to_table(text[]) in FROM (pg_dump reads FDW, server and column options through it):
 * rewritten to the subquery it means —
 *   (SELECT split_part(o, '=', 1) AS option_name,
 *           CASE WHEN strpos(o, '=') > 0 THEN substr(o, strpos(o, '=') + 1) END AS option_value
 *      FROM unnest(<arg>) AS o)
 * so each 'name=value' element becomes one (option_name, option_value) row, the value NULL when
 * there is no '=', as PostgreSQL's function does; a NULL array gives no rows.
 *
 * - The template is parsed once; the argument's AST replaces the placeholder column reference.
 */
import { parseSql, type Node, type RangeSubselect } from '../parse.js';
import { stringList } from './ast-util.js';

const PLACEHOLDER = 'strata_options_argument';
const TEMPLATE =
  `SELECT split_part(o, '=', 1) AS option_name, CASE WHEN strpos(o, '=') > 0 THEN substr(o, strpos(o, '=') + 1) END AS option_value ` +
  `FROM unnest(${PLACEHOLDER}::text[]) AS o`;

let template: Node | undefined;

function substitute(node: unknown, arg: Node): unknown {
  if (Array.isArray(node)) return node.map((n) => substitute(n, arg));
  if (typeof node !== 'object' || node === null) return node;
  const ref = (node as { ColumnRef?: { fields?: Node[] } }).ColumnRef;
  if (ref !== undefined && stringList(ref.fields).join('.') === PLACEHOLDER) return arg;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = substitute(v, arg);
  return out;
}

interface RangeFunctionLike {
  readonly functions?: Node[];
  readonly alias?: { aliasname?: string; colnames?: Node[] };
  readonly ordinality?: boolean;
}

/** The subquery for `pg_options_to_table(arg) [AS alias]`, or undefined for any other function in FROM. */
export function optionsToTableSubselect(node: RangeFunctionLike): RangeSubselect | undefined {
  const items = (node.functions?.[0] as { List?: { items?: Node[] } } | undefined)?.List?.items ?? [];
  const call = (items[0] as { FuncCall?: { funcname?: Node[]; args?: Node[] } } | undefined)?.FuncCall;
  const name = stringList(call?.funcname);
  if (call === undefined || node.functions?.length !== 1 || node.ordinality === true) return undefined;
  if (name.join('.') !== 'pg_options_to_table' && name.join('.') !== 'pg_catalog.pg_options_to_table') return undefined;
  if (call.args?.length !== 1) return undefined;
  template ??= (parseSql(TEMPLATE)[0] as { ast: Node }).ast;
  const subquery = substitute(template, call.args[0] as Node) as Node;
  return { subquery, alias: { aliasname: node.alias?.aliasname ?? 'pg_options_to_table', colnames: node.alias?.colnames } } as RangeSubselect;
}
