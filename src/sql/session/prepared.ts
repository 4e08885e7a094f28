/**
 * SqlPrepared: one parsed statement of a session (the protocol's prepared statement) and its
 * plan, re-planned when the catalog version moves. Statements of a simple-query batch know their
 * position so the session commits the batch's implicit transaction after the last one.
 */
import type { Node } from '../parse.js';
import { nodeTag } from '../parse.js';
import type { FieldDescription, FormatCode, PreparedStatement } from '../session-api.js';
import type { StatementPlan } from '../statement/statement-plan.js';
import type { OutputColumn } from '../plan/logical-plan.js';
import { SqlError, SQLSTATE } from '../../util/index.js';

export interface BatchPosition {
  readonly index: number;
  readonly count: number;
}

export interface Planner {
  planFor(p: SqlPrepared): StatementPlan;
}

export class SqlPrepared implements PreparedStatement {
  plan: StatementPlan | undefined;
  planVersion = -1;
  /** Portals bound to it (pg_prepared_statements' generic_plans). */
  executions = 0;
  /**
   * The result columns (name, type, typmod) of its first plan: a client described them, so a
   * re-plan after DDL must keep them (0A000), as PostgreSQL's cached plans must.
   */
  private resultShape: string | undefined;
  /** Derived from `plan` once per plan: Describe and Bind ask for them on every execution. */
  private derived: { plan: StatementPlan; paramTypeOids: readonly number[]; fields: Array<readonly FieldDescription[] | undefined> } | undefined;

  /** The statement's node tag ('SelectStmt', 'TransactionStmt', …); '' when empty. */
  readonly kind: string;

  constructor(
    private readonly planner: Planner,
    readonly text: string,
    readonly ast: Node | undefined,
    readonly declaredParamOids: readonly number[],
    readonly batch: BatchPosition | undefined,
  ) {
    this.kind = ast === undefined ? '' : nodeTag(ast);
  }

  /** Records the first plan's result columns; throws 0A000 when a later plan changed them. */
  checkResultShape(plan: StatementPlan): void {
    const shape = shapeOf(plan);
    if (this.resultShape === undefined) this.resultShape = shape;
    else if (shape !== this.resultShape) throw new SqlError(SQLSTATE.featureNotSupported, 'cached plan must not change result type');
  }

  /** Runs on `source`'s plan, held to its result columns (EXECUTE of a named statement). */
  sharePlanOf(source: SqlPrepared): void {
    this.plan = source.plan;
    this.planVersion = source.planVersion;
    this.resultShape = source.resultShape;
  }

  get isEmpty(): boolean {
    return this.ast === undefined;
  }

  private current(): StatementPlan | undefined {
    if (this.ast === undefined) return undefined;
    return this.plan ?? this.planner.planFor(this);
  }

  get paramTypeOids(): readonly number[] {
    const plan = this.current();
    if (plan === undefined) return this.declaredParamOids;
    return this.derivedFrom(plan).paramTypeOids;
  }

  get fields(): readonly FieldDescription[] | undefined {
    const plan = this.current();
    return plan === undefined ? undefined : this.fieldsOf(plan, 0);
  }

  /** The result fields of `plan` with every column in `format` (made once per plan and format). */
  fieldsOf(plan: StatementPlan, format: FormatCode): readonly FieldDescription[] | undefined {
    const columns = plan.columns;
    if (columns === undefined) return undefined;
    const derived = this.derivedFrom(plan);
    return (derived.fields[format] ??= columns.map((c) => fieldOf(c, format)));
  }

  private derivedFrom(plan: StatementPlan): NonNullable<SqlPrepared['derived']> {
    if (this.derived?.plan !== plan) {
      const paramTypeOids = plan.paramTypes.map((t, i) => (this.declaredParamOids[i] ?? 0) || t.oid);
      this.derived = { plan, paramTypeOids, fields: [] };
    }
    return this.derived;
  }
}

function shapeOf(plan: StatementPlan): string {
  const columns = plan.columns;
  if (columns === undefined) return '-';
  let shape = '';
  for (const c of columns) shape += `${c.name}\u0000${c.type.oid}\u0000${c.typmod}\u0000`;
  return shape;
}

export function fieldOf(c: OutputColumn, format: 0 | 1): FieldDescription & { format: 0 | 1 } {
  return {
    name: c.name,
    tableOid: c.tableOid,
    columnAttr: c.attnum,
    typeOid: c.type.oid,
    typeSize: c.type.typlen,
    typeModifier: c.typmod,
    format,
  };
}
