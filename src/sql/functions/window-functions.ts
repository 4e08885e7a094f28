/**
 * Window functions proper (PostgreSQL 15 "Window Functions"): row_number, rank, dense_rank,
 * percent_rank, cume_dist, ntile, lag, lead, first_value, last_value, nth_value. Aggregates used
 * as window functions go through resolveAggregate instead.
 * - computeWindow evaluates one function over one sorted partition, given each row's peer group
 *   (rows equal under ORDER BY share one), with PostgreSQL's default frame (RANGE UNBOUNDED
 *   PRECEDING to CURRENT ROW, peers included) unless `wholePartition` is set (ROWS/RANGE
 *   BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING).
 * - Errors as PostgreSQL: ntile/nth_value arguments must be > 0 (22014 / 22016).
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { OID, type SqlType, type Value } from '../../catalog/types/index.js';
import { resolvePolymorphic, selectCandidate } from './candidate-selection.js';

export type WindowKind =
  | 'row_number' | 'rank' | 'dense_rank' | 'percent_rank' | 'cume_dist' | 'ntile'
  | 'lag' | 'lead' | 'first_value' | 'last_value' | 'nth_value';

export interface ResolvedWindowFunction {
  readonly kind: WindowKind;
  readonly argTypes: readonly SqlType[];
  readonly returnType: SqlType;
}

const { int4, int8, float8, anyelement } = OID;

const SIGNATURES: ReadonlyArray<{ kind: WindowKind; args: number[]; result: number }> = [
  { kind: 'row_number', args: [], result: int8 },
  { kind: 'rank', args: [], result: int8 },
  { kind: 'dense_rank', args: [], result: int8 },
  { kind: 'percent_rank', args: [], result: float8 },
  { kind: 'cume_dist', args: [], result: float8 },
  { kind: 'ntile', args: [int4], result: int4 },
  { kind: 'lag', args: [anyelement], result: anyelement },
  { kind: 'lag', args: [anyelement, int4], result: anyelement },
  { kind: 'lag', args: [anyelement, int4, anyelement], result: anyelement },
  { kind: 'lead', args: [anyelement], result: anyelement },
  { kind: 'lead', args: [anyelement, int4], result: anyelement },
  { kind: 'lead', args: [anyelement, int4, anyelement], result: anyelement },
  { kind: 'first_value', args: [anyelement], result: anyelement },
  { kind: 'last_value', args: [anyelement], result: anyelement },
  { kind: 'nth_value', args: [anyelement, int4], result: anyelement },
];

/** Every window function signature (pg_proc rows with prokind 'w'). */
export const WINDOW_SIGNATURES: ReadonlyArray<{ readonly kind: WindowKind; readonly args: readonly number[]; readonly result: number }> = SIGNATURES;

export function isWindowFunctionName(name: string): boolean {
  const lower = name.toLowerCase();
  return SIGNATURES.some((s) => s.kind === lower);
}

/** Resolves a window function call; throws 42883 like any function. */
export function resolveWindowFunction(name: string, argTypes: readonly SqlType[]): ResolvedWindowFunction {
  const lower = name.toLowerCase();
  const pool = SIGNATURES.filter((s) => s.kind === lower);
  const selection = selectCandidate(argTypes, pool);
  if (selection.kind !== 'found') {
    throw new SqlError(SQLSTATE.undefinedFunction, `function ${lower}(${argTypes.map((t) => t.sqlName).join(', ')}) does not exist`, {
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  const bound = resolvePolymorphic(argTypes, selection.candidate.args, selection.candidate.result);
  return { kind: selection.candidate.kind, argTypes: bound.params, returnType: bound.result };
}

/** One sorted partition: argument values per row and the peer group index of each row. */
export interface WindowPartition {
  /** args[row][i]: the i-th argument evaluated on that row. */
  readonly args: ReadonlyArray<readonly Value[]>;
  /** Non-decreasing peer group number per row (0, 0, 1, 2, 2, …). */
  readonly peers: readonly number[];
}

function groupEnds(peers: readonly number[]): number[] {
  const ends = new Array<number>(peers.length);
  for (let i = peers.length - 1; i >= 0; i--) {
    ends[i] = i + 1 < peers.length && peers[i + 1] === peers[i] ? (ends[i + 1] as number) : i;
  }
  return ends;
}

function offsetValue(p: WindowPartition, row: number, sign: number): Value {
  const a = p.args[row] as readonly Value[];
  const offset = a.length > 1 ? a[1] : 1;
  if (offset === null) return null;
  const target = row + sign * (offset as number);
  if (target < 0 || target >= p.args.length) return a.length > 2 ? (a[2] as Value) : null;
  return (p.args[target] as readonly Value[])[0] as Value;
}

/** Evaluates a window function over a partition; returns one value per row. */
export function computeWindow(kind: WindowKind, p: WindowPartition, wholePartition = false): Value[] {
  const n = p.args.length;
  const ends = groupEnds(p.peers);
  const out = new Array<Value>(n);
  let rank = 1;
  for (let row = 0; row < n; row++) {
    if (row > 0 && p.peers[row] !== p.peers[row - 1]) rank = row + 1;
    const frameEnd = wholePartition ? n - 1 : (ends[row] as number);
    out[row] = windowValue(kind, p, row, rank, frameEnd, ends);
  }
  return out;
}

function windowValue(kind: WindowKind, p: WindowPartition, row: number, rank: number, frameEnd: number, ends: number[]): Value {
  const n = p.args.length;
  switch (kind) {
    case 'row_number': return BigInt(row + 1);
    case 'rank': return BigInt(rank);
    case 'dense_rank': return BigInt((p.peers[row] as number) - (p.peers[0] as number) + 1);
    case 'percent_rank': return n > 1 ? (rank - 1) / (n - 1) : 0;
    case 'cume_dist': return ((ends[row] as number) + 1) / n;
    case 'ntile': {
      const buckets = (p.args[row] as readonly Value[])[0] as number | null;
      if (buckets === null) return null;
      if (buckets <= 0) throw new SqlError('22014', 'argument of ntile must be greater than zero');
      const size = Math.floor(n / buckets);
      const extra = n % buckets;
      const big = extra * (size + 1);
      return row < big ? Math.floor(row / (size + 1)) + 1 : extra + Math.floor((row - big) / Math.max(size, 1)) + 1;
    }
    case 'lag': return offsetValue(p, row, -1);
    case 'lead': return offsetValue(p, row, 1);
    case 'first_value': return (p.args[0] as readonly Value[])[0] as Value;
    case 'last_value': return (p.args[frameEnd] as readonly Value[])[0] as Value;
    case 'nth_value': {
      const nth = (p.args[row] as readonly Value[])[1] as number | null;
      if (nth === null) return null;
      if (nth <= 0) throw new SqlError('22016', 'argument of nth_value must be greater than zero');
      return nth - 1 <= frameEnd ? ((p.args[nth - 1] as readonly Value[])[0] as Value) : null;
    }
  }
}
