/**
 * The startup phase before authentication: SSLRequest / GSSENCRequest answered 'S' or 'N' (in any
 * order, at most once each), CancelRequest, then the StartupMessage.
 * - An SSLRequest answered 'S' must not be followed by unencrypted bytes already buffered
 *   (CVE-2021-23214): that is a ProtocolError.
 * - Only protocol 3.x is accepted; a newer minor version or `_pq_.` options get
 *   NegotiateProtocolVersion (3.0, the options we do not know).
 * - The `options` startup parameter (`-c name=value`, `--name=value`) becomes session settings.
 */
import type { SecureContext } from 'node:tls';
import { SqlError, SQLSTATE } from '../util/index.js';
import { decodeStartup } from './frontend-messages.js';
import { ProtocolError } from './protocol-error.js';
import type { WireChannel } from './wire-channel.js';

export interface StartupInfo {
  readonly user: string;
  readonly database: string;
  readonly applicationName: string;
  readonly settings: Map<string, string>;
}

export type StartupOutcome =
  | { readonly kind: 'session'; readonly info: StartupInfo }
  | { readonly kind: 'cancel'; readonly pid: number; readonly secretKey: number }
  | { readonly kind: 'gone' };

const NOT_SETTINGS = new Set(['user', 'database', 'options', 'application_name', 'replication']);

export async function negotiateStartup(channel: WireChannel, tls: SecureContext | undefined): Promise<StartupOutcome> {
  let sslAsked = false;
  let gssAsked = false;
  for (;;) {
    const framed = await channel.next();
    if (framed === undefined) return { kind: 'gone' };
    const request = decodeStartup(framed);
    if (request.kind === 'cancel') return request;
    if (request.kind === 'ssl' || request.kind === 'gssenc') {
      const ssl = request.kind === 'ssl';
      if ((ssl && sslAsked) || (!ssl && gssAsked) || channel.isTls) throw new ProtocolError('unexpected encryption request');
      if (ssl) sslAsked = true;
      else gssAsked = true;
      const accept = ssl && tls !== undefined;
      channel.writer.buffer.int8(accept ? 0x53 : 0x4e);
      if (accept) {
        if (channel.reader.hasPendingBytes()) throw new ProtocolError('received unencrypted data after SSL request');
        // Synchronously: the client's TLS handshake must reach the TLS socket, not our reader.
        channel.sendNow();
        channel.upgradeToTls(tls);
      }
      continue;
    }
    if (request.majorVersion !== 3) {
      throw new ProtocolError(
        `unsupported frontend protocol ${request.majorVersion}.${request.minorVersion}: server supports 3.0 to 3.0`,
        SQLSTATE.featureNotSupported,
      );
    }
    const unknown = [...request.params.keys()].filter((name) => name.startsWith('_pq_.'));
    if (request.minorVersion > 0 || unknown.length > 0) channel.writer.negotiateProtocolVersion(0, unknown);
    channel.reader.endStartupPhase();
    return { kind: 'session', info: startupInfo(request.params) };
  }
}

function startupInfo(params: Map<string, string>): StartupInfo {
  const user = params.get('user') ?? '';
  if (user === '') {
    throw new SqlError(SQLSTATE.invalidAuthorizationSpecification, 'no PostgreSQL user name specified in startup packet', {
      severity: 'FATAL',
    });
  }
  const settings = new Map<string, string>();
  for (const [name, value] of params) if (!NOT_SETTINGS.has(name) && !name.startsWith('_pq_.')) settings.set(name, value);
  for (const [name, value] of parseOptions(params.get('options') ?? '')) settings.set(name, value);
  return {
    user,
    database: params.get('database') || user,
    applicationName: params.get('application_name') ?? '',
    settings,
  };
}

/** Parses `-c name=value` and `--name=value` switches; backslash escapes a space. */
export function parseOptions(options: string): Array<[string, string]> {
  const words: string[] = [];
  let word = '';
  for (let i = 0; i < options.length; i++) {
    const ch = options[i] as string;
    if (ch === '\\' && i + 1 < options.length) word += options[++i];
    else if (ch === ' ' || ch === '\t') {
      if (word !== '') words.push(word);
      word = '';
    } else word += ch;
  }
  if (word !== '') words.push(word);
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < words.length; i++) {
    let item = words[i] as string;
    if (item === '-c' && i + 1 < words.length) item = words[++i] as string;
    else if (item.startsWith('-c')) item = item.slice(2);
    else if (item.startsWith('--')) item = item.slice(2);
    else continue;
    const eq = item.indexOf('=');
    if (eq > 0) pairs.push([item.slice(0, eq).replace(/-/g, '_'), item.slice(eq + 1)]);
  }
  return pairs;
}
