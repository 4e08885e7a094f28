/**
 * Turns anything thrown while serving a client into the diagnostic an ErrorResponse carries.
 * - SqlError (or any error with a 5-character SQLSTATE `code`) keeps its fields, including the
 *   optional where/schema/table/column/dataType/constraint when the error carries them.
 * - ProtocolError is FATAL with its code (08P01 by default).
 * - Anything else is an internal error (XX000); `internal` is true so the caller can log it.
 */
import type { SqlDiagnostic } from '../sql/session-api.js';
import { SQLSTATE } from '../util/index.js';
import { ProtocolError } from './protocol-error.js';

/**
 * SqlDiagnostic plus the optional ErrorResponse fields that clients and ORMs read (context, and
 * the object a constraint violation names). They are taken from the error when it carries them.
 */
export interface WireDiagnostic extends SqlDiagnostic {
  readonly where?: string;
  readonly schema?: string;
  readonly table?: string;
  readonly column?: string;
  readonly dataType?: string;
  readonly constraint?: string;
}

/** Optional string fields copied from an error object, with their ErrorResponse field codes. */
export const EXTRA_FIELDS: ReadonlyArray<readonly [keyof WireDiagnostic, number]> = [
  ['where', 0x57], // 'W'
  ['schema', 0x73], // 's'
  ['table', 0x74], // 't'
  ['column', 0x63], // 'c'
  ['dataType', 0x64], // 'd'
  ['constraint', 0x6e], // 'n'
];

export interface ErrorDiagnostic {
  readonly diagnostic: WireDiagnostic;
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
    const diagnostic: Record<string, unknown> = { severity, code: error.code, message: error.message };
    if (typeof error.detail === 'string') diagnostic.detail = error.detail;
    if (typeof error.hint === 'string') diagnostic.hint = error.hint;
    if (typeof error.position === 'number') diagnostic.position = error.position;
    for (const [name] of EXTRA_FIELDS) {
      const value = (error as unknown as Record<string, unknown>)[name];
      if (typeof value === 'string') diagnostic[name] = value;
    }
    return { diagnostic: diagnostic as unknown as WireDiagnostic, internal: false };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { diagnostic: { severity: 'ERROR', code: SQLSTATE.internalError, message }, internal: true };
}

function isSqlErrorLike(error: unknown): error is SqlErrorLike {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}
