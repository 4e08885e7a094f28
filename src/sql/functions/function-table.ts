/**
 * Every built-in scalar and set-returning function, gathered from the per-area files.
 */
import type { FunctionDef } from './function-def.js';
import { MATH_FUNCTIONS } from './math-functions.js';
import { STRING_FUNCTIONS } from './string-functions.js';

export const ALL_FUNCTIONS: readonly FunctionDef[] = [...MATH_FUNCTIONS, ...STRING_FUNCTIONS];
