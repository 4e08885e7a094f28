/**
 * Operator resolution (parse_oper.c): picks the operator for a name and operand types by
 * PostgreSQL's rules (candidate-selection.ts), binds polymorphic operands, and raises 42883
 * "operator does not exist: integer + text" or 42725 "operator is not unique: unknown + unknown"
 * with PostgreSQL's hints.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { typeByOid, type SqlType } from '../../catalog/types/index.js';
import { isPolymorphic, resolvePolymorphic, selectCandidate } from './candidate-selection.js';
import type { ResolvedOperator } from './function-types.js';
import { OPERATORS_BY_NAME, type OperatorDef } from './operator-table.js';

interface OperatorCandidate {
  readonly args: readonly number[];
  readonly def: OperatorDef;
}

const candidatesByName = new Map<string, { prefix: OperatorCandidate[]; infix: OperatorCandidate[] }>();
for (const [name, defs] of OPERATORS_BY_NAME) {
  candidatesByName.set(name, {
    prefix: defs.filter((d) => d.left === 0).map((def) => ({ args: [def.right], def })),
    infix: defs.filter((d) => d.left !== 0).map((def) => ({ args: [def.left, def.right], def })),
  });
}

function describe(name: string, left: SqlType | undefined, right: SqlType): string {
  return left === undefined ? `${name} ${right.sqlName}` : `${left.sqlName} ${name} ${right.sqlName}`;
}

/** Resolves `left name right` (left undefined for a prefix operator). */
export function resolveOperator(name: string, left: SqlType | undefined, right: SqlType): ResolvedOperator {
  const entry = candidatesByName.get(name);
  const inputs = left === undefined ? [right] : [left, right];
  const pool = entry === undefined ? [] : left === undefined ? entry.prefix : entry.infix;
  const selection = selectCandidate(inputs, pool, left !== undefined);
  if (selection.kind === 'none') {
    throw new SqlError(SQLSTATE.undefinedFunction, `operator does not exist: ${describe(name, left, right)}`, {
      hint: left === undefined
        ? 'No operator matches the given name and argument type. You might need to add an explicit type cast.'
        : 'No operator matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  if (selection.kind === 'ambiguous') {
    throw new SqlError('42725', `operator is not unique: ${describe(name, left, right)}`, {
      hint: 'Could not choose a best candidate operator. You might need to add explicit type casts.',
    });
  }
  const def = selection.candidate.def;
  const params = selection.candidate.args;
  let paramTypes: SqlType[];
  let resultType: SqlType;
  if (params.some(isPolymorphic) || isPolymorphic(def.result)) {
    const bound = resolvePolymorphic(inputs, params, def.result);
    paramTypes = bound.params;
    resultType = bound.result;
  } else {
    paramTypes = params.map((p) => typeByOid(p) as SqlType);
    resultType = typeByOid(def.result) as SqlType;
  }
  const leftType = left === undefined ? undefined : paramTypes[0];
  const rightType = paramTypes[paramTypes.length - 1] as SqlType;
  const impl = def.make === undefined ? def.impl : def.make(leftType, rightType);
  return { name, leftType, rightType, resultType, impl, strict: true };
}

/** Whether an operator name exists at all (for error positions and parser checks). */
export function operatorExists(name: string): boolean {
  return candidatesByName.has(name);
}
