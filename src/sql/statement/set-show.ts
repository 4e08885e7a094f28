/**
 * SET / RESET / SHOW over the session's settings, SET TRANSACTION and SET SESSION
 * CHARACTERISTICS, with PostgreSQL's spelling of list values (search_path) and SHOW ALL.
 */
import type { Node, VariableSetStmt } from '../parse.js';
import type { IsolationLevel } from '../../mvcc/index.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { defArgText } from '../bind/ast-util.js';
import type { Session } from '../session/session.js';
import { allSettingNames, canonicalSettingName } from '../session/settings.js';
import { transactionModes } from '../session/transaction-control.js';
import type { UtilityResult } from './utility.js';

const NAME_ALIASES: Record<string, string> = {
  timezone: 'TimeZone',
  'time zone': 'TimeZone',
  'transaction isolation level': 'transaction_isolation',
  'session authorization': 'session_authorization',
  names: 'client_encoding',
};

function settingName(raw: string): string {
  return NAME_ALIASES[raw.toLowerCase()] ?? raw;
}

/** Identifier-quoting as PostgreSQL shows list settings: "$user", public. */
function formatArg(node: Node, list: boolean): string {
  const text = defArgText(node) ?? '';
  if (!list) return text;
  if ('A_Const' in node && node.A_Const.sval !== undefined) {
    return /^[a-z_][a-z0-9_$]*$/.test(text) ? text : `"${text.replaceAll('"', '""')}"`;
  }
  return text;
}

export function runSet(session: Session, s: VariableSetStmt): UtilityResult {
  const name = s.name ?? '';
  switch (s.kind) {
    case 'VAR_SET_MULTI':
      return setMulti(session, name, s.args);
    case 'VAR_RESET_ALL':
      session.settings.resetAll();
      return { tag: 'RESET' };
    case 'VAR_RESET':
    case 'VAR_SET_DEFAULT': {
      const canonical = settingName(name);
      remember(session, canonical, s.is_local === true);
      session.settings.reset(canonical);
      return { tag: s.kind === 'VAR_RESET' ? 'RESET' : 'SET' };
    }
    case 'VAR_SET_VALUE': {
      const canonical = settingName(name);
      const list = (canonicalSettingName(canonical) ?? canonical) === 'search_path';
      const value = (s.args ?? []).map((a) => formatArg(a, list)).join(', ');
      remember(session, canonical, s.is_local === true);
      session.settings.set(canonical, value);
      return { tag: 'SET' };
    }
    default:
      throw new SqlError(SQLSTATE.featureNotSupported, `SET ${name} FROM CURRENT is not supported`);
  }
}

/**
 * set_config(name, value, is_local): SET [LOCAL] name TO value with the value taken as is (no SET
 * grammar: set_config('search_path', '', false) empties the path); returns the value SHOW prints.
 */
export function setConfig(session: Session, rawName: string, value: string, local: boolean): string {
  const canonical = settingName(rawName);
  if (local && session.block.mode !== 'block') {
    // Outside a transaction block a local setting ends with the statement: checked, shown, not kept.
    const previous = session.settings.get(canonical);
    session.settings.set(canonical, value);
    const shown = session.settings.get(canonical);
    session.settings.set(canonical, previous, true);
    return shown;
  }
  remember(session, canonical, local);
  session.settings.set(canonical, value);
  return session.settings.get(canonical);
}

function remember(session: Session, name: string, local: boolean): void {
  const previous = session.settings.get(name);
  if (local) {
    if (session.block.mode !== 'block') {
      session.notice('SET LOCAL can only be used in transaction blocks', 'WARNING', SQLSTATE.noActiveSqlTransaction);
    }
    session.block.setLocal(canonicalSettingName(name) ?? name, previous);
  }
}

function setMulti(session: Session, name: string, args: Node[] | undefined): UtilityResult {
  const modes = transactionModes(args);
  if (name === 'TRANSACTION') {
    if (session.block.mode !== 'block') {
      session.notice('SET TRANSACTION can only be used in transaction blocks', 'WARNING', SQLSTATE.noActiveSqlTransaction);
      return { tag: 'SET' };
    }
    session.block.setCharacteristics(modes.isolation as IsolationLevel | undefined, modes.readOnly);
    return { tag: 'SET' };
  }
  if (name === 'SESSION CHARACTERISTICS') {
    if (modes.isolation !== undefined) session.settings.set('default_transaction_isolation', modes.isolation);
    if (modes.readOnly !== undefined) session.settings.set('default_transaction_read_only', modes.readOnly ? 'on' : 'off');
    return { tag: 'SET' };
  }
  throw new SqlError(SQLSTATE.featureNotSupported, `SET ${name} is not supported`);
}

export function runShow(session: Session, rawName: string): UtilityResult {
  if (rawName.toLowerCase() === 'all') {
    const rows = allSettingNames().map((n) => [n, session.settings.get(n), null]);
    return { tag: 'SHOW', rows };
  }
  const extension = session.host.showExtensions?.get(rawName.toLowerCase());
  if (extension !== undefined) return { tag: 'SHOW', rows: extension() };
  const name = settingName(rawName);
  return { tag: 'SHOW', rows: [[session.settings.get(name)]] };
}
