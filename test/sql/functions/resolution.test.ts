/**
 * Operator, function, aggregate and cast resolution: PostgreSQL's error texts and hints (checked
 * against PostgreSQL 15 with VERBOSITY verbose), polymorphic binding, set-returning functions,
 * cast contexts and common types.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TYPE_CONTEXT, Numeric, typeByName, type SqlType, type Value } from '../../../src/catalog/types/index.js';
import {
  canCoerce, castValue, commonType, findCast, resolveAggregate, resolveFunction, resolveOperator,
} from '../../../src/sql/functions/index.js';

const T = (name: string): SqlType => typeByName(name) as SqlType;
const ctx = DEFAULT_TYPE_CONTEXT;

describe('errors match PostgreSQL 15', () => {
  it('operator does not exist / is not unique', () => {
    expect(() => resolveOperator('+', T('int4'), T('text'))).toThrow(expect.objectContaining({
      code: '42883', message: 'operator does not exist: integer + text',
      hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
    }));
    expect(() => resolveOperator('-', undefined, T('text'))).toThrow(expect.objectContaining({
      code: '42883', message: 'operator does not exist: - text',
      hint: 'No operator matches the given name and argument type. You might need to add an explicit type cast.',
    }));
    expect(() => resolveOperator('+', T('unknown'), T('unknown'))).toThrow(expect.objectContaining({
      code: '42725', message: 'operator is not unique: unknown + unknown',
      hint: 'Could not choose a best candidate operator. You might need to add explicit type casts.',
    }));
  });
  it('function does not exist', () => {
    expect(() => resolveFunction('foo', [T('int4')])).toThrow(expect.objectContaining({
      code: '42883', message: 'function foo(integer) does not exist',
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    }));
    expect(() => resolveAggregate('sum', [T('text')])).toThrow(expect.objectContaining({ code: '42883', message: 'function sum(text) does not exist' }));
    expect(() => castValue(1, T('int4'), T('date'), -1, ctx)).toThrow(expect.objectContaining({ code: '42846', message: 'cannot cast type integer to date' }));
  });
});

describe('resolution', () => {
  it('binds unknown literals to the other operand and prefers numeric promotions', () => {
    const op = resolveOperator('=', T('int4'), T('unknown'));
    expect([op.leftType?.name, op.rightType.name, op.resultType.name]).toEqual(['int4', 'int4', 'bool']);
    expect(resolveOperator('+', T('int4'), T('numeric')).resultType.name).toBe('numeric');
    expect(resolveOperator('^', T('int4'), T('int4')).resultType.name).toBe('float8');
    expect(resolveOperator('||', T('unknown'), T('int4')).resultType.name).toBe('text');
    expect(resolveOperator('||', T('_int4'), T('int4')).resultType.name).toBe('_int4');
  });
  it('resolves polymorphic and variadic functions', () => {
    const f = resolveFunction('array_length', [T('_text'), T('int4')]);
    expect(f.argTypes.map((t) => t.name)).toEqual(['_text', 'int4']);
    expect(f.impl([['a', 'b'], 1], ctx)).toBe(2);
    const c = resolveFunction('concat', [T('unknown'), T('int4'), T('bool')]);
    expect(c.strict).toBe(false);
    expect(c.impl(['a', 1, true], ctx)).toBe('a1t');
    expect(resolveFunction('pg_typeof', [T('numeric')]).impl([Numeric.ONE], ctx)).toBe(1700);
  });
  it('marks set-returning functions and yields rows lazily', () => {
    const f = resolveFunction('generate_series', [T('int4'), T('int4')]);
    expect(f.setReturning).toBe(true);
    expect([...(f.impl([1, 3], ctx) as Iterable<Value>)]).toEqual([1, 2, 3]);
    const u = resolveFunction('unnest', [T('_text')]);
    expect(u.resultType.name).toBe('text');
    expect([...(u.impl([['x', null]], ctx) as Iterable<Value>)]).toEqual(['x', null]);
    expect(resolveFunction('random', []).volatile).toBe(true);
    const elements = resolveFunction('jsonb_array_elements_text', [T('unknown')]);
    expect(elements.setReturning).toBe(true);
    const arg = T('jsonb').fromText('[1, "a", null]', -1, ctx);
    expect([...(elements.impl([arg], ctx) as Iterable<Value>)]).toEqual(['1', 'a', null]);
    const matches = resolveFunction('regexp_matches', [T('unknown'), T('unknown'), T('unknown')]);
    expect([...(matches.impl(['a1b2c3', '([a-z])([0-9])', 'g'], ctx) as Iterable<Value>)]).toEqual([['a', '1'], ['b', '2'], ['c', '3']]);
    expect([...(matches.impl(['abc', 'x', ''], ctx) as Iterable<Value>)]).toEqual([]);
    const keys = resolveFunction('jsonb_object_keys', [T('jsonb')]);
    expect([...(keys.impl([T('jsonb').fromText('{"b":1,"a":2}', -1, ctx)], ctx) as Iterable<Value>)]).toEqual(['a', 'b']);
  });
  it('aggregates keep PostgreSQL result types and skip NULLs', () => {
    const types = (name: string, arg: string): string => resolveAggregate(name, [T(arg)]).returnType.name;
    expect([types('sum', 'int4'), types('sum', 'int8'), types('avg', 'int4'), types('avg', 'float4'), types('max', 'varchar')]).toEqual(['int8', 'numeric', 'numeric', 'float8', 'text']);
    expect(resolveAggregate('count', []).returnType.name).toBe('int8');
    const avg = resolveAggregate('avg', [T('int4')]);
    let s = avg.init();
    for (const x of [1, 2, 4]) s = avg.step(s, [x], ctx);
    expect((avg.final(s, ctx) as Numeric).toString()).toBe('2.3333333333333333');
  });
});

describe('casts', () => {
  it('follow pg_cast contexts', () => {
    expect(canCoerce(T('int4'), T('int8'), 'i')).toBe(true);
    expect(canCoerce(T('int8'), T('int4'), 'i')).toBe(false);
    expect(canCoerce(T('int8'), T('int4'), 'a')).toBe(true);
    expect(canCoerce(T('int4'), T('text'), 'a')).toBe(true);
    expect(canCoerce(T('text'), T('int4'), 'a')).toBe(false);
    expect(canCoerce(T('text'), T('int4'), 'e')).toBe(true);
    expect(canCoerce(T('int4'), T('bool'), 'a')).toBe(false);
    expect(findCast(T('float8'), T('numeric'), 'i')).toBeUndefined();
    expect(castValue('abc', T('unknown'), T('varchar'), 6, ctx, true)).toBe('ab');
    expect(() => castValue('abc', T('unknown'), T('varchar'), 6, ctx, false)).toThrow(expect.objectContaining({ code: '22001' }));
  });
  it('common types follow select_common_type', () => {
    expect(commonType([T('int4'), T('numeric')]).name).toBe('numeric');
    expect(commonType([T('int4'), T('float8'), T('numeric')]).name).toBe('float8');
    expect(commonType([T('unknown'), T('unknown')]).name).toBe('text');
    expect(commonType([T('varchar'), T('text')]).name).toBe('varchar');
    expect(commonType([T('text'), T('varchar')]).name).toBe('text');
    expect(() => commonType([T('int4'), T('text')])).toThrow(expect.objectContaining({ code: '42804', message: 'CASE types integer and text cannot be matched' }));
  });
});
