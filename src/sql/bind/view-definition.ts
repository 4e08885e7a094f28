/**
 * pg_get_viewdef: a view's stored query printed back in PostgreSQL's layout —
 * ` SELECT [DISTINCT ]a,\n    b AS x\n   FROM t\n  WHERE …\n  GROUP BY …\n HAVING …\n  ORDER BY …\n LIMIT n;`
 * with column references qualified by their table's name or alias, relations schema-qualified
 * when not visible on the search path, and joins nested as ruleutils nests them
 * (`(a\n     JOIN b ON (cond))`, the parentheses dropped in pretty mode).
 *
 * - Covered: SELECT lists (a searched CASE only as a whole column), FROM with tables, aliases, comma lists and [LEFT|RIGHT|FULL] JOIN … ON,
 *   WHERE, GROUP BY, HAVING, ORDER BY (DESC, NULLS), LIMIT, OFFSET, DISTINCT. Anything else (set
 *   operations, WITH, subqueries in FROM, expressions deparse-expr.ts does not print) gives
 *   undefined: the SQL function then returns NULL rather than a wrong definition.
 * - Relations are found by the schema CREATE VIEW resolved them to (view-query.ts); views made
 *   before that fall back to the current search path.
 */
import type { RelationDesc, ViewDesc } from '../../catalog/descriptors.js';
import { OID } from '../../catalog/types/oids.js';
import { deparseExpr, type ColumnResolver } from './deparse-expr.js';
import type { NameContext } from './object-definition.js';
import { relationName } from './relation-name.js';
import { quoteIdentifier } from '../../catalog/system/quote-identifier.js';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** One relation of the FROM clause: the name columns are qualified with, and its columns. */
interface RangeEntry {
  readonly qualifier: string;
  readonly rel: RelationDesc;
}

const UNSUPPORTED = ['withClause', 'valuesLists', 'intoClause', 'lockingClause', 'windowClause'];
const JOIN_WORDS: Record<string, string> = { JOIN_INNER: 'JOIN', JOIN_LEFT: 'LEFT JOIN', JOIN_RIGHT: 'RIGHT JOIN', JOIN_FULL: 'FULL JOIN' };

class Printer {
  readonly entries: RangeEntry[] = [];
  readonly resolve: ColumnResolver = (parts) => this.column(parts);

  constructor(
    private readonly n: NameContext,
    private readonly pretty: boolean,
  ) {}

  private column(parts: readonly string[]): { text: string; type: number } | undefined {
    const name = parts[parts.length - 1] ?? '';
    const qualifier = parts.length >= 2 ? parts[parts.length - 2] : undefined;
    for (const e of this.entries) {
      if (qualifier !== undefined && e.qualifier !== qualifier) continue;
      const c = e.rel.kind === 'sequence' ? undefined : e.rel.columns.find((col) => col.name === name && !col.dropped);
      if (c !== undefined) return { text: `${quoteIdentifier(e.qualifier)}.${quoteIdentifier(name)}`, type: c.typeOid };
    }
    return undefined;
  }

  expr(node: unknown, typeOid: number): string | undefined {
    return deparseExpr(node, typeOid, undefined, this.pretty, this.resolve);
  }

  private relation(rv: Obj): RelationDesc | undefined {
    const schemas = rv['schemaname'] === undefined ? this.n.searchPath : [String(rv['schemaname'])];
    for (const s of schemas) {
      const schema = this.n.catalog.schema(this.n.databaseOid, s);
      const rel = schema === undefined ? undefined : this.n.catalog.relation(schema.oid, String(rv['relname']));
      if (rel !== undefined) return rel;
    }
    return undefined;
  }

  /** A FROM item's text; registers its relations for column resolution. */
  fromItem(node: unknown, depth: number): string | undefined {
    const rv = obj(obj(node)?.['RangeVar']);
    if (rv !== undefined) {
      const rel = this.relation(rv);
      if (rel === undefined) return undefined;
      const alias = obj(rv['alias'])?.['aliasname'] as string | undefined;
      this.entries.push({ qualifier: alias ?? rel.name, rel });
      const name = relationName(this.n.catalog, this.n.databaseOid, rel.oid, this.n.searchPath) ?? quoteIdentifier(rel.name);
      return alias === undefined ? name : `${name} ${quoteIdentifier(alias)}`;
    }
    const join = obj(obj(node)?.['JoinExpr']);
    if (join === undefined || join['alias'] !== undefined || join['usingClause'] !== undefined || join['isNatural'] === true) return undefined;
    const word = JOIN_WORDS[String(join['jointype'] ?? 'JOIN_INNER')];
    const left = this.fromItem(join['larg'], depth);
    const right = this.fromItem(join['rarg'], depth + 1);
    if (word === undefined || left === undefined || right === undefined) return undefined;
    const on = join['quals'] === undefined ? undefined : this.expr(join['quals'], OID.bool);
    if (join['quals'] !== undefined && on === undefined) return undefined;
    const condition = on === undefined ? '' : this.pretty ? ` ON ${on}` : ` ON (${on})`;
    const text = `${left}\n${' '.repeat(5 + 5 * depth)}${on === undefined ? 'CROSS JOIN' : word} ${right}${condition}`;
    return this.pretty ? text : `(${text})`;
  }

