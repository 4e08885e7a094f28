/**
 * UNION / INTERSECT / EXCEPT [ALL]: both sides bound as queries, column types unified with
 * PostgreSQL's rules (per column, as for UNION in parse_coerce.c), names taken from the left.
 */
import type { SelectStmt } from '../parse.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { BoundExpr } from './bound-expr.js';
import type { BindContext } from './bind-context.js';
import { bindSelect, finishQuery, type BoundQuery } from './bind-select.js';
import { coerce, commonType } from './resolve.js';
import type { LogicalPlan, OutputColumn } from '../plan/logical-plan.js';

const OPS = { SETOP_UNION: 'union', SETOP_INTERSECT: 'intersect', SETOP_EXCEPT: 'except' } as const;

export function bindSetOperation(ctx: BindContext, s: SelectStmt): BoundQuery {
  const op = OPS[s.op as keyof typeof OPS];
  const left = bindSelect(ctx, s.larg as SelectStmt, true);
  const right = bindSelect(ctx, s.rarg as SelectStmt, true);
  const label = op.toUpperCase();
  if (left.columns.length !== right.columns.length) {
    throw new SqlError(SQLSTATE.syntaxError, `each ${label} query must have the same number of columns`);
  }
  const columns: OutputColumn[] = [];
  const leftExprs: BoundExpr[] = [];
  const rightExprs: BoundExpr[] = [];
  left.columns.forEach((lc, slot) => {
    const rc = right.columns[slot] as OutputColumn;
    const l = columnAt(slot, lc);
    const r = columnAt(slot, rc);
    const { type, typmod } = commonType(ctx, [l, r], label);
    leftExprs.push(coerce(ctx, l, type, typmod, 'implicit'));
    rightExprs.push(coerce(ctx, r, type, typmod, 'implicit'));
    columns.push({ name: lc.name, type, typmod: lc.typmod === rc.typmod ? typmod : -1, tableOid: 0, attnum: 0 });
  });
  const width = columns.length;
  const plan: LogicalPlan = {
    kind: 'setop',
    op,
    all: s.all === true,
    left: { kind: 'project', input: left.plan, exprs: leftExprs, width },
    right: { kind: 'project', input: right.plan, exprs: rightExprs, width },
    width,
  };
  return finishQuery(ctx, s, { plan, columns });
}

function columnAt(slot: number, c: OutputColumn): BoundExpr {
  return { kind: 'column', slot, type: c.type, typmod: c.typmod, name: c.name, tableOid: 0, attnum: 0 };
}
