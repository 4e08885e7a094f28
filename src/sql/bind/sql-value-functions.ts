/**
 * SQL-standard value functions without parentheses: CURRENT_USER, SESSION_USER, USER,
 * CURRENT_ROLE, CURRENT_CATALOG, CURRENT_SCHEMA, CURRENT_TIMESTAMP, LOCALTIMESTAMP, CURRENT_DATE,
 * CURRENT_TIME, LOCALTIME. Time values are the transaction's start time, as in PostgreSQL.
 */
import type { SQLValueFunction } from '../parse.js';
import type { BoundExpr } from './bound-expr.js';
import type { BindContext } from './bind-context.js';
import { notSupported } from './bind-errors.js';
import { NAME, TIMESTAMPTZ, TIMESTAMP, DATE, TIME, bindCast } from './resolve.js';
import { schemaByName } from './names.js';

/** Microseconds between 1970-01-01 and 2000-01-01 (PostgreSQL's epoch). */
const PG_EPOCH_OFFSET_US = 946_684_800_000_000n;

function nameConst(value: string | null): BoundExpr {
  return { kind: 'const', type: NAME(), typmod: -1, value, literal: false };
}

function nowExpr(): BoundExpr {
  return {
    kind: 'call',
    name: 'now',
    fn: (_args, ctx) => ctx.statementStartUs - PG_EPOCH_OFFSET_US,
    args: [],
    type: TIMESTAMPTZ(),
    typmod: -1,
    strict: false,
    volatile: false,
  };
}

export function bindSqlValueFunction(f: SQLValueFunction, ctx: BindContext): BoundExpr {
  switch (f.op) {
    case 'SVFOP_CURRENT_USER':
    case 'SVFOP_CURRENT_ROLE':
    case 'SVFOP_SESSION_USER':
    case 'SVFOP_USER':
      return nameConst(ctx.user);
    case 'SVFOP_CURRENT_CATALOG':
      return nameConst(ctx.databaseName);
    case 'SVFOP_CURRENT_SCHEMA':
      return nameConst(ctx.searchPath.find((s) => schemaByName(ctx, s) !== undefined) ?? null);
    case 'SVFOP_CURRENT_TIMESTAMP':
      return nowExpr();
    case 'SVFOP_LOCALTIMESTAMP':
      return bindCast(ctx, nowExpr(), TIMESTAMP(), -1, f.location);
    case 'SVFOP_CURRENT_DATE':
      return bindCast(ctx, nowExpr(), DATE(), -1, f.location);
    case 'SVFOP_LOCALTIME':
      return bindCast(ctx, nowExpr(), TIME(), -1, f.location);
    default:
      throw notSupported(String(f.op).replace('SVFOP_', ''), f.location);
  }
}

export { PG_EPOCH_OFFSET_US };
