/**
 * Checks of existing rows when a constraint is added by ALTER TABLE, and the execution context
 * DDL uses to evaluate expressions over existing rows (defaults, CHECK).
 */
import type { ConstraintDesc, TableDesc } from '../../catalog/descriptors.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { ExecContext } from '../exec/exec-context.js';
import { findRow } from '../exec/table-writer.js';
import type { DdlContext } from './ddl-context.js';
import { readAllRows } from './table-data.js';
import { valueFormatter } from './ddl-format.js';

export interface RowIdSource {
  nextRowId(): bigint;
  /** An execution context over the DDL transaction (for evaluating defaults and checks). */
  execContext(ctx: DdlContext): ExecContext;
}

export function validateForeignKey(ctx: DdlContext, table: TableDesc, fk: ConstraintDesc, rowIds: RowIdSource): void {
  const refs = fk.references;
  if (refs === undefined) return;
  const parent = refs.tableOid === table.oid ? table : ctx.catalog.table(refs.tableOid);
  if (parent === undefined) return;
  const execCtx = rowIds.execContext(ctx);
  const slots = fk.attnums.map((a) => table.columns.findIndex((c) => c.attnum === a));
  const format = valueFormatter(table, ctx);
  for (const row of readAllRows(ctx.txn, table)) {
    const values = slots.map((s) => row[s] ?? null);
    if (values.some((v) => v === null)) continue;
    if (findRow(parent, refs.attnums, values, execCtx) !== undefined) continue;
    throw new SqlError(SQLSTATE.foreignKeyViolation, `insert or update on table "${table.name}" violates foreign key constraint "${fk.name}"`, {
      detail: `Key (${slots.map((s) => table.columns[s]?.name).join(', ')})=(${slots.map((s) => format(s, row[s] ?? null)).join(', ')}) is not present in table "${parent.name}".`,
    });
  }
}
