/**
 * UPDATE [FROM] and DELETE [USING]: the target table scan (its rows carry their keys) joined
 * with the extra FROM / USING items, filtered by WHERE, then the SET expressions (UPDATE) and
 * RETURNING over the target row.
 */
import type { DeleteStmt, Node, ResTarget, UpdateStmt } from '../parse.js';
import type { ColumnDesc } from '../../catalog/descriptors.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { BoundExpr } from './bound-expr.js';
import type { BindContext } from './bind-context.js';
import { notSupported, withPosition } from './bind-errors.js';
import { bindExpr } from './bind-expr.js';
import { coerce, coerceToBool, typeOfOid } from './resolve.js';
import { bindColumnDefault, tableScope } from './table-exprs.js';
import { bindReturning } from './bind-returning.js';
import { bindDmlTarget, type DmlTarget } from './dml-target.js';
import { Scope } from './scope.js';
import { bindFromClause } from './bind-from.js';
import { UpdatePlan } from '../exec/update.js';
import { DeletePlan } from '../exec/delete.js';
import { planPhysical } from '../plan/planner.js';
import type { LogicalPlan } from '../plan/logical-plan.js';
import type { BoundDml } from './bind-insert.js';

interface TargetSource {
  readonly plan: LogicalPlan;
  readonly scope: Scope;
}

function targetSource(ctx: BindContext, target: DmlTarget, extra: Node[] | undefined, where: Node | undefined): TargetSource {
  const table = target.table;
  const width = table.columns.length + 1;
  let plan: LogicalPlan = { kind: 'scan', table, alias: target.alias, width };
  let scope = tableScope(table, target.alias);
  if (extra !== undefined && extra.length > 0) {
    const from = bindFromClause(ctx, extra);
    const shifted = from.scope.entries.map((e) => ({ ...e, columns: e.columns.map((c) => ({ ...c, slot: c.slot + width })) }));
    scope = new Scope([...scope.entries, ...shifted], from.scope.merged.map((c) => ({ ...c, slot: c.slot + width })));
    plan = { kind: 'join', type: 'cross', left: plan, right: from.plan, condition: undefined, width: width + from.plan.width };
  }
  if (where !== undefined) {
    const env = { ctx, scope, aggs: undefined, clause: 'WHERE' };
    plan = { kind: 'filter', input: plan, predicate: coerceToBool(ctx, bindExpr(where, env), 'WHERE', where), width: plan.width };
  }
  return { plan, scope };
}

export function bindUpdate(ctx: BindContext, s: UpdateStmt): BoundDml {
  if (s.withClause !== undefined) throw notSupported('WITH');
  const target = bindDmlTarget(ctx, s.relation, 'update');
  const table = target.table;
  const source = targetSource(ctx, target, s.fromClause, s.whereClause);
  const env = { ctx, scope: source.scope, aggs: undefined, clause: 'UPDATE' };
  const set: BoundExpr[] = table.columns.map((c, slot) => ({ kind: 'column', slot, type: typeOfOid(c.typeOid), typmod: c.typmod, name: c.name, tableOid: table.oid, attnum: c.attnum }));
  const assigned = new Set<number>();
  for (const n of s.targetList ?? []) {
    const rt = (n as { ResTarget: ResTarget }).ResTarget;
    if (rt.indirection !== undefined) throw notSupported('UPDATE of a subfield or array element', rt.location);
    const val = rt.val as Node;
    if ('MultiAssignRef' in val) throw notSupported('multiple-column UPDATE', rt.location);
    const slot = table.columns.findIndex((c) => !c.dropped && c.name === rt.name);
    if (slot < 0) throw withPosition(`column "${rt.name}" of relation "${table.name}" does not exist`, SQLSTATE.undefinedColumn, rt.location);
    if (assigned.has(slot)) throw withPosition(`multiple assignments to same column "${rt.name}"`, SQLSTATE.syntaxError, rt.location);
    assigned.add(slot);
    const col = table.columns[slot] as ColumnDesc;
    if ('SetToDefault' in val) set[slot] = bindColumnDefault(ctx, table, col);
    else {
      if (col.identity === 'a') {
        throw new SqlError('428C9', `column "${col.name}" can only be updated to DEFAULT`, {
          detail: `Column "${col.name}" is an identity column defined as GENERATED ALWAYS.`,
        });
      }
      set[slot] = coerce(ctx, bindExpr(val, env), typeOfOid(col.typeOid), col.typmod, 'assignment', rt.location);
    }
  }
  const returning = bindReturning(ctx, s.returningClause?.exprs, source.scope);
  const dml = new UpdatePlan(target.writer, planPhysical(source.plan), set, returning?.exprs);
  return { dml, columns: returning?.columns };
}

export function bindDelete(ctx: BindContext, s: DeleteStmt): BoundDml {
  if (s.withClause !== undefined) throw notSupported('WITH');
  const target = bindDmlTarget(ctx, s.relation, 'delete from');
  const source = targetSource(ctx, target, s.usingClause, s.whereClause);
  const returning = bindReturning(ctx, s.returningClause?.exprs, source.scope);
  return { dml: new DeletePlan(target.writer, planPhysical(source.plan), returning?.exprs), columns: returning?.columns };
}
