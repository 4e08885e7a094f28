/**
 * SystemScan: the rows of a pg_catalog / information_schema table, generated from the catalog
 * snapshot the statement's transaction sees.
 */
import type { SystemTable } from '../../catalog/system/index.js';
import type { ExecContext } from './exec-context.js';
import { ArrayCursor, type ExplainNode, type PhysicalPlan, type RowCursor } from './operator.js';

export class SystemScanPlan implements PhysicalPlan {
  readonly width: number;

  constructor(
    readonly table: SystemTable,
    readonly alias: string,
  ) {
    // The last slot is the tableoid system column.
    this.width = table.columns.length + 1;
  }

  explain(): ExplainNode {
    const alias = this.alias === this.table.name ? '' : ` ${this.alias}`;
    return { label: `Seq Scan on ${this.table.name}${alias}`, details: [], children: [] };
  }

  open(ctx: ExecContext): RowCursor {
    const db = ctx.catalog.database(ctx.database);
    if (db === undefined) return new ArrayCursor([]);
    const oid = this.table.oid;
    // Copied, not pushed into: a system table may hand out cached row arrays.
    return new ArrayCursor(this.table.rows(ctx.catalog, db.oid, ctx.system).map((row) => [...row, oid]));
  }
}
