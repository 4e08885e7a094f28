/**
 * Public surface of the operator, function, cast and aggregate layer (src/sql/functions): the
 * binder resolves calls here and the executor runs the returned implementations.
 */
export type {
  EvalContext, UnaryImpl, BinaryImpl, ScalarImpl, CastImpl, CastContext, ResolvedOperator, ResolvedFunction, ResolvedAggregate,
} from './function-types.js';
// Installs regproc's name resolver (the names of the functions this layer implements).
import './regproc-names.js';
// Installs pg_proc's and pg_operator's rows (PostgreSQL 15's rows for what this layer implements).
import './builtin-procs.js';
import './builtin-operators.js';
export { resolveOperator, operatorExists } from './resolve-operator.js';
export { resolveFunction, functionExists } from './resolve-function.js';
export { resolveAggregate, isAggregateName } from './resolve-aggregate.js';
export { findCast, castValue, castContext, canCoerce, castImplFor, applyTypmod, cannotCast } from './casts.js';
export { selectCandidate, resolvePolymorphic, acceptsInput } from './candidate-selection.js';
export { like, regexMatch, likeToRegExp } from './pattern-match.js';
export { likeEscape, toJsonNode } from './misc-functions.js';
export { commonType } from './common-type.js';
export {
  resolveWindowFunction, computeWindow, isWindowFunctionName, type WindowKind, type WindowPartition, type ResolvedWindowFunction,
} from './window-functions.js';
