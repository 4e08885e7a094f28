/**
 * pg_get_viewdef: a view's stored query printed back in PostgreSQL's layout —
 * ` SELECT [DISTINCT ]a,\n    b AS x\n   FROM t\n  WHERE …\n  GROUP BY …\n HAVING …\n  ORDER BY …\n LIMIT n;`
 * with column references qualified by their table's name or alias, relations schema-qualified
 * when not visible on the search path, and joins nested as ruleutils nests them
 * (`(a\n     JOIN b ON (cond))`, the parentheses dropped in pretty mode).
 *
 * - Covered: SELECT lists, FROM with tables, aliases, comma lists, subqueries and
 *   [LEFT|RIGHT|FULL] JOIN … ON / USING, WHERE, GROUP BY, HAVING, ORDER BY (DESC, NULLS), LIMIT,
 *   OFFSET, DISTINCT, DISTINCT ON, subqueries in expressions (EXISTS, IN, scalar; indented 8 more
 *   per level, as ruleutils does), WITH [RECURSIVE] (with column lists), VALUES, set operations
 *   of any mix and nesting (view-setop.ts), and CASE anywhere in an expression (deparse-case.ts).
 *   Anything else (expressions deparse-expr.ts does not print) gives undefined: the SQL function
 *   then returns NULL rather than a wrong definition.
 * - Every FROM item gets a name unique among its query level and the levels around it, as
 *   ruleutils' set_rtable_names makes them: a reference to `r` inside a query nested in one that
 *   also uses `r` prints as `r r_1` (columns `r_1.n`). A level's names are taken before any query
 *   nested in it (WITH, FROM, sublinks) is printed.
 * - Relations are found by the schema CREATE VIEW resolved them to (view-query.ts); views made
 *   before that fall back to the current search path.
 */
import type { RelationDesc, ViewDesc } from '../../catalog/descriptors.js';
import { OID } from '../../catalog/types/oids.js';
import type { Node } from '../parse.js';
import { deparseExpr, sortGroupText, type ColumnResolver } from './deparse-expr.js';
import { LINE_BREAK } from './deparse-case.js';
import { indentRest, isSetOperation, printSetOperation, selectOf, valuesText } from './view-setop.js';
import { targets } from './view-targets.js';
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
  /** The name the query refers to it by (alias, else relation name). */
  readonly refname: string;
  /** The name it is printed by (refname, made unique among the levels around it). */
  readonly qualifier: string;
  readonly columns: ReadonlyArray<{ readonly name: string; readonly type: number | undefined }>;
}

/** Nested queries are indented this much more than their parent, as ruleutils' PRETTYINDENT_STD. */
const NESTED_INDENT = 8;
/** The indentation of a select list, WHERE, ORDER BY …: where a CASE in them starts its lines. */
const CLAUSE_INDENT = 8;
const UNSUPPORTED = ['intoClause', 'lockingClause', 'windowClause'];
const JOIN_WORDS: Record<string, string> = { JOIN_INNER: 'JOIN', JOIN_LEFT: 'LEFT JOIN', JOIN_RIGHT: 'RIGHT JOIN', JOIN_FULL: 'FULL JOIN' };

class Printer {
  readonly entries: RangeEntry[] = [];
  readonly resolve: ColumnResolver = (parts) => this.column(parts);
  /** WITH queries visible here, by name: their output column names. */
  readonly ctes: Map<string, readonly string[]>;

  /** The unique names given to this level's FROM items (RangeVar / RangeSubselect bodies). */
  private readonly names = new Map<object, string>();
  private readonly usedNames = new Set<string>();
  private namesTaken = false;

  /**
   * `parent`: the level whose columns this one may reference (sublinks); `namesParent`: the level
   * this one is printed inside, whose FROM names it must not reuse (every nested query).
   */
  constructor(
    readonly n: NameContext,
    readonly pretty: boolean,
    private readonly parent: Printer | undefined = undefined,
    ctes: ReadonlyMap<string, readonly string[]> | undefined = parent?.ctes,
    private readonly namesParent: Printer | undefined = parent,
  ) {
    this.ctes = new Map(ctes ?? []);
  }

  private nameUsed(name: string): boolean {
    return this.usedNames.has(name) || (this.namesParent?.nameUsed(name) ?? false);
  }

