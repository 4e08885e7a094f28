/**
 * Server administration functions, bound here because they need the running session
 * (ExecContext.system): pg_backend_pid(), txid_current(), txid_current_if_assigned(),
 * pg_cancel_backend(pid), pg_terminate_backend(pid [, timeout]), pg_notify(channel, payload); and stratadb_compact, a procedure (CALL stratadb_compact(), maintenance.ts) that
 * SELECT rejects with PostgreSQL's 42809.
 *
 * - PostgreSQL 15's rules and texts: an unknown pid is a WARNING and false; only a superuser may
 *   signal a superuser's backend, and others only backends of their own role (42501).
 * - pg_terminate_backend's timeout must not be negative (22003); the backend is signalled at once
 *   and the function does not wait for it to exit (its connection closes when the event loop next
 *   runs; a running statement is cancelled first).
 * - Every call is volatile: a cached plan never holds one session's pid.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { ExecContext } from '../exec/exec-context.js';
import { COMPACT_PROCEDURE } from '../statement/maintenance.js';
import type { BindContext } from './bind-context.js';
import type { BoundExpr } from './bound-expr.js';
import { BOOL, INT4, INT8, TEXT, coerce } from './resolve.js';
import { VOID } from '../../catalog/types/pseudo-types.js';

const INSUFFICIENT_PRIVILEGE = '42501';
const WRONG_OBJECT_TYPE = '42809';

type Signal = 'cancel' | 'terminate';

const DENIED: Readonly<Record<Signal, readonly [superuser: string, otherRole: string]>> = {
  cancel: ['must be a superuser to cancel superuser query', 'must be a member of the role whose query is being canceled or member of pg_signal_backend'],
  terminate: [
    'must be a superuser to terminate superuser process',
    'must be a member of the role whose process is being terminated or member of pg_signal_backend',
  ],
};

/** Sends `signal` to backend `pid` after PostgreSQL's checks; false (with a WARNING) when there is none. */
function signalBackend(ctx: ExecContext, pid: number, signal: Signal): boolean {
  const system = ctx.system;
  const target = system?.backends().find((b) => b.pid === pid);
  if (system === undefined || target === undefined) {
    system?.warn(`PID ${pid} is not a PostgreSQL backend process`);
    return false;
  }
  const callerIsSuperuser = ctx.catalog.role(ctx.user)?.superuser === true;
  if (!callerIsSuperuser) {
    const [superuserText, otherRoleText] = DENIED[signal];
    if (ctx.catalog.role(target.user)?.superuser === true) throw new SqlError(INSUFFICIENT_PRIVILEGE, superuserText);
    if (target.user !== ctx.user) throw new SqlError(INSUFFICIENT_PRIVILEGE, otherRoleText);
  }
  return signal === 'cancel' ? system.cancelBackend(pid) : system.terminateBackend(pid);
}

function terminate(args: readonly unknown[], ctx: ExecContext): boolean {
  const timeoutMs = args[1] as bigint | undefined;
  if (timeoutMs !== undefined && timeoutMs < 0n) throw new SqlError(SQLSTATE.numericValueOutOfRange, '"timeout" must not be negative');
  return signalBackend(ctx, args[0] as number, 'terminate');
}

/** pg_notify(channel, payload): void, which prints as an empty string (not NULL) as in PostgreSQL. */
function notify(args: readonly unknown[], ctx: ExecContext): string {
  if (ctx.system === undefined) throw new SqlError(SQLSTATE.featureNotSupported, 'pg_notify() needs a session');
  ctx.system.notify(args[0] as string | null, args[1] as string | null);
  return '';
}

function transactionId(ctx: ExecContext): bigint {
  if (ctx.system === undefined) throw new SqlError(SQLSTATE.featureNotSupported, 'txid_current() needs a session');
  return ctx.system.transactionId();
}

export function adminFunction(ctx: BindContext, name: string, args: readonly BoundExpr[], location: number | undefined): BoundExpr | undefined {
  const pid = (): BoundExpr => coerce(ctx, args[0] as BoundExpr, INT4(), -1, 'implicit', location);
  switch (name) {
    case 'pg_backend_pid':
      if (args.length !== 0) return undefined;
      return { kind: 'call', name, fn: (_a, c) => c.system?.backendPid ?? 0, args: [], type: INT4(), typmod: -1, strict: false, volatile: true };
    case 'txid_current':
      if (args.length !== 0) return undefined;
      return { kind: 'call', name, fn: (_a, c) => transactionId(c), args: [], type: INT8(), typmod: -1, strict: false, volatile: true };
    case 'txid_current_if_assigned':
      if (args.length !== 0) return undefined;
      return { kind: 'call', name, fn: (_a, c) => c.system?.assignedTransactionId() ?? null, args: [], type: INT8(), typmod: -1, strict: false, volatile: true };
    case 'pg_cancel_backend':
      if (args.length !== 1) return undefined;
      return { kind: 'call', name, fn: (a, c) => signalBackend(c, a[0] as number, 'cancel'), args: [pid()], type: BOOL(), typmod: -1, strict: true, volatile: true };
    case 'pg_terminate_backend': {
      if (args.length !== 1 && args.length !== 2) return undefined;
      const callArgs = args.length === 1 ? [pid()] : [pid(), coerce(ctx, args[1] as BoundExpr, INT8(), -1, 'implicit', location)];
      return { kind: 'call', name, fn: terminate, args: callArgs, type: BOOL(), typmod: -1, strict: true, volatile: true };
    }
    case 'pg_notify': {
      if (args.length !== 2) return undefined;
      const text = (e: BoundExpr): BoundExpr => coerce(ctx, e, TEXT(), -1, 'implicit', location);
      return { kind: 'call', name, fn: notify, args: [text(args[0] as BoundExpr), text(args[1] as BoundExpr)], type: VOID, typmod: -1, strict: false, volatile: true };
    }
    case COMPACT_PROCEDURE:
      throw new SqlError(WRONG_OBJECT_TYPE, `${COMPACT_PROCEDURE}(${args.map((a) => a.type.name).join(', ')}) is a procedure`, {
        position: location === undefined || location < 0 ? undefined : location + 1,
        hint: 'To call a procedure, use CALL.',
      });
    default:
      return undefined;
  }
}

