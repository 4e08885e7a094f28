/**
 * The target table of INSERT / UPDATE / DELETE: resolved by name (views and sequences are
 * rejected as PostgreSQL does for non-updatable relations), with its writer and alias.
 */
import type { RangeVar } from '../parse.js';
import type { TableDesc } from '../../catalog/descriptors.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { BindContext } from './bind-context.js';
import { lookupRelation } from './names.js';
import { undefinedTable } from './bind-errors.js';
import { compileChecks } from './table-exprs.js';
import { TableWriter } from '../exec/table-writer.js';
import { bindRelatedWriters } from './fk-writers.js';

export interface DmlTarget {
  readonly table: TableDesc;
  readonly alias: string;
  readonly writer: TableWriter;
}

export function bindDmlTarget(ctx: BindContext, rv: RangeVar | undefined, verb: string): DmlTarget {
  const name = rv?.relname ?? '';
  const rel = lookupRelation(ctx, { schema: rv?.schemaname, name });
  if (rel === undefined) throw undefinedTable(rv?.schemaname === undefined ? name : `${rv.schemaname}.${name}`, rv?.location);
  if (rel.kind === 'view') {
    throw new SqlError(SQLSTATE.featureNotSupported, `cannot ${verb} view "${rel.name}"`, {
      detail: 'Views that are updatable are not supported yet.',
    });
  }
  if (rel.kind !== 'table') throw new SqlError('42809', `cannot change sequence "${rel.name}"`);
  return { table: rel, alias: rv?.alias?.aliasname ?? name, writer: new TableWriter(rel, ctx.catalog, compileChecks(ctx, rel), bindRelatedWriters(ctx, rel)) };
}
