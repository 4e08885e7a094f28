/**
 * Checks of existing rows when a constraint is added by ALTER TABLE (or validated later by
 * ALTER TABLE … VALIDATE CONSTRAINT after ADD … NOT VALID), and the execution context DDL uses
 * to evaluate expressions over existing rows (defaults, CHECK).
 */
import { constraintFields } from '../exec/violation-fields.js';
import type { ConstraintDesc, TableDesc } from '../../catalog/descriptors.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { ExecContext } from '../exec/exec-context.js';
import { findRow } from '../exec/fk-lookup.js';
import { lookupKey } from '../exec/fk-key-types.js';
import { TableCodec } from '../../catalog/table-codec.js';
import type { DdlContext } from './ddl-context.js';
import { readAllRows } from './table-data.js';
import { valueFormatter } from './ddl-format.js';
import { compileChecks } from '../bind/table-exprs.js';

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
  const childTypes = TableCodec.of(table).types;
  const parentCodec = TableCodec.of(parent);
  const parentTypes = refs.attnums.map((a) => parentCodec.types[parent.columns.findIndex((c) => c.attnum === a)]);
  for (const row of readAllRows(ctx.txn, table)) {
    const values = slots.map((s) => row[s] ?? null);
    const nulls = values.filter((v) => v === null).length;
    if (nulls > 0 && nulls < values.length && refs.match === 'f') {
      throw new SqlError(SQLSTATE.foreignKeyViolation, `insert or update on table "${table.name}" violates foreign key constraint "${fk.name}"`, {
        detail: 'MATCH FULL does not allow mixing of null and nonnull key values.',
        ...constraintFields(ctx.catalog, table, fk.name),
      });
    }
    if (nulls > 0) continue;
    const key = lookupKey(values, slots.map((s) => childTypes[s]), parentTypes);
    if (key !== undefined && findRow(parent, refs.attnums, key, execCtx) !== undefined) continue;
    throw new SqlError(SQLSTATE.foreignKeyViolation, `insert or update on table "${table.name}" violates foreign key constraint "${fk.name}"`, {
      detail: `Key (${slots.map((s) => table.columns[s]?.name).join(', ')})=(${slots.map((s) => format(s, row[s] ?? null)).join(', ')}) is not present in table "${parent.name}".`,
      ...constraintFields(ctx.catalog, table, fk.name),
    });
  }
}

/** Checks the existing rows of `table` against its CHECK or FOREIGN KEY constraint `c`. */
export function validateConstraint(ctx: DdlContext, table: TableDesc, c: ConstraintDesc, rowIds: RowIdSource): void {
  if (c.kind === 'f') {
    validateForeignKey(ctx, table, c, rowIds);
    return;
  }
  const check = compileChecks(ctx.bind, table).find((x) => x.name === c.name);
  const execCtx = rowIds.execContext(ctx);
  if (check !== undefined && readAllRows(ctx.txn, table).some((r) => check.evaluate(r, execCtx) === false)) {
    throw new SqlError(SQLSTATE.checkViolation, `check constraint "${check.name}" of relation "${table.name}" is violated by some row`, constraintFields(ctx.catalog, table, check.name));
  }
}

/** ALTER TABLE … VALIDATE CONSTRAINT name: checks the rows a NOT VALID constraint skipped, then marks it valid. */
export function validateNamedConstraint(ctx: DdlContext, table: TableDesc, name: string, rowIds: RowIdSource): TableDesc {
  const c = table.constraints.find((x) => x.name === name);
  if (c === undefined) throw new SqlError(SQLSTATE.undefinedObject, `constraint "${name}" of relation "${table.name}" does not exist`);
  if (c.kind !== 'f' && c.kind !== 'c') throw new SqlError('42809', `constraint "${name}" of relation "${table.name}" is not a foreign key or check constraint`);
  if (c.notValid !== true) return table;
  validateConstraint(ctx, table, c, rowIds);
  const { notValid: _, ...valid } = c;
  return { ...table, constraints: table.constraints.map((x) => (x === c ? valid : x)) };
}
