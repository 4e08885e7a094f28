/**
 * Every built-in scalar and set-returning function, gathered from the per-area files.
 */
import type { FunctionDef } from './function-def.js';
import { DATETIME_FUNCTIONS } from './datetime-functions.js';
import { FORMAT_FUNCTIONS } from './format-functions.js';
import { JSON_FUNCTIONS } from './json-functions.js';
import { MATH_FUNCTIONS } from './math-functions.js';
import { MISC_FUNCTIONS } from './misc-functions.js';
import { STRING_FUNCTIONS } from './string-functions.js';

export const ALL_FUNCTIONS: readonly FunctionDef[] = [...MATH_FUNCTIONS, ...STRING_FUNCTIONS, ...DATETIME_FUNCTIONS, ...MISC_FUNCTIONS, ...FORMAT_FUNCTIONS, ...JSON_FUNCTIONS];
