/**
 * The authentication exchange after the StartupMessage: trust, cleartext password, md5 and
 * SCRAM-SHA-256, checked against the verifier the database stores for the role.
 * - A failure is FATAL 28P01 with PostgreSQL's text, whatever the cause (unknown role, no
 *   password, wrong password), so the reply never tells which.
 * - With method md5 and a SCRAM verifier stored, SCRAM is used instead (as PostgreSQL does).
 * - Every client reply must be a 'p' message; anything else is a ProtocolError.
 */
import { randomBytes } from 'node:crypto';
import type { RoleAuth } from '../sql/session-api.js';
import { SqlError, SQLSTATE } from '../util/index.js';
import { ConnectionLost } from './connection-lost.js';
import { AuthCode, FrontendCode } from './message-codes.js';
import { PayloadReader } from './payload-reader.js';
import { parseScramVerifier, verifyCleartext, verifyMd5Response } from './password-verifier.js';
import { ProtocolError } from './protocol-error.js';
import { ScramExchange } from './scram-exchange.js';
import type { AuthMethod } from './wire-options.js';
import type { WireChannel } from './wire-channel.js';

const SCRAM_MECHANISM = 'SCRAM-SHA-256';

/** Runs the exchange; returns normally when the client proved the password. */
export async function authenticate(
  channel: WireChannel,
  method: AuthMethod,
  user: string,
  role: RoleAuth | undefined,
): Promise<void> {
  if (method === 'trust') return;
  const stored = role?.password;
  const useScram = method === 'scram-sha-256' || (method === 'md5' && stored !== undefined && stored.startsWith('SCRAM-'));
  let ok: boolean;
  if (method === 'password') ok = await cleartext(channel, user, stored);
  else if (useScram) ok = await scram(channel, stored);
  else ok = await md5(channel, stored);
  if (!ok) throw authFailed(user);
}

async function cleartext(channel: WireChannel, user: string, stored: string | undefined): Promise<boolean> {
  channel.writer.authentication(AuthCode.cleartextPassword);
  const reader = await reply(channel);
  const password = reader.cstring();
  reader.done();
  if (password === '') return false;
  return verifyCleartext(stored, user, password);
}

async function md5(channel: WireChannel, stored: string | undefined): Promise<boolean> {
  const salt = randomBytes(4);
  channel.writer.authentication(AuthCode.md5Password, salt);
  const reader = await reply(channel);
  const response = reader.cstring();
  reader.done();
  return verifyMd5Response(stored, salt, response);
}

async function scram(channel: WireChannel, stored: string | undefined): Promise<boolean> {
  const exchange = new ScramExchange(stored === undefined ? undefined : parseScramVerifier(stored));
  channel.writer.authenticationSasl([SCRAM_MECHANISM]);
  const initial = await reply(channel);
  const mechanism = initial.cstring();
  if (mechanism !== SCRAM_MECHANISM) {
    throw new ProtocolError('client selected an invalid SASL authentication mechanism');
  }
  const length = initial.int32();
  const clientFirst = initial.bytes(length).toString('utf8');
  initial.done();
  const serverFirst = exchange.start(clientFirst);
  channel.writer.authentication(AuthCode.saslContinue, Buffer.from(serverFirst, 'utf8'));
  const response = await reply(channel);
  const serverFinal = exchange.finish(response.rest().toString('utf8'));
  if (serverFinal === undefined) return false;
  channel.writer.authentication(AuthCode.saslFinal, Buffer.from(serverFinal, 'utf8'));
  return true;
}

/** Flushes the challenge and reads the client's 'p' reply. */
async function reply(channel: WireChannel): Promise<PayloadReader> {
  const message = await channel.next();
  if (message === undefined) throw new ConnectionLost('client closed the connection during authentication');
  if (message.type !== FrontendCode.password) {
    throw new ProtocolError(`expected password response, got message type ${message.type}`);
  }
  return new PayloadReader(message.payload);
}

function authFailed(user: string): SqlError {
  return new SqlError(SQLSTATE.invalidPassword, `password authentication failed for user "${user}"`, {
    severity: 'FATAL',
  });
}
