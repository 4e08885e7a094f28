/**
 * The public surface of the wire layer: the PostgreSQL v3 protocol server and its helpers.
 */
export { WireServer } from './server.js';
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
