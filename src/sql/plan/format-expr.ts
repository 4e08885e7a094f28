/**
 * Prints a bound expression the way EXPLAIN shows it (close to PostgreSQL's deparser):
 * columns by name, operators infix in parentheses, constants as 'text'::type.
 */
import type { BoundExpr } from '../bind/bound-expr.js';
import { DEFAULT_TYPE_CONTEXT } from '../../catalog/types/sql-type.js';

const OPERATOR_CHARS = /^[+\-*/<>=~!@#%^&|`?]+$/;

export function formatExpr(e: BoundExpr): string {
  switch (e.kind) {
    case 'const':
      return formatConst(e);
    case 'param':
      return `$${e.index + 1}`;
    case 'column':
      return e.name === '' ? `$col${e.slot}` : e.name;
    case 'aggref':
      return `agg${e.index}`;
    case 'call':
      return formatCall(e.name, e.args);
    case 'and':
    case 'or':
      return `(${e.args.map(formatExpr).join(e.kind === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `(NOT ${formatExpr(e.args[0] as BoundExpr)})`;
    case 'isnull':
      return `(${formatExpr(e.arg)} IS ${e.negate ? 'NOT ' : ''}NULL)`;
    case 'booltest':
      return `(${formatExpr(e.arg)} IS ${e.negate ? 'NOT ' : ''}${e.test.toUpperCase()})`;
    case 'case':
      return `CASE ${e.whens.map((w) => `WHEN ${formatExpr(w.cond)} THEN ${formatExpr(w.result)}`).join(' ')} ELSE ${formatExpr(e.otherwise)} END`;
    case 'coalesce':
      return `COALESCE(${e.args.map(formatExpr).join(', ')})`;
    case 'in':
      return `(${e.negate ? 'NOT ' : ''}(${e.comparisons.map(formatExpr).join(' OR ')}))`;
    case 'outer':
      return e.name;
    case 'subquery':
      return e.mode === 'exists' ? `(EXISTS (SubPlan ${e.id}))` : `(SubPlan ${e.id})`;
  }
}

function formatConst(e: Extract<BoundExpr, { kind: 'const' }>): string {
  if (e.value === null) return 'NULL';
  let text: string;
  try {
    text = e.type.toText(e.value, DEFAULT_TYPE_CONTEXT);
  } catch {
    text = String(e.value);
  }
  if (e.type.category === 'N' && !text.startsWith('-')) return text;
  return `'${text.replaceAll("'", "''")}'::${e.type.sqlName}`;
}

function formatCall(name: string, args: readonly BoundExpr[]): string {
  if (name.startsWith('::') && args.length === 1) return `(${formatExpr(args[0] as BoundExpr)})${name}`;
  if (OPERATOR_CHARS.test(name) || name === 'LIKE' || name === 'ILIKE') {
    if (args.length === 2) return `(${formatExpr(args[0] as BoundExpr)} ${name} ${formatExpr(args[1] as BoundExpr)})`;
    if (args.length === 1) return `(${name} ${formatExpr(args[0] as BoundExpr)})`;
  }
  return `${name}(${args.map(formatExpr).join(', ')})`;
}