  /** set_rtable_names for this level: each FROM item's refname, suffixed `_N` while taken. */
  private takeNames(fromClause: unknown): void {
    if (this.namesTaken) return;
    this.namesTaken = true;
    const visit = (node: unknown): void => {
      const rv = obj(obj(node)?.['RangeVar']);
      const sub = obj(obj(node)?.['RangeSubselect']);
      const join = obj(obj(node)?.['JoinExpr']);
      if (join !== undefined) {
        visit(join['larg']);
        visit(join['rarg']);
        return;
      }
      const body = rv ?? sub;
      if (body === undefined) return;
      const refname = (obj(body['alias'])?.['aliasname'] as string | undefined) ?? (rv === undefined ? undefined : String(rv['relname']));
      if (refname === undefined) return;
      let name = refname;
      for (let i = 1; this.nameUsed(name); i++) name = `${refname}_${i}`;
      this.usedNames.add(name);
      this.names.set(body, name);
    };
    for (const item of list(fromClause)) visit(item);
  }

  private column(parts: readonly string[]): { text: string; type: number } | undefined {
    const name = parts[parts.length - 1] ?? '';
    const qualifier = parts.length >= 2 ? parts[parts.length - 2] : undefined;
    for (const e of this.entries) {
      if (qualifier !== undefined && e.refname !== qualifier) continue;
      const c = e.columns.find((col) => col.name === name);
      if (c !== undefined) return { text: `${quoteIdentifier(e.qualifier)}.${quoteIdentifier(name)}`, type: c.type ?? OID.unknown };
    }
    return this.parent?.column(parts);
  }

  expr(node: unknown, typeOid: number): string | undefined {
    return deparseExpr(node, typeOid, undefined, this.pretty, this.resolve, (sub) => this.sublink(sub), CLAUSE_INDENT);
  }

  /** A subquery inside an expression: `(EXISTS ( SELECT …))`, `(x IN ( SELECT …))`, `( SELECT …)`. */
  private sublink(s: Obj): string | undefined {
    const inner = new Printer(this.n, this.pretty, this).query(s['subselect'], undefined, false);
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
    const alias = obj(rv['alias'])?.['aliasname'] as string | undefined;
    const refname = alias ?? String(rv['relname']);
    const unique = this.names.get(rv) ?? refname;
    const shownAlias = alias !== undefined || unique !== refname ? ` ${quoteIdentifier(unique)}` : '';
    const cte = rv['schemaname'] === undefined ? this.ctes.get(String(rv['relname'])) : undefined;
    if (cte !== undefined) {
      this.entries.push({ refname, qualifier: unique, columns: cte.map((name) => ({ name, type: undefined })) });
      return `${quoteIdentifier(String(rv['relname']))}${shownAlias}`;
    }
    const rel = this.relation(rv);
    if (rel === undefined || rel.kind === 'sequence') return undefined;
    const columns = rel.columns.filter((c) => !c.dropped).map((c) => ({ name: c.name, type: c.typeOid }));
    this.entries.push({ refname, qualifier: unique, columns });
    const name = relationName(this.n.catalog, this.n.databaseOid, rel.oid, this.n.searchPath) ?? quoteIdentifier(rel.name);
    return `${name}${shownAlias}`;
  }

