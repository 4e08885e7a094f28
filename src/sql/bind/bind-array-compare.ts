/**
 * `x op ANY (array)` and `x op ALL (array)` (A_Expr kinds AEXPR_OP_ANY / AEXPR_OP_ALL), as
 * PostgreSQL's ScalarArrayOpExpr: the operator is resolved between the left type and the array's
 * element type, then applied to each element.
 *
 * - ANY: true if a comparison is true, else NULL if the array was NULL or a comparison NULL, else
 *   false (so an empty array gives false); ALL dually (empty array → true).
 * - Nested (multi-dimensional) arrays are compared element by element over every leaf.
 */
import type { A_Expr, Node } from '../parse.js';
import { SqlError } from '../../util/index.js';
import type { Value } from '../../catalog/types/sql-type.js';
import { arrayOf } from '../../catalog/types/type-registry.js';
import type { BoundExpr } from './bound-expr.js';
import type { ExprEnv } from './bind-expr.js';
import { stringList } from './ast-util.js';
import { BOOL, bindOperator, coerce } from './resolve.js';
import { compileExpr, type Row } from '../exec/compile-expr.js';
import type { ExecContext } from '../exec/exec-context.js';

export function bindArrayCompare(e: A_Expr, env: ExprEnv, bindExpr: (n: Node, env: ExprEnv) => BoundExpr): BoundExpr {
  const all = e.kind === 'AEXPR_OP_ALL';
  const parts = stringList(e.name);
  const op = parts[parts.length - 1] ?? '=';
  const left = bindExpr(e.lexpr as Node, env);
  let right = bindExpr(e.rexpr as Node, env);
  if (right.type.element === undefined && (right.kind === 'const' || right.kind === 'param') && right.type.name === 'unknown') {
    const arrayType = arrayOf(left.type);
    if (arrayType !== undefined) right = coerce(env.ctx, right, arrayType, -1, 'implicit', e.location);
  }
  const element = right.type.element;
  if (element === undefined) {
    throw new SqlError('42809', `op ${all ? 'ALL' : 'ANY'}/${all ? 'ALL' : 'ANY'} (array) requires array on right side`, {
      position: e.location === undefined ? undefined : e.location + 1,
    });
  }
  const l: BoundExpr = { kind: 'column', slot: 0, type: left.type, typmod: -1, name: '', tableOid: 0, attnum: 0 };
  const r: BoundExpr = { kind: 'column', slot: 1, type: element, typmod: -1, name: '', tableOid: 0, attnum: 0 };
  const compare = compileExpr(bindOperator(env.ctx, op, l, r, e.location));
  const pair: Row = [null, null];
  const visit = (leftValue: Value, items: readonly Value[], ctx: ExecContext, state: { sawNull: boolean }): boolean => {
    for (const item of items) {
      if (Array.isArray(item)) {
        if (visit(leftValue, item as Value[], ctx, state)) return true;
        continue;
      }
      pair[0] = leftValue;
      pair[1] = item;
      const v = compare(pair, ctx);
      if (v === null) state.sawNull = true;
      else if (v === !all) return true;
    }
    return false;
  };
  const fn = (args: Value[], ctx: ExecContext): Value => {
    const items = args[1] ?? null;
    if (items === null) return null;
    const state = { sawNull: false };
    if (visit(args[0] ?? null, items as Value[], ctx, state)) return !all;
    return state.sawNull ? null : all;
  };
  return { kind: 'call', name: `${op} ${all ? 'ALL' : 'ANY'}`, fn, args: [left, right], type: BOOL(), typmod: -1, strict: false, volatile: false };
}
