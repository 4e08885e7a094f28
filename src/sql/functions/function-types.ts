/**
 * Shapes of the callable things the executor runs: casts, operators, scalar functions and
 * aggregates, as resolved against argument types. Implementations receive non-null arguments
 * when `strict` (the executor returns NULL for a NULL input without calling them) and must not
 * keep references to the args array, which the executor reuses between rows.
 */
import type { SqlType, TypeContext, Value } from '../../catalog/types/index.js';

/** Evaluation context: session settings plus the statement's random source. */
export interface EvalContext extends TypeContext {
  /** Uniform [0, 1) source for random(); Math.random when absent. */
  readonly random?: () => number;
}

export type UnaryImpl = (a: Value, ctx: EvalContext) => Value;
export type BinaryImpl = (a: Value, b: Value, ctx: EvalContext) => Value;
export type ScalarImpl = (args: readonly Value[], ctx: EvalContext) => Value;

/** A conversion from one type to another (value is never null). */
export type CastImpl = (v: Value, ctx: EvalContext) => Value;

/** pg_cast.castcontext: implicit, assignment, explicit. */
export type CastContext = 'i' | 'a' | 'e';

export interface ResolvedOperator {
  readonly name: string;
  /** Undefined for a prefix operator. */
  readonly leftType: SqlType | undefined;
  readonly rightType: SqlType;
  readonly resultType: SqlType;
  /** Binary implementation (infix) or unary (prefix: called with the operand as `a`). */
  readonly impl: BinaryImpl;
  readonly strict: boolean;
}

export interface ResolvedFunction {
  readonly name: string;
  /** Parameter types the arguments must be coerced to, one per argument (variadic expanded). */
  readonly argTypes: readonly SqlType[];
  readonly resultType: SqlType;
  readonly impl: ScalarImpl;
  readonly strict: boolean;
  /** random(), now() vary per call or per statement: never constant-folded. */
  readonly volatile: boolean;
  /** Set-returning (unnest, generate_series): impl returns an Iterable<Value> of rows (lazy). */
  readonly setReturning: boolean;
}

export interface ResolvedAggregate<State = unknown> {
  readonly name: string;
  readonly argTypes: readonly SqlType[];
  readonly returnType: SqlType;
  /** NULL inputs are skipped (not passed to step) when strict, as for every built-in but count(*). */
  readonly strict: boolean;
  init(): State;
  step(state: State, args: readonly Value[], ctx: EvalContext): State;
  final(state: State, ctx: EvalContext): Value;
}
