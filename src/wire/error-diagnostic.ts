/**
 * Turns anything thrown while serving a client into the diagnostic an ErrorResponse carries.
 * - SqlError (or any error with a 5-character SQLSTATE `code`) keeps its fields.
 * - ProtocolError is FATAL with its code (08P01 by default).
 * - Anything else is an internal error (XX000); `internal` is true so the caller can log it.
 */
import type { SqlDiagnostic } from '../sql/session-api.js';
import { SQLSTATE } from '../util/index.js';
import { ProtocolError } from './protocol-error.js';

export interface ErrorDiagnostic {
  readonly diagnostic: SqlDiagnostic;
  readonly internal: boolean;
}

interface SqlErrorLike {
  readonly code: string;
  readonly message: string;
  readonly severity?: unknown;
  readonly detail?: unknown;
  readonly hint?: unknown;
  readonly position?: unknown;
}

export function errorDiagnostic(error: unknown): ErrorDiagnostic {
  if (error instanceof ProtocolError) {
    return { diagnostic: { severity: 'FATAL', code: error.code, message: error.message }, internal: false };
  }
  if (isSqlErrorLike(error)) {
    const severity = error.severity === 'FATAL' || error.severity === 'PANIC' ? error.severity : 'ERROR';
    const diagnostic: SqlDiagnostic = {
      severity,
      code: error.code,
      message: error.message,
      ...(typeof error.detail === 'string' ? { detail: error.detail } : {}),
      ...(typeof error.hint === 'string' ? { hint: error.hint } : {}),
      ...(typeof error.position === 'number' ? { position: error.position } : {}),
    };
    return { diagnostic, internal: false };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { diagnostic: { severity: 'ERROR', code: SQLSTATE.internalError, message }, internal: true };
}

function isSqlErrorLike(error: unknown): error is SqlErrorLike {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}
