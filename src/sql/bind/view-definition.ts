/**
 * pg_get_viewdef: a view's stored query printed back in PostgreSQL's layout —
 * ` SELECT [DISTINCT ]a,\n    b AS x\n   FROM t\n  WHERE …\n  GROUP BY …\n HAVING …\n  ORDER BY …\n LIMIT n;`
 * with column references qualified by their table's name or alias, relations schema-qualified
 * when not visible on the search path, and joins nested as ruleutils nests them
 * (`(a\n     JOIN b ON (cond))`, the parentheses dropped in pretty mode).
 *
 * - Covered: SELECT lists (a searched CASE only as a whole column), FROM with tables, aliases,
 *   comma lists, subqueries and [LEFT|RIGHT|FULL] JOIN … ON / USING, WHERE, GROUP BY, HAVING,
 *   ORDER BY (DESC, NULLS), LIMIT, OFFSET, DISTINCT, subqueries in expressions (EXISTS, IN,
 *   scalar; indented 8 more per level, as ruleutils does), DISTINCT ON, non-recursive WITH, and a
 *   chain of one kind of set operation (UNION [ALL], INTERSECT, EXCEPT). Anything else (WITH
 *   RECURSIVE, mixed set operations,
 *   expressions deparse-expr.ts does not print) gives undefined: the SQL function then returns
 *   NULL rather than a wrong definition.
 * - Relations are found by the schema CREATE VIEW resolved them to (view-query.ts); views made
 *   before that fall back to the current search path.
 */
import type { RelationDesc, ViewDesc } from '../../catalog/descriptors.js';
import { OID } from '../../catalog/types/oids.js';
import type { Node } from '../parse.js';
import { deparseExpr, type ColumnResolver } from './deparse-expr.js';
import type { NameContext } from './object-definition.js';
import { relationName } from './relation-name.js';
import { figureColumnName } from './column-name.js';
import { quoteIdentifier } from '../../catalog/system/quote-identifier.js';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** One FROM item columns can be qualified with: a relation, or a subquery's output names. */
interface RangeEntry {
  readonly qualifier: string;
  readonly columns: ReadonlyArray<{ readonly name: string; readonly type: number | undefined }>;
}

/** Nested queries are indented this much more than their parent, as ruleutils' PRETTYINDENT_STD. */
const NESTED_INDENT = 8;
const UNSUPPORTED = ['valuesLists', 'intoClause', 'lockingClause', 'windowClause'];
const JOIN_WORDS: Record<string, string> = { JOIN_INNER: 'JOIN', JOIN_LEFT: 'LEFT JOIN', JOIN_RIGHT: 'RIGHT JOIN', JOIN_FULL: 'FULL JOIN' };
const SET_OPS: Record<string, string> = { SETOP_UNION: 'UNION', SETOP_INTERSECT: 'INTERSECT', SETOP_EXCEPT: 'EXCEPT' };

/** A SelectStmt's body, whether wrapped ({ SelectStmt: … }) or bare (a set operation's larg / rarg). */
function selectOf(node: unknown): Obj | undefined {
  const o = obj(node);
  return obj(o?.['SelectStmt']) ?? (o !== undefined && ('op' in o || 'targetList' in o) ? o : undefined);
}

/** Every line after the first shifted right by `by` spaces. */
function indentRest(text: string, by: number): string {
  return text.replaceAll('\n', `\n${' '.repeat(by)}`);
}

class Printer {
  readonly entries: RangeEntry[] = [];
  readonly resolve: ColumnResolver = (parts) => this.column(parts);
  /** WITH queries visible here, by name: their output column names. */
  readonly ctes: Map<string, readonly string[]>;

  constructor(
    private readonly n: NameContext,
    private readonly pretty: boolean,
    private readonly parent: Printer | undefined = undefined,
    ctes: ReadonlyMap<string, readonly string[]> | undefined = parent?.ctes,
  ) {
    this.ctes = new Map(ctes ?? []);
  }

  private column(parts: readonly string[]): { text: string; type: number } | undefined {
    const name = parts[parts.length - 1] ?? '';
    const qualifier = parts.length >= 2 ? parts[parts.length - 2] : undefined;
    for (const e of this.entries) {
      if (qualifier !== undefined && e.qualifier !== qualifier) continue;
      const c = e.columns.find((col) => col.name === name);
      if (c !== undefined) return { text: `${quoteIdentifier(e.qualifier)}.${quoteIdentifier(name)}`, type: c.type ?? OID.unknown };
    }
    return this.parent?.column(parts);
  }

  expr(node: unknown, typeOid: number): string | undefined {
    return deparseExpr(node, typeOid, undefined, this.pretty, this.resolve, (sub) => this.sublink(sub));
  }

