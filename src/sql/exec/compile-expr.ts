/**
 * Compiles a BoundExpr into a closure once per plan; executing it per row allocates nothing
 * beyond what the called functions allocate (argument arrays are per-node scratch buffers, safe
 * because a node is never re-entered while its arguments are being evaluated).
 *
 * - SQL three-valued logic: AND/OR/NOT over true/false/null as PostgreSQL.
 * - A strict call returns null without calling its function when any argument is null.
 */
import type { Value } from '../../catalog/types/sql-type.js';
import { assert } from '../../util/index.js';
import type { BoundExpr, CallExpr } from '../bind/bound-expr.js';
import type { ExecContext } from './exec-context.js';
import { compileSubquery } from './subquery-eval.js';

export type Row = Value[];
export type Evaluator = (row: Row, ctx: ExecContext) => Value;

export function compileExpr(e: BoundExpr): Evaluator {
  switch (e.kind) {
    case 'const': {
      const v = e.value;
      return () => v;
    }
    case 'param': {
      const i = e.index;
      return (_row, ctx) => ctx.params[i] ?? null;
    }
    case 'column': {
      const slot = e.slot;
      return (row) => row[slot] ?? null;
    }
    case 'call':
      return compileCall(e);
    case 'and':
      return compileAnd(e.args.map(compileExpr));
    case 'or':
      return compileOr(e.args.map(compileExpr));
    case 'not': {
      const arg = compileExpr(e.args[0] as BoundExpr);
      return (row, ctx) => {
        const v = arg(row, ctx);
        return v === null ? null : !v;
      };
    }
    case 'isnull': {
      const arg = compileExpr(e.arg);
      return e.negate ? (row, ctx) => arg(row, ctx) !== null : (row, ctx) => arg(row, ctx) === null;
    }
    case 'booltest':
      return compileBoolTest(compileExpr(e.arg), e.test, e.negate);
    case 'case':
      return compileCase(e.whens.map((w) => [compileExpr(w.cond), compileExpr(w.result)]), compileExpr(e.otherwise));
    case 'coalesce': {
      const args = e.args.map(compileExpr);
      return (row, ctx) => {
        for (const a of args) {
          const v = a(row, ctx);
          if (v !== null) return v;
        }
        return null;
      };
    }
    case 'in':
      return compileIn(e.comparisons.map(compileExpr), e.negate);
    case 'outer': {
      const depth = e.depth;
      const slot = e.slot;
      return (_row, ctx) => (ctx.outerRows[ctx.outerRows.length - depth]?.[slot] as Value | undefined) ?? null;
    }
    case 'subquery':
      return compileSubquery(e, e.test === undefined ? undefined : compileExpr(e.test), e.compare === undefined ? undefined : compileExpr(e.compare));
    case 'aggref':
      assert(false, 'aggref must be rewritten to a column before compilation');
  }
}

function compileCall(e: CallExpr): Evaluator {
  const fn = e.fn;
  const args = e.args.map(compileExpr);
  const n = args.length;
  const scratch: Value[] = new Array<Value>(n).fill(null);
  const strict = e.strict;
  if (n === 0) return (_row, ctx) => fn(scratch, ctx);
  if (n === 1) {
    const a0 = args[0] as Evaluator;
    return (row, ctx) => {
      const v = a0(row, ctx);
      if (v === null && strict) return null;
      scratch[0] = v;
      return fn(scratch, ctx);
    };
  }
  if (n === 2) {
    const a0 = args[0] as Evaluator;
    const a1 = args[1] as Evaluator;
    return (row, ctx) => {
      const v0 = a0(row, ctx);
      if (v0 === null && strict) return null;
      const v1 = a1(row, ctx);
      if (v1 === null && strict) return null;
      scratch[0] = v0;
      scratch[1] = v1;
      return fn(scratch, ctx);
    };
  }
  return (row, ctx) => {
    for (let i = 0; i < n; i++) {
      const v = (args[i] as Evaluator)(row, ctx);
      if (v === null && strict) return null;
      scratch[i] = v;
    }
    return fn(scratch, ctx);
  };
}

function compileAnd(args: Evaluator[]): Evaluator {
  return (row, ctx) => {
    let sawNull = false;
    for (const a of args) {
      const v = a(row, ctx);
      if (v === false) return false;
      if (v === null) sawNull = true;
    }
    return sawNull ? null : true;
  };
}

function compileOr(args: Evaluator[]): Evaluator {
  return (row, ctx) => {
    let sawNull = false;
    for (const a of args) {
      const v = a(row, ctx);
      if (v === true) return true;
      if (v === null) sawNull = true;
    }
    return sawNull ? null : false;
  };
}

function compileBoolTest(arg: Evaluator, test: 'true' | 'false' | 'unknown', negate: boolean): Evaluator {
  return (row, ctx) => {
    const v = arg(row, ctx);
    const hit = test === 'unknown' ? v === null : test === 'true' ? v === true : v === false;
    return negate ? !hit : hit;
  };
}

function compileCase(whens: Array<[Evaluator, Evaluator]>, otherwise: Evaluator): Evaluator {
  return (row, ctx) => {
    for (const [cond, result] of whens) if (cond(row, ctx) === true) return result(row, ctx);
    return otherwise(row, ctx);
  };
}

/** x IN (…): true if any comparison is true; else null if any is null; else false. */
function compileIn(comparisons: Evaluator[], negate: boolean): Evaluator {
  return (row, ctx) => {
    let sawNull = false;
    for (const c of comparisons) {
      const v = c(row, ctx);
      if (v === true) return !negate;
      if (v === null) sawNull = true;
    }
    return sawNull ? null : negate;
  };
}
