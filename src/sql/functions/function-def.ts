/**
 * The shape of a built-in function row (pg_proc for stratadb's types) and a small builder used by
 * the per-area function files.
 */
import type { SqlType } from '../../catalog/types/index.js';
import type { ScalarImpl } from './function-types.js';

export interface FunctionDef {
  readonly name: string;
  /** Parameter type oids; with `variadic`, the last one repeats (OID.any: any types). */
  readonly args: readonly number[];
  readonly result: number;
  readonly impl: ScalarImpl;
  /** NULL in → NULL out without calling impl (default true). */
  readonly strict: boolean;
  readonly volatile: boolean;
  readonly variadic: boolean;
  readonly setReturning: boolean;
  /** Builds the implementation from the resolved argument types (polymorphic or "any" args). */
  readonly make?: (argTypes: readonly SqlType[], resultType: SqlType) => ScalarImpl;
  /** Computes the result type from argument types (e.g. pg_typeof, jsonb_build_*). */
  readonly resultFrom?: (argTypes: readonly SqlType[]) => SqlType;
}

export interface FunctionOptions {
  strict?: boolean;
  volatile?: boolean;
  variadic?: boolean;
  setReturning?: boolean;
  make?: FunctionDef['make'];
}

export function fn(name: string, args: readonly number[], result: number, impl: ScalarImpl, options: FunctionOptions = {}): FunctionDef {
  const def: FunctionDef = {
    name,
    args,
    result,
    impl,
    strict: options.strict ?? true,
    volatile: options.volatile ?? false,
    variadic: options.variadic ?? false,
    setReturning: options.setReturning ?? false,
  };
  return options.make === undefined ? def : { ...def, make: options.make };
}
