/**
 * pg_proc and pg_operator hold exactly what stratadb implements: every signature of the function,
 * aggregate, window-function and operator registries has its PostgreSQL 15 row, and every row
 * names a routine or operator of the registries (or one the binder implements). Regenerate the
 * data with test/introspection/generate-builtin-procs.ts when this fails after adding a function.
 */
import { describe, expect, it } from 'vitest';
import '../../src/sql/functions/index.js';
import { builtinProcs } from '../../src/catalog/system/pg-proc.js';
import { builtinOperators } from '../../src/catalog/system/pg-operator.js';
import { ALL_FUNCTIONS } from '../../src/sql/functions/function-table.js';
import { AGGREGATE_SIGNATURES } from '../../src/sql/functions/resolve-aggregate.js';
import { WINDOW_SIGNATURES } from '../../src/sql/functions/window-functions.js';
import { ALL_OPERATORS } from '../../src/sql/functions/operator-table.js';
import { BIND_LEVEL_NAMES, functionArguments, functionResult } from '../../src/sql/functions/builtin-procs.js';

/** SQL value functions the registry holds that PostgreSQL parses as keywords (no pg_proc row). */
const KEYWORD_FUNCTIONS = new Set(['current_timestamp', 'current_date', 'localtimestamp', 'localtime']);

const registry = [
  ...ALL_FUNCTIONS.map((f) => ({ name: f.name, arity: f.args.length, kind: 'f' })),
  ...AGGREGATE_SIGNATURES.map((a) => ({ name: a.name, arity: a.args.length, kind: 'a' })),
  ...WINDOW_SIGNATURES.map((w) => ({ name: w.kind, arity: w.args.length, kind: 'w' })),
];

describe('pg_proc rows', () => {
  it('cover every registry signature with a row of the same name, kind and arity', () => {
    const missing = registry
      .filter((r) => !KEYWORD_FUNCTIONS.has(r.name))
      .filter((r) => !builtinProcs().some((p) => p.name === r.name && p.kind === r.kind &&
        r.arity >= p.argTypes.length - p.argDefaults && (r.arity <= p.argTypes.length || p.variadicType !== 0)))
      .map((r) => `${r.name}/${r.arity}`);
    expect(missing).toEqual([]);
  });

  it('name only routines stratadb implements', () => {
    const names = new Set([...registry.map((r) => r.name), ...BIND_LEVEL_NAMES]);
    expect(builtinProcs().filter((p) => !names.has(p.name)).map((p) => p.name)).toEqual([]);
    expect(builtinProcs().length).toBeGreaterThan(350);
  });

  it("derive PostgreSQL's argument and result texts", () => {
    const byName = (name: string, args: string): number | undefined => builtinProcs().find((p) => p.name === name && p.argTypes.join(' ') === args)?.oid;
    expect(functionArguments(byName('abs', '1700') ?? 0)).toBe('numeric');
    expect(functionArguments(byName('jsonb_set', '3802 1009 3802 16') ?? 0)).toBe(
      'jsonb_in jsonb, path text[], replacement jsonb, create_if_missing boolean DEFAULT true',
    );
    expect(functionArguments(byName('concat', '2276') ?? 0)).toBe('VARIADIC "any"');
    expect(functionResult(byName('generate_series', '23 23') ?? 0)).toBe('SETOF integer');
    expect(functionArguments(1)).toBeUndefined();
  });
});

describe('pg_operator rows', () => {
  it('cover every operator of the operator table', () => {
    const polymorphic = (oid: number): boolean => [2277, 2283, 2776, 5077, 5078, 5079].includes(oid);
    const missing = ALL_OPERATORS.filter((o) => !builtinOperators().some((r) => r.name === o.name &&
      (r.left === o.left || (polymorphic(r.left) && polymorphic(o.left))) && (r.right === o.right || (polymorphic(r.right) && polymorphic(o.right)))));
    expect(missing.map((o) => `${o.left} ${o.name} ${o.right}`)).toEqual([]);
  });

  it('name only operators of the operator table', () => {
    const names = new Set(ALL_OPERATORS.map((o) => o.name));
    expect(builtinOperators().filter((r) => !names.has(r.name)).map((r) => r.name)).toEqual([]);
  });
});
