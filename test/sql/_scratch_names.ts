import { ALL_FUNCTIONS } from '../../src/sql/functions/function-table.js';
const names = new Set(ALL_FUNCTIONS.map((d) => d.name));
console.log([...names].sort().join('\n'));