  /** ORDER BY keys: `x`, `x DESC`, `x NULLS FIRST` (the non-default orders only). */
  sortKeys(sortClause: unknown[]): string | undefined {
    const keys: string[] = [];
    for (const item of sortClause) {
      const sort = obj(obj(item)?.['SortBy']);
      const text = sort === undefined ? undefined : this.expr(sort['node'], OID.text);
      if (sort === undefined || text === undefined || sort['useOp'] !== undefined) return undefined;
      const desc = sort['sortby_dir'] === 'SORTBY_DESC';
      const nulls = sort['sortby_nulls'];
      let key = desc ? `${text} DESC` : text;
      if (nulls === 'SORTBY_NULLS_FIRST' && !desc) key += ' NULLS FIRST';
      if (nulls === 'SORTBY_NULLS_LAST' && desc) key += ' NULLS LAST';
      keys.push(key);
    }
    return keys.join(', ');
  }
}

/** A searched CASE as a whole output column, laid out on its own lines as ruleutils indents it. */
function caseTarget(p: Printer, c: Obj): string | undefined {
  if (c['arg'] !== undefined) return undefined;
  const lines = ['', '        CASE'];
  for (const w of list(c['args'])) {
    const when = obj(obj(w)?.['CaseWhen']);
    const condition = p.expr(when?.['expr'], OID.bool);
    const result = p.expr(when?.['result'], OID.text);
    if (condition === undefined || result === undefined) return undefined;
    lines.push(`            WHEN ${condition} THEN ${result}`);
  }
  if (c['defresult'] !== undefined) {
    const otherwise = p.expr(c['defresult'], OID.text);
    if (otherwise === undefined) return undefined;
    lines.push(`            ELSE ${otherwise}`);
  }
  lines.push('        END');
  return lines.join('\n');
}

function targets(p: Printer, select: Obj, view: ViewDesc): string[] | undefined {
  const out: string[] = [];
  const items = list(select['targetList']);
  for (const [i, t] of items.entries()) {
    const target = obj(obj(t)?.['ResTarget']);
    const caseExpr = obj(obj(target?.['val'])?.['CaseExpr']);
    const text = caseExpr !== undefined ? caseTarget(p, caseExpr) : p.expr(target?.['val'], OID.text);
    if (text === undefined) return undefined;
    const name = view.columns[i]?.name ?? (target?.['name'] as string | undefined);
    const ref = obj(obj(target?.['val'])?.['ColumnRef']);
    const refName = ref === undefined ? undefined : (list(ref['fields']).map((f) => String(obj(obj(f)?.['String'])?.['sval'] ?? '')).pop());
    out.push(name === undefined || name === refName ? text : `${text} AS ${quoteIdentifier(name)}`);
  }
  return out;
}

/** The tail clauses after FROM, in ruleutils' order and indentation. */
function clauses(p: Printer, select: Obj): string | undefined {
  let out = '';
  const part = (node: unknown, typeOid: number, prefix: string): boolean => {
    if (node === undefined) return true;
    const text = p.expr(node, typeOid);
    if (text !== undefined) out += `${prefix}${text}`;
    return text !== undefined;
  };
  if (!part(select['whereClause'], OID.bool, '\n  WHERE ')) return undefined;
  const groups = list(select['groupClause']);
  if (groups.length > 0) {
    const keys = groups.map((g) => p.expr(g, OID.text));
    if (keys.some((k) => k === undefined)) return undefined;
    out += `\n  GROUP BY ${keys.join(', ')}`;
  }
  if (!part(select['havingClause'], OID.bool, '\n HAVING ')) return undefined;
  const sorts = list(select['sortClause']);
  if (sorts.length > 0) {
    const keys = p.sortKeys(sorts);
    if (keys === undefined) return undefined;
    out += `\n  ORDER BY ${keys}`;
  }
  if (!part(select['limitOffset'], OID.int8, '\n OFFSET ')) return undefined;
  if (!part(select['limitCount'], OID.int8, '\n LIMIT ')) return undefined;
  return out;
}

export function viewDefinition(n: NameContext, view: ViewDesc, pretty: boolean): string | undefined {
  const select = obj(obj(view.query.tree)?.['SelectStmt']);
  if (select === undefined || UNSUPPORTED.some((k) => select[k] !== undefined) || (select['op'] !== undefined && select['op'] !== 'SETOP_NONE')) return undefined;
  const distinct = list(select['distinctClause']);
  if (distinct.length > 0 && obj(distinct[0]) !== undefined && Object.keys(distinct[0] as Obj).length > 0) return undefined;
  const p = new Printer(n, pretty);
  const from: string[] = [];
  for (const item of list(select['fromClause'])) {
    const text = p.fromItem(item, 0);
    if (text === undefined) return undefined;
    from.push(text);
  }
  const columns = targets(p, select, view);
  const tail = columns === undefined ? undefined : clauses(p, select);
  if (columns === undefined || tail === undefined) return undefined;
  // A column printed on lines of its own (CASE) starts with a newline: no separator space or indent before it.
  const list_ = columns.map((c, i) => (c.startsWith('\n') ? c : `${i === 0 ? ' ' : '\n    '}${c}`)).join(',');
  const head = ` SELECT${distinct.length > 0 ? ' DISTINCT' : ''}${list_}`;
  return `${head}${from.length === 0 ? '' : `\n   FROM ${from.join(',\n    ')}`}${tail};`;
}
