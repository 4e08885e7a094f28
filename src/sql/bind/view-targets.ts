/**
 * The select list of a view definition's query level: each column printed with `AS name` by
 * ruleutils' rule, and `*` / `t.*` expanded into the FROM items' columns as the stored query
 * holds them.
 */
import type { Node } from '../parse.js';
import { OID } from '../../catalog/types/oids.js';
import { quoteIdentifier } from '../../catalog/system/quote-identifier.js';
import { figureColumnName } from './column-name.js';

type Obj = Record<string, unknown>;

/** What the select list needs from the view printer's query level. */
export interface TargetHost {
  /** The level's FROM items, in order: the name they are printed by and their columns. */
  readonly entries: ReadonlyArray<{ readonly refname: string; readonly qualifier: string; readonly columns: ReadonlyArray<{ readonly name: string }> }>;
  expr(node: unknown, typeOid: number): string | undefined;
}

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/**
 * The SELECT list. A column reference shows `AS name` when its name differs; any other column
 * always shows it when names are visible, else unless it is "?column?" (ruleutils' rule).
 */
export function targets(p: TargetHost, select: Obj, names: readonly string[] | undefined, namesVisible: boolean): string[] | undefined {
  const out: string[] = [];
  for (const t of list(select['targetList'])) {
    const target = obj(obj(t)?.['ResTarget']);
    const ref = obj(obj(target?.['val'])?.['ColumnRef']);
    const fields = list(ref?.['fields']);
    if (fields.some((f) => obj(f)?.['A_Star'] !== undefined)) {
      const expanded = star(p, select, fields);
      if (expanded === undefined) return undefined;
      for (const column of expanded) {
        const name = names?.[out.length] ?? column.name;
        out.push(name === column.name ? column.text : `${column.text} AS ${quoteIdentifier(name)}`);
      }
      continue;
    }
    const text = p.expr(target?.['val'], OID.text);
    if (text === undefined) return undefined;
    const name = names?.[out.length] ?? (target?.['name'] as string | undefined) ?? figureColumnName(target?.['val'] as Node);
    const refName = ref === undefined ? undefined : fields.map((f) => String(obj(obj(f)?.['String'])?.['sval'] ?? '')).pop();
    const shown = ref !== undefined ? name !== refName : namesVisible || name !== '?column?';
    out.push(shown ? `${text} AS ${quoteIdentifier(name)}` : text);
  }
  return out;
}

/**
 * `*` / `t.*` expanded into the FROM items' columns, as the stored query holds them; undefined
 * with a JOIN … USING / NATURAL in FROM (their merged columns are not tracked here).
 */
function star(p: TargetHost, select: Obj, fields: unknown[]): Array<{ text: string; name: string }> | undefined {
  if (JSON.stringify(select['fromClause'] ?? []).match(/"usingClause"|"isNatural":true/) !== null) return undefined;
  const qualifier = fields.length >= 2 ? String(obj(obj(fields[fields.length - 2])?.['String'])?.['sval'] ?? '') : undefined;
  const entries = p.entries.filter((e) => qualifier === undefined || e.refname === qualifier);
  if (entries.length === 0) return undefined;
  return entries.flatMap((e) => e.columns.map((c) => ({ text: `${quoteIdentifier(e.qualifier)}.${quoteIdentifier(c.name)}`, name: c.name })));
}
