/**
 * Window functions over one partition, against PostgreSQL 15's answers for
 *   SELECT … OVER (ORDER BY g) FROM (VALUES (1,1),(2,1),(3,2),(4,2),(5,2),(6,3),(7,4)) v(x, g)
 * (taken from psql; NULL printed as '').
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TYPE_CONTEXT, FLOAT8, INT4, typeByName, type Value } from '../../../src/catalog/types/index.js';
import { computeWindow, resolveWindowFunction, type WindowKind } from '../../../src/sql/functions/index.js';

const xs = [1, 2, 3, 4, 5, 6, 7];
const peers = [0, 0, 1, 1, 1, 2, 3];
const show = (vs: Value[]): string[] => vs.map((v) => (v === null ? '' : typeof v === 'number' && !Number.isInteger(v) ? FLOAT8.toText(v, DEFAULT_TYPE_CONTEXT) : String(v)));

const EXPECTED: Array<[WindowKind, (x: number) => Value[], string]> = [
  ['row_number', () => [], '1 2 3 4 5 6 7'],
  ['rank', () => [], '1 1 3 3 3 6 7'],
  ['dense_rank', () => [], '1 1 2 2 2 3 4'],
  ['percent_rank', () => [], '0 0 0.3333333333333333 0.3333333333333333 0.3333333333333333 0.8333333333333334 1'],
  ['cume_dist', () => [], '0.2857142857142857 0.2857142857142857 0.7142857142857143 0.7142857142857143 0.7142857142857143 0.8571428571428571 1'],
  ['ntile', () => [3], '1 1 1 2 2 3 3'],
  ['lag', (x) => [x], ' 1 2 3 4 5 6'],
  ['lead', (x) => [x, 2, -1], '3 4 5 6 7 -1 -1'],
  ['first_value', (x) => [x], '1 1 1 1 1 1 1'],
  ['last_value', (x) => [x], '2 2 5 5 5 6 7'],
  ['nth_value', (x) => [x, 3], '  3 3 3 3 3'],
];

describe('window functions', () => {
  it.each(EXPECTED)('%s', (kind, args, expected) => {
    const out = computeWindow(kind, { args: xs.map(args), peers });
    expect(show(out).join(' ')).toBe(expected);
  });

  it('resolves result types as PostgreSQL', () => {
    expect(resolveWindowFunction('row_number', []).returnType.name).toBe('int8');
    expect(resolveWindowFunction('lag', [typeByName('text')!]).returnType.name).toBe('text');
    expect(resolveWindowFunction('ntile', [INT4]).returnType.name).toBe('int4');
    expect(resolveWindowFunction('cume_dist', []).returnType.name).toBe('float8');
    expect(() => resolveWindowFunction('ntile', [typeByName('text')!])).toThrow(expect.objectContaining({ code: '42883' }));
  });

  it('raises PostgreSQL errors for bad arguments', () => {
    expect(() => computeWindow('ntile', { args: [[0]], peers: [0] })).toThrow(expect.objectContaining({ code: '22014' }));
    expect(() => computeWindow('nth_value', { args: [[1, 0]], peers: [0] })).toThrow(expect.objectContaining({ code: '22016' }));
  });

  it('uses the whole partition as frame when asked', () => {
    expect(computeWindow('last_value', { args: xs.map((x) => [x]), peers }, true)).toEqual([7, 7, 7, 7, 7, 7, 7]);
  });
});