  /** A subquery inside an expression: `(EXISTS ( SELECT …))`, `(x IN ( SELECT …))`, `( SELECT …)`. */
  private sublink(s: Obj): string | undefined {
    const inner = new Printer(this.n, this.pretty, this).query(s['subselect'], undefined, s['subLinkType'] !== 'EXISTS_SUBLINK');
    if (inner === undefined) return undefined;
    const body = `(${indentRest(inner, NESTED_INDENT)})`;
    switch (s['subLinkType']) {
      case 'EXISTS_SUBLINK':
        return `(EXISTS ${body})`;
      case 'EXPR_SUBLINK':
        return body;
      case 'ANY_SUBLINK': {
        const test = this.expr(s['testexpr'], OID.text);
        const op = s['operName'] === undefined ? 'IN' : undefined;
        return test === undefined || op === undefined ? undefined : `(${test} ${op} ${body})`;
      }
      default:
        return undefined;
    }
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

  private rangeVar(rv: Obj): string | undefined {
    const cte = rv['schemaname'] === undefined ? this.ctes.get(String(rv['relname'])) : undefined;
    if (cte !== undefined) {
      const alias = obj(rv['alias'])?.['aliasname'] as string | undefined;
      this.entries.push({ qualifier: alias ?? String(rv['relname']), columns: cte.map((name) => ({ name, type: undefined })) });
      return alias === undefined ? quoteIdentifier(String(rv['relname'])) : `${quoteIdentifier(String(rv['relname']))} ${quoteIdentifier(alias)}`;
    }
    const rel = this.relation(rv);
    if (rel === undefined || rel.kind === 'sequence') return undefined;
    const alias = obj(rv['alias'])?.['aliasname'] as string | undefined;
    const columns = rel.columns.filter((c) => !c.dropped).map((c) => ({ name: c.name, type: c.typeOid }));
    this.entries.push({ qualifier: alias ?? rel.name, columns });
    const name = relationName(this.n.catalog, this.n.databaseOid, rel.oid, this.n.searchPath) ?? quoteIdentifier(rel.name);
    return alias === undefined ? name : `${name} ${quoteIdentifier(alias)}`;
  }

  private subselect(s: Obj): string | undefined {
    const alias = obj(s['alias']);
    const aliasName = alias?.['aliasname'] as string | undefined;
    if (aliasName === undefined || alias?.['colnames'] !== undefined || s['lateral'] === true) return undefined;
    const inner = new Printer(this.n, this.pretty, this.parent, this.ctes).query(s['subquery'], undefined);
    const names = outputNames(s['subquery']);
    if (inner === undefined || names === undefined) return undefined;
    this.entries.push({ qualifier: aliasName, columns: names.map((name) => ({ name, type: undefined })) });
    return `(${indentRest(inner, NESTED_INDENT)}) ${quoteIdentifier(aliasName)}`;
  }

  /** A FROM item's text; registers its relations for column resolution. */
  fromItem(node: unknown, depth: number): string | undefined {
    const rv = obj(obj(node)?.['RangeVar']);
    if (rv !== undefined) return this.rangeVar(rv);
    const sub = obj(obj(node)?.['RangeSubselect']);
    if (sub !== undefined) return this.subselect(sub);
    const join = obj(obj(node)?.['JoinExpr']);
    if (join === undefined || join['alias'] !== undefined || join['isNatural'] === true) return undefined;
    const word = JOIN_WORDS[String(join['jointype'] ?? 'JOIN_INNER')];
    const left = this.fromItem(join['larg'], depth);
    const right = this.fromItem(join['rarg'], depth + 1);
    if (word === undefined || left === undefined || right === undefined) return undefined;
    const using = list(join['usingClause']).map((u) => quoteIdentifier(String(obj(obj(u)?.['String'])?.['sval'] ?? '')));
    const on = join['quals'] === undefined ? undefined : this.expr(join['quals'], OID.bool);
    if (join['quals'] !== undefined && on === undefined) return undefined;
    const condition = using.length > 0 ? ` USING (${using.join(', ')})` : on === undefined ? '' : this.pretty ? ` ON ${on}` : ` ON (${on})`;
    const keyword = on === undefined && using.length === 0 ? 'CROSS JOIN' : word;
    const text = `${left}\n${' '.repeat(5 + 5 * depth)}${keyword} ${right}${condition}`;
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

  /**
   * A query (SELECT or a chain of one set operation) without the final ';'. `names` are the
   * output names to show (a view's columns); `namesVisible` false (EXISTS) shows only given aliases.
   */
  query(node: unknown, names: readonly string[] | undefined, namesVisible = true): string | undefined {
    const select = selectOf(node);
    if (select === undefined || UNSUPPORTED.some((k) => select[k] !== undefined)) return undefined;
    if (select['withClause'] !== undefined) {
      const ctes = this.withClause(obj(select['withClause']));
      const rest = ctes === undefined ? undefined : this.query({ ...select, withClause: undefined }, names, namesVisible);
      return rest === undefined ? undefined : ` WITH ${ctes}\n${rest}`;
    }
    const op = select['op'] === undefined || select['op'] === 'SETOP_NONE' ? undefined : SET_OPS[String(select['op'])];
    if (op === undefined) return select['op'] === undefined || select['op'] === 'SETOP_NONE' ? this.simpleSelect(select, names, namesVisible) : undefined;
    if (select['sortClause'] !== undefined || select['limitCount'] !== undefined || select['limitOffset'] !== undefined) return undefined;
    const right = selectOf(select['rarg']);
    const leftOp = selectOf(select['larg'])?.['op'];
    if ((right?.['op'] ?? 'SETOP_NONE') !== 'SETOP_NONE' || (leftOp !== undefined && leftOp !== 'SETOP_NONE' && leftOp !== select['op'])) return undefined;
    const first = new Printer(this.n, this.pretty, this.parent, this.ctes).query(select['larg'], names);
    const firstNames = names ?? outputNames(select['larg']);
    const second = new Printer(this.n, this.pretty, this.parent, this.ctes).query(select['rarg'], firstNames);
    if (first === undefined || second === undefined) return undefined;
    return `${first}\n${op}${select['all'] === true ? ' ALL' : ''}\n${second}`;
  }

  /** `x AS (\n         SELECT …\n        ), y AS (…)`: each WITH query indented 8, visible to the ones after it. */
  private withClause(w: Obj | undefined): string | undefined {
    if (w === undefined || w['recursive'] === true) return undefined;
    const parts: string[] = [];
    for (const c of list(w['ctes'])) {
      const cte = obj(obj(c)?.['CommonTableExpr']);
      const name = cte?.['ctename'] as string | undefined;
      if (cte === undefined || name === undefined || cte['aliascolnames'] !== undefined) return undefined;
      if ((cte['ctematerialized'] ?? 'CTEMaterializeDefault') !== 'CTEMaterializeDefault') return undefined;
      const inner = new Printer(this.n, this.pretty, this.parent, this.ctes).query(cte['ctequery'], undefined);
      const names = outputNames(cte['ctequery']);
      if (inner === undefined || names === undefined) return undefined;
      parts.push(`${quoteIdentifier(name)} AS (\n${' '.repeat(NESTED_INDENT)}${indentRest(inner, NESTED_INDENT)}\n${' '.repeat(NESTED_INDENT)})`);
      this.ctes.set(name, names);
    }
    return parts.join(', ');
  }

  private simpleSelect(select: Obj, names: readonly string[] | undefined, namesVisible: boolean): string | undefined {
    const from: string[] = [];
    for (const item of list(select['fromClause'])) {
      const text = this.fromItem(item, 0);
      if (text === undefined) return undefined;
      from.push(text);
    }
    const distinct = list(select['distinctClause']);
    // DISTINCT is a list holding one empty node; DISTINCT ON lists its expressions.
    const distinctOn = distinct.filter((d) => obj(d) !== undefined && Object.keys(d as Obj).length > 0).map((d) => this.expr(d, OID.text));
    if (distinctOn.some((d) => d === undefined)) return undefined;
    const columns = targets(this, select, names, namesVisible);
    const tail = columns === undefined ? undefined : clauses(this, select);
    if (columns === undefined || tail === undefined) return undefined;
    // A column printed on lines of its own (CASE) starts with a newline: no separator space or indent before it.
    const shown = columns.map((c, i) => (c.startsWith('\n') ? c : `${i === 0 ? ' ' : '\n    '}${c}`)).join(',');
    const distinctText = distinctOn.length > 0 ? ` DISTINCT ON (${distinctOn.join(', ')})` : distinct.length > 0 ? ' DISTINCT' : '';
    const head = ` SELECT${distinctText}${shown}`;
    return `${head}${from.length === 0 ? '' : `\n   FROM ${from.join(',\n    ')}`}${tail}`;
  }
}

/** The output column names of the first arm of a set operation (what later arms are named after). */
function outputNames(node: unknown): string[] | undefined {
  const select = selectOf(node);
  if (select === undefined) return undefined;
  if (select['op'] !== undefined && select['op'] !== 'SETOP_NONE') return outputNames(select['larg']);
  return list(select['targetList']).map((t) => {
    const target = obj(obj(t)?.['ResTarget']);
    return (target?.['name'] as string | undefined) ?? figureColumnName(target?.['val'] as Node);
  });
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

/** The SELECT list; a column is named (AS) unless it is a column reference of the same name. */
function targets(p: Printer, select: Obj, names: readonly string[] | undefined, namesVisible: boolean): string[] | undefined {
  const out: string[] = [];
  for (const [i, t] of list(select['targetList']).entries()) {
    const target = obj(obj(t)?.['ResTarget']);
    const caseExpr = obj(obj(target?.['val'])?.['CaseExpr']);
    const text = caseExpr !== undefined ? caseTarget(p, caseExpr) : p.expr(target?.['val'], OID.text);
    if (text === undefined) return undefined;
    const given = names?.[i] ?? (target?.['name'] as string | undefined);
    const name = given ?? (namesVisible ? figureColumnName(target?.['val'] as Node) : undefined);
    const ref = obj(obj(target?.['val'])?.['ColumnRef']);
    const refName = ref === undefined ? undefined : list(ref['fields']).map((f) => String(obj(obj(f)?.['String'])?.['sval'] ?? '')).pop();
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
  const text = new Printer(n, pretty).query(view.query.tree, view.columns.map((c) => c.name));
  return text === undefined ? undefined : `${text};`;
}
