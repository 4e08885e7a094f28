/**
 * ALTER TABLE … ALTER CONSTRAINT name [NOT] DEFERRABLE [INITIALLY DEFERRED | IMMEDIATE]: changes
 * when a foreign key is checked (fk-deferred.ts), as PostgreSQL 15 does; only foreign keys may
 * be altered (42809), INITIALLY DEFERRED implies DEFERRABLE.
 */
import type { ConstraintDesc, TableDesc } from '../../catalog/descriptors.js';
import { SqlError, SQLSTATE } from '../../util/index.js';

/** The parser's ALTER CONSTRAINT node (ATAlterConstraint). */
export interface AlterConstraintDef {
  readonly conname?: string;
  readonly deferrable?: boolean;
  readonly initdeferred?: boolean;
}

export function alterConstraint(table: TableDesc, def: AlterConstraintDef): TableDesc {
  const name = def.conname ?? '';
  const c = table.constraints.find((x) => x.name === name);
  if (c === undefined) throw new SqlError(SQLSTATE.undefinedObject, `constraint "${name}" of relation "${table.name}" does not exist`);
  if (c.kind !== 'f') throw new SqlError('42809', `constraint "${name}" of relation "${table.name}" is not a foreign key constraint`);
  const { deferrable: _d, initiallyDeferred: _i, ...rest } = c;
  const initiallyDeferred = def.initdeferred === true;
  const altered: ConstraintDesc = {
    ...rest,
    ...(def.deferrable === true || initiallyDeferred ? { deferrable: true as const } : {}),
    ...(initiallyDeferred ? { initiallyDeferred: true as const } : {}),
  };
  return { ...table, constraints: table.constraints.map((x) => (x === c ? altered : x)) };
}
