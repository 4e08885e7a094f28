/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677), without channel binding
 * (we advertise only SCRAM-SHA-256, so a client may send gs2 flag 'n' or 'y', never 'p').
 * - A role without a SCRAM verifier (unknown, no password, md5) still runs the whole exchange
 *   against a mock secret and fails at the end, as PostgreSQL does, so the reply does not reveal
 *   whether the role exists.
 * - Client messages are untrusted: anything malformed fails the exchange (ProtocolError).
 */
import { randomBytes } from 'node:crypto';
import { ProtocolError } from './protocol-error.js';
import { hmac, safeEqual, sha256, type ScramSecret, SCRAM_ITERATIONS_DEFAULT } from './password-verifier.js';

export class ScramExchange {
  private readonly secret: ScramSecret;
  private readonly real: boolean;
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';

  constructor(secret: ScramSecret | undefined) {
    this.real = secret !== undefined;
    this.secret = secret ?? {
      iterations: SCRAM_ITERATIONS_DEFAULT,
      salt: randomBytes(16),
      storedKey: randomBytes(32),
      serverKey: randomBytes(32),
    };
  }

  /** client-first-message → server-first-message. */
  start(clientFirst: string): string {
    const match = /^([ny]),(?:a=[^,]*)?,((?:m=[^,]*,)?n=[^,]*,r=([\x21-\x2b\x2d-\x7e]+)(?:,.*)?)$/.exec(clientFirst);
    if (match === null) throw new ProtocolError('malformed SCRAM message');
    this.clientFirstBare = match[2] as string;
    this.nonce = (match[3] as string) + randomBytes(18).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${this.secret.salt.toString('base64')},i=${this.secret.iterations}`;
    return this.serverFirst;
  }

  /** client-final-message → server-final-message, or undefined when the proof is wrong. */
  finish(clientFinal: string): string | undefined {
    const match = /^(c=([A-Za-z0-9+/=]*),r=([^,]*)(?:,[^p][^,]*)*),p=([A-Za-z0-9+/=]+)$/.exec(clientFinal);
    if (match === null) throw new ProtocolError('malformed SCRAM message');
    const binding = Buffer.from(match[2] as string, 'base64').toString('latin1');
    if (binding !== 'n,,' && binding !== 'y,,') throw new ProtocolError('unexpected SCRAM channel-binding data');
    if (match[3] !== this.nonce) throw new ProtocolError('SCRAM nonce mismatch');
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${match[1] as string}`;
    const proof = Buffer.from(match[4] as string, 'base64');
    const clientSignature = hmac(this.secret.storedKey, authMessage);
    if (proof.length !== clientSignature.length) return undefined;
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = (proof[i] as number) ^ (clientSignature[i] as number);
    if (!safeEqual(sha256(clientKey), this.secret.storedKey) || !this.real) return undefined;
    return `v=${hmac(this.secret.serverKey, authMessage).toString('base64')}`;
  }
}
