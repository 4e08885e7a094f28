/**
 * pg_get_viewdef for the views stratadb can print back: a plain SELECT of expressions from one
 * table, with an optional WHERE — printed in PostgreSQL's layout (` SELECT t.a,\n    t.b AS x\n
 *   FROM t\n  WHERE …;`), column references qualified by the table name or alias.
 *
 * - The FROM table is looked up on the current search path (stratadb stores the view's parse tree,
 *   not the resolved oids).
 * - Anything else (joins, GROUP BY, ORDER BY, DISTINCT, set operations, subqueries) gives
 *   undefined: the SQL function then returns NULL rather than a wrong definition.
 */
import type { ViewDesc } from '../../catalog/descriptors.js';
import { OID } from '../../catalog/types/oids.js';
import { deparseExpr } from './deparse-expr.js';
import type { NameContext } from './object-definition.js';
import { relationName } from './relation-name.js';
import { quoteIdentifier } from '../../catalog/system/quote-identifier.js';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

const UNSUPPORTED = ['groupClause', 'havingClause', 'sortClause', 'distinctClause', 'limitCount', 'limitOffset', 'withClause', 'op'];

export function viewDefinition(n: NameContext, view: ViewDesc, pretty: boolean): string | undefined {
  const select = obj(obj(view.query.tree)?.['SelectStmt']);
  if (select === undefined || UNSUPPORTED.some((k) => select[k] !== undefined && select[k] !== 'SETOP_NONE')) return undefined;
  const from = Array.isArray(select['fromClause']) ? select['fromClause'] : [];
  const rv = obj(obj(from[0])?.['RangeVar']);
  if (from.length !== 1 || rv === undefined) return undefined;
  const schemas = rv['schemaname'] === undefined ? n.searchPath : [String(rv['schemaname'])];
  const table = schemas
    .map((s) => n.catalog.schema(n.databaseOid, s))
    .map((s) => (s === undefined ? undefined : n.catalog.relation(s.oid, String(rv['relname']))))
    .find((r) => r !== undefined);
  if (table === undefined || table.kind !== 'table') return undefined;
  const alias = obj(rv['alias'])?.['aliasname'] as string | undefined;
  const qualifier = alias ?? table.name;
  const columns = (name: string): number | undefined => table.columns.find((c) => c.name === name && !c.dropped)?.typeOid;
  const targets: string[] = [];
  for (const t of Array.isArray(select['targetList']) ? select['targetList'] : []) {
    const target = obj(obj(t)?.['ResTarget']);
    const text = deparseExpr(target?.['val'], OID.text, columns, pretty, qualifier);
    if (text === undefined) return undefined;
    const ref = obj(obj(target?.['val'])?.['ColumnRef']);
    const refName = ref === undefined ? undefined : text.split('.').pop();
    const name = target?.['name'] as string | undefined;
    targets.push(name === undefined || name === refName ? text : `${text} AS ${quoteIdentifier(name)}`);
  }
  const tableText = relationName(n.catalog, n.databaseOid, table.oid, n.searchPath) ?? table.name;
  let out = ` SELECT ${targets.join(',\n    ')}\n   FROM ${tableText}${alias === undefined ? '' : ` ${quoteIdentifier(alias)}`}`;
  if (select['whereClause'] !== undefined) {
    const where = deparseExpr(select['whereClause'], OID.bool, columns, pretty, qualifier);
    if (where === undefined) return undefined;
    out += `\n  WHERE ${where}`;
  }
  return `${out};`;
}
