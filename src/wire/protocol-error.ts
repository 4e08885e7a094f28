/**
 * A violation of the protocol by the client: malformed, truncated, oversized or out-of-order bytes.
 * The connection answers FATAL with this SQLSTATE (08P01 unless stated) and closes; the server
 * keeps serving every other connection.
 */
import { SQLSTATE } from '../util/index.js';

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';

  constructor(
    message: string,
    readonly code: string = SQLSTATE.protocolViolation,
  ) {
    super(message);
  }
}