  private subselect(s: Obj): string | undefined {
    const alias = obj(s['alias']);
    const aliasName = alias?.['aliasname'] as string | undefined;
    if (aliasName === undefined || alias?.['colnames'] !== undefined || s['lateral'] === true) return undefined;
    const inner = new Printer(this.n, this.pretty, this.parent, this.ctes, this).query(s['subquery'], undefined);
    const names = outputNames(s['subquery']);
    if (inner === undefined || names === undefined) return undefined;
    const unique = this.names.get(s) ?? aliasName;
    this.entries.push({ refname: aliasName, qualifier: unique, columns: names.map((name) => ({ name, type: undefined })) });
    return `(${indentRest(inner, NESTED_INDENT)}) ${quoteIdentifier(unique)}`;
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

  /** A sort, group or DISTINCT ON key (sortGroupText's parentheses). */
  groupKey(node: unknown): string | undefined {
    const text = this.expr(node, OID.text);
    return text === undefined ? undefined : sortGroupText(node, text, this.pretty);
  }

  /**
   * The select-list expression a GROUP BY / ORDER BY / DISTINCT ON item stands for (printed in its
   * place, as ruleutils prints the target): an ordinal, or an output column's name — ahead of a
   * FROM column of that name except in GROUP BY (`outputFirst` false), as PostgreSQL resolves it.
   */
  keyTarget(select: Obj, node: unknown, outputFirst: boolean): unknown {
    const targets = list(select['targetList']).map((t) => obj(obj(t)?.['ResTarget']));
    const ival = obj(obj(obj(node)?.['A_Const'])?.['ival']);
    if (ival !== undefined) return targets[Number(ival['ival'] ?? 0) - 1]?.['val'] ?? node;
    const fields = list(obj(obj(node)?.['ColumnRef'])?.['fields']);
    const name = fields.length === 1 ? (obj(obj(fields[0])?.['String'])?.['sval'] as string | undefined) : undefined;
    if (name === undefined || (!outputFirst && this.column([name]) !== undefined)) return node;
    const target = targets.find((t) => ((t?.['name'] as string | undefined) ?? figureColumnName(t?.['val'] as Node)) === name);
    return target?.['val'] ?? node;
  }

  /** ORDER BY keys: `x`, `x DESC`, `x NULLS FIRST` (the non-default orders only). */
  sortKeys(select: Obj, sortClause: unknown[]): string | undefined {
    const keys: string[] = [];
    const seen = new Set<string>();
    for (const item of sortClause) {
      const sort = obj(obj(item)?.['SortBy']);
      const text = sort === undefined ? undefined : this.groupKey(this.keyTarget(select, sort['node'], true));
      if (sort === undefined || text === undefined || sort['useOp'] !== undefined) return undefined;
      // A key already sorted on is dropped, whatever its direction (the parser's addTargetToSortList).
      if (seen.has(text)) continue;
      seen.add(text);
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
   * A query (SELECT, VALUES or a set operation) without the final ';'. `names` are the output
   * names to show (a view's columns); `namesVisible` false (sublinks, right arms of set
   * operations) shows a computed column's name only when it is not "?column?".
   */
  query(node: unknown, names: readonly string[] | undefined, namesVisible = true): string | undefined {
    const select = selectOf(node);
    if (select === undefined || UNSUPPORTED.some((k) => select[k] !== undefined)) return undefined;
    if (!isSetOperation(select)) this.takeNames(select['fromClause']);
    if (select['withClause'] !== undefined) {
      const ctes = this.withClause(obj(select['withClause']));
      const rest = ctes === undefined ? undefined : this.query({ ...select, withClause: undefined }, names, namesVisible);
      return rest === undefined ? undefined : ` ${ctes}\n${rest}`;
    }
    if (!isSetOperation(select)) return this.simpleSelect(select, names, namesVisible);
    const arm = (s: Obj, visible: boolean): string | undefined => new Printer(this.n, this.pretty, this.parent, this.ctes, this).query(s, names, visible);
    return printSetOperation(select, arm, namesVisible);
  }

  /**
   * `WITH [RECURSIVE] x(a, b) AS (\n         SELECT …\n        ), y AS (…)`: each WITH query
   * indented 8, visible to the ones after it (and to itself when recursive).
   */
  private withClause(w: Obj | undefined): string | undefined {
    if (w === undefined) return undefined;
    const recursive = w['recursive'] === true;
    const parts: string[] = [];
    for (const c of list(w['ctes'])) {
      const cte = obj(obj(c)?.['CommonTableExpr']);
      const name = cte?.['ctename'] as string | undefined;
      if (cte === undefined || name === undefined) return undefined;
      if ((cte['ctematerialized'] ?? 'CTEMaterializeDefault') !== 'CTEMaterializeDefault') return undefined;
      const aliases = list(cte['aliascolnames']).map((a) => String(obj(obj(a)?.['String'])?.['sval'] ?? ''));
      const names = aliases.length > 0 ? aliases : outputNames(cte['ctequery']);
      if (names === undefined) return undefined;
      if (recursive) this.ctes.set(name, names);
      const inner = new Printer(this.n, this.pretty, this.parent, this.ctes, this).query(cte['ctequery'], undefined);
      if (inner === undefined) return undefined;
      const columns = aliases.length > 0 ? `(${aliases.map(quoteIdentifier).join(', ')})` : '';
      const pad = ' '.repeat(NESTED_INDENT);
      parts.push(`${quoteIdentifier(name)}${columns} AS (\n${pad}${indentRest(inner, NESTED_INDENT)}\n${pad})`);
      this.ctes.set(name, names);
    }
    return `WITH ${recursive ? 'RECURSIVE ' : ''}${parts.join(', ')}`;
  }

  private simpleSelect(select: Obj, names: readonly string[] | undefined, namesVisible: boolean): string | undefined {
    if (select['valuesLists'] !== undefined) return this.values(select);
    const from: string[] = [];
    for (const item of list(select['fromClause'])) {
      const text = this.fromItem(item, 0);
      if (text === undefined) return undefined;
      from.push(text);
    }
    const distinct = list(select['distinctClause']);
    // DISTINCT is a list holding one empty node; DISTINCT ON lists its expressions.
    const distinctOn = distinct.filter((d) => obj(d) !== undefined && Object.keys(d as Obj).length > 0).map((d) => this.groupKey(this.keyTarget(select, d, true)));
    if (distinctOn.some((d) => d === undefined)) return undefined;
    const columns = targets(this, select, names, namesVisible);
    const tail = columns === undefined ? undefined : clauses(this, select);
    if (columns === undefined || tail === undefined) return undefined;
    // A column starting on a line of its own (CASE) needs no separator space or indent before it.
    const shown = columns.map((c, i) => (c.startsWith(LINE_BREAK) ? c : `${i === 0 ? ' ' : '\n    '}${c}`)).join(',');
    const distinctText = distinctOn.length > 0 ? ` DISTINCT ON (${distinctOn.join(', ')})` : distinct.length > 0 ? ' DISTINCT' : '';
    const head = ` SELECT${distinctText}${shown}`;
    return `${head}${from.length === 0 ? '' : `\n   FROM ${from.join(',\n    ')}`}${tail}`;
  }

  /** A bare VALUES list (no ORDER BY or LIMIT): ` VALUES (1,2), (3,4)`. */
  private values(select: Obj): string | undefined {
    if (select['sortClause'] !== undefined || select['limitCount'] !== undefined || select['limitOffset'] !== undefined) return undefined;
    const rows: string[][] = [];
    for (const row of list(select['valuesLists'])) {
      const items = list(obj(obj(row)?.['List'])?.['items']).map((item) => this.expr(item, OID.text));
      if (items.length === 0 || items.some((i) => i === undefined)) return undefined;
      rows.push(items as string[]);
    }
    return valuesText(rows);
  }
}

/** The output column names of a query (of a set operation's first arm, which names the rest). */
function outputNames(node: unknown): string[] | undefined {
  const select = selectOf(node);
  if (select === undefined) return undefined;
  if (isSetOperation(select)) return outputNames(select['larg']);
  const rows = list(select['valuesLists']);
  if (rows.length > 0) return list(obj(obj(rows[0])?.['List'])?.['items']).map((_, i) => `column${i + 1}`);
  return list(select['targetList']).map((t) => {
    const target = obj(obj(t)?.['ResTarget']);
    return (target?.['name'] as string | undefined) ?? figureColumnName(target?.['val'] as Node);
  });
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
    const keys = groups.map((g) => p.groupKey(p.keyTarget(select, g, false)));
    if (keys.some((k) => k === undefined)) return undefined;
    out += `\n  GROUP BY ${[...new Set(keys)].join(', ')}`;
  }
  if (!part(select['havingClause'], OID.bool, '\n HAVING ')) return undefined;
  const sorts = list(select['sortClause']);
  if (sorts.length > 0) {
    const keys = p.sortKeys(select, sorts);
    if (keys === undefined) return undefined;
    out += `\n  ORDER BY ${keys}`;
  }
  if (!part(select['limitOffset'], OID.int8, '\n OFFSET ')) return undefined;
  if (!part(select['limitCount'], OID.int8, '\n LIMIT ')) return undefined;
  return out;
}

export function viewDefinition(n: NameContext, view: ViewDesc, pretty: boolean): string | undefined {
  const text = new Printer(n, pretty).query(view.query.tree, view.columns.map((c) => c.name));
  // A CASE's line breaks drop the spaces before them (ruleutils' appendContextKeyword).
  return text === undefined ? undefined : `${text.replace(/ *\u0000/g, '\n')};`;
}
