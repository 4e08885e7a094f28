/**
 * Function resolution (parse_func.c): the built-in functions by name, variadic expansion, the
 * candidate selection shared with operators, polymorphic binding, and PostgreSQL's errors:
 * 42883 "function foo(integer) does not exist" and 42725 "function foo(unknown) is not unique".
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { OID, typeByOid, type SqlType } from '../../catalog/types/index.js';
import { isPolymorphic, resolvePolymorphic, selectCandidate } from './candidate-selection.js';
import type { FunctionDef } from './function-def.js';
import type { ResolvedFunction } from './function-types.js';
import { ALL_FUNCTIONS } from './function-table.js';

const byName = new Map<string, FunctionDef[]>();
for (const def of ALL_FUNCTIONS) {
  const list = byName.get(def.name);
  if (list === undefined) byName.set(def.name, [def]);
  else list.push(def);
}

interface FunctionCandidate {
  readonly args: readonly number[];
  readonly def: FunctionDef;
}

function expand(def: FunctionDef, n: number): FunctionCandidate | undefined {
  if (!def.variadic) return def.args.length === n ? { args: def.args, def } : undefined;
  const fixed = def.args.length - 1;
  if (n < fixed + 1) return undefined;
  const last = def.args[fixed] as number;
  return { args: [...def.args.slice(0, fixed), ...Array.from({ length: n - fixed }, () => last)], def };
}

function signature(name: string, argTypes: readonly SqlType[]): string {
  return `${name}(${argTypes.map((t) => t.sqlName).join(', ')})`;
}

export function functionExists(name: string): boolean {
  return byName.has(name.toLowerCase());
}

/** Resolves a call of a built-in function; throws 42883 / 42725. */
export function resolveFunction(name: string, argTypes: readonly SqlType[]): ResolvedFunction {
  const lower = name.toLowerCase();
  const pool = (byName.get(lower) ?? []).map((d) => expand(d, argTypes.length)).filter((c): c is FunctionCandidate => c !== undefined);
  // "any" parameters take every input as is: treat them as exact matches.
  const inputsFor = (c: FunctionCandidate): number[] => c.args.map((a, i) => (a === OID.any ? (argTypes[i] as SqlType).oid : a));
  const selection = selectCandidate(argTypes, pool.map((c) => ({ ...c, args: inputsFor(c) })));
  if (selection.kind !== 'found') {
    const ambiguous = selection.kind === 'ambiguous';
    throw new SqlError(ambiguous ? '42725' : SQLSTATE.undefinedFunction, `function ${signature(lower, argTypes)} ${ambiguous ? 'is not unique' : 'does not exist'}`, {
      hint: ambiguous
        ? 'Could not choose a best candidate function. You might need to add explicit type casts.'
        : 'No function matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  const { def, args } = selection.candidate;
  let params: SqlType[];
  let resultType: SqlType;
  if (args.some(isPolymorphic) || isPolymorphic(def.result)) {
    const bound = resolvePolymorphic(argTypes, args, def.result);
    params = bound.params;
    resultType = bound.result;
  } else {
    params = args.map((a, i) => typeByOid(a) ?? (argTypes[i] as SqlType));
    resultType = typeByOid(def.result) as SqlType;
  }
  params = params.map((p, i) => (p.oid === OID.unknown && (argTypes[i] as SqlType).oid === OID.unknown && def.args.includes(OID.any) ? typeByOid(OID.text) as SqlType : p));
  if (def.resultFrom !== undefined) resultType = def.resultFrom(params);
  const impl = def.make === undefined ? def.impl : def.make(params, resultType);
  return { name: lower, argTypes: params, resultType, impl, strict: def.strict, volatile: def.volatile, setReturning: def.setReturning };
}
