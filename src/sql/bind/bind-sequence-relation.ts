/**
 * A sequence in FROM (`SELECT last_value, is_called FROM s`, as pg_dump reads it): one row with
 * PostgreSQL 15's columns last_value bigint, log_cnt bigint, is_called boolean.
 *
 * - The values are read from the sequence store when the statement runs (not at bind time), so a
 *   cached plan always sees the current state; reading never changes the sequence.
 * - log_cnt is always 0: stratadb persists every value it hands out (no WAL-logged pre-fetch).
 */
import type { SequenceDesc } from '../../catalog/descriptors.js';
import type { BoundExpr } from './bound-expr.js';
import type { BoundFrom } from './bind-from.js';
import { Scope, type ScopeColumn } from './scope.js';
import { BOOL, INT8 } from './resolve.js';
import type { ExecContext } from '../exec/exec-context.js';

export function bindSequenceRelation(seq: SequenceDesc, alias: string, schemaName: string | undefined, renames: readonly string[]): BoundFrom {
  const oid = seq.oid;
  const read = (name: string, field: 'last' | 'called'): BoundExpr => ({
    kind: 'call',
    name,
    fn: (_args: unknown[], c: ExecContext) => c.sequences.peek(oid)[field],
    args: [],
    type: field === 'last' ? INT8() : BOOL(),
    typmod: -1,
    strict: false,
    volatile: true,
  });
  const row: BoundExpr[] = [read('last_value', 'last'), { kind: 'const', type: INT8(), typmod: -1, value: 0n, literal: false }, read('is_called', 'called')];
  const names = ['last_value', 'log_cnt', 'is_called'];
  const columns: ScopeColumn[] = row.map((e, slot) => ({
    name: renames[slot] ?? (names[slot] as string),
    slot,
    type: e.type,
    typmod: -1,
    tableOid: oid,
    attnum: slot + 1,
  }));
  const entry = schemaName === undefined ? { alias, columns } : { alias, schemaName, columns };
  return { plan: { kind: 'values', rows: [row], width: row.length }, scope: new Scope([entry]) };
}
