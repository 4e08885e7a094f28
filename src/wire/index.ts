/**
 * The public surface of the wire layer: the PostgreSQL v3 protocol server and its helpers.
 *
 * How the files fit together (each opens with its invariants):
 * - server.ts            WireServer: accept, connection limit, backend keys, cancel, close().
 * - connection.ts        one client: startup → authentication → message loop, FATAL handling.
 * - wire-channel.ts      socket ⇄ reader/writer, back-pressure both ways, TLS upgrade.
 * - message-reader.ts    framing with bounded lengths; frontend-messages.ts decodes payloads
 *                        through payload-reader.ts (bounds-checked reads of untrusted bytes).
 * - buffer-writer.ts     the reused slab writer; backend-writer.ts encodes every server message.
 * - startup-negotiation.ts, authenticator.ts, scram-exchange.ts, password-verifier.ts: startup,
 *                        SSL/GSSENC answers, trust / cleartext / md5 / SCRAM-SHA-256.
 * - simple-query.ts, extended-query.ts, portal-runner.ts, copy-exchange.ts: the query protocols.
 * - idle-poller.ts       keeps the loop polling after answering a closed-loop client
 *                        (WireOptions.idlePollUs; off unless given, as the CLI server does).
 * - The SQL layer is reached only through src/sql/session-api.ts (SqlDatabase / SqlSession).
 */
export { WireServer } from './server.js';
export { IDLE_POLL_US_MAX } from './idle-poller.js';
export {
  resolveWireOptions,
  isLoopback,
  WireConfigError,
  type WireOptions,
  type AuthMethod,
  type WireLogger,
  type WireLogLevel,
} from './wire-options.js';
export { scramVerifier, md5Verifier } from './password-verifier.js';
