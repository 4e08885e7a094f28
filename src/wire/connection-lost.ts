/**
 * The client went away (socket closed or reset) while the server was in the middle of an
 * exchange: nothing can be sent any more, the connection just cleans up.
 */
export class ConnectionLost extends Error {
  override readonly name = 'ConnectionLost';
}
