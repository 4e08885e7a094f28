/**
 * The layout of a set operation in a view definition, as ruleutils' get_setop_query writes it with
 * indentation on: the arms one after another with the operator on a line of its own; a left input
 * that is a different set operation (`a UNION b EXCEPT c`) and any right input that is a set
 * operation (`a UNION ALL (b EXCEPT c)`) go in parentheses, their lines indented 8 further; an arm
 * with WITH, ORDER BY, LIMIT or OFFSET goes in parentheses.
 *
 * - Arms are printed by the caller (as queries at indentation 0) and shifted here.
 * - Only the leftmost chain of arms shows its column names; the right inputs' names are not
 *   visible (the caller's `namesVisible`), as in ruleutils.
 */
type Obj = Record<string, unknown>;

const SET_OPS: Record<string, string> = { SETOP_UNION: 'UNION', SETOP_INTERSECT: 'INTERSECT', SETOP_EXCEPT: 'EXCEPT' };
/** ruleutils' PRETTYINDENT_STD. */
const INDENT = 8;

/** Prints one arm (a SELECT or VALUES without set operations) at indentation 0. */
export type ArmPrinter = (select: Obj, namesVisible: boolean) => string | undefined;

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** A SelectStmt's body, whether wrapped ({ SelectStmt: … }) or bare (a set operation's larg / rarg). */
export function selectOf(node: unknown): Obj | undefined {
  const o = obj(node);
  return obj(o?.['SelectStmt']) ?? (o !== undefined && ('op' in o || 'targetList' in o || 'valuesLists' in o) ? o : undefined);
}

export function isSetOperation(select: Obj): boolean {
  return select['op'] !== undefined && select['op'] !== 'SETOP_NONE';
}

/** Every line after the first shifted right by `by` spaces (line breaks of CASE layouts too). */
export function indentRest(text: string, by: number): string {
  const pad = ' '.repeat(by);
  return text.replace(/\n|\u0000/g, (m) => `${m}${pad}`);
}

/** ruleutils' output buffer with its indentation level. */
class Layout {
  text = '';
  level = 0;

  /** appendContextKeyword: drop trailing spaces, new line, indentation, `word`. */
  keyword(word: string, before: number): void {
    this.level = Math.max(this.level + before, 0);
    this.text = `${this.text.replace(/ +$/, '')}\n${' '.repeat(this.level)}${word}`;
  }
}

function needsParentheses(arm: Obj): boolean {
  return ['withClause', 'sortClause', 'limitCount', 'limitOffset', 'lockingClause'].some((k) => arm[k] !== undefined);
}

function write(node: unknown, out: Layout, arm: ArmPrinter, namesVisible: boolean): boolean {
  const select = selectOf(node);
  if (select === undefined) return false;
  if (!isSetOperation(select)) {
    const text = arm(select, namesVisible);
    if (text === undefined) return false;
    const shifted = indentRest(text, out.level);
    out.text += needsParentheses(select) ? `(${shifted})` : shifted;
    return true;
  }
  const op = SET_OPS[String(select['op'])];
  const left = selectOf(select['larg']);
  if (op === undefined || left === undefined) return false;
  const leftParen = isSetOperation(left) && (left['op'] !== select['op'] || (left['all'] === true) !== (select['all'] === true));
  if (leftParen) {
    out.text += '(';
    out.keyword('', INDENT);
  }
  if (!write(left, out, arm, namesVisible)) return false;
  out.keyword(leftParen ? ') ' : '', leftParen ? -INDENT : 0);
  out.text += `${op} ${select['all'] === true ? 'ALL ' : ''}`;
  const right = selectOf(select['rarg']);
  if (right === undefined) return false;
  const rightParen = isSetOperation(right);
  if (rightParen) out.text += '(';
  out.keyword('', rightParen ? INDENT : 0);
  if (!write(right, out, arm, false)) return false;
  if (rightParen) {
    out.level -= INDENT;
    out.keyword(')', 0);
  }
  return true;
}

/** The set operation `select` at indentation 0, or undefined when an arm cannot be printed. */
export function printSetOperation(select: Obj, arm: ArmPrinter, namesVisible: boolean): string | undefined {
  if (['sortClause', 'limitCount', 'limitOffset', 'lockingClause'].some((k) => select[k] !== undefined)) return undefined;
  const out = new Layout();
  return write(select, out, arm, namesVisible) ? out.text : undefined;
}

/** ` VALUES (1,2), (3,4)` from the printed items of each row. */
export function valuesText(rows: ReadonlyArray<readonly string[]>): string {
  return ` VALUES ${rows.map((r) => `(${r.join(',')})`).join(', ')}`;
}
