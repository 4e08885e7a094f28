/**
 * Messages the session raises on its own, placed where PostgreSQL places them:
 * - NoticeResponses go out as soon as the wire regains control after the statement raised them,
 *   before that statement's rows, CommandComplete or ErrorResponse.
 * - ParameterStatus for changed settings goes out once per cycle, right before ReadyForQuery
 *   (PostgreSQL reports GUC changes when it becomes ready for the next query).
 * - NotificationResponses (LISTEN) go out before ReadyForQuery once the session is outside a
 *   transaction block, and at once to an idle connection (sendNotifications).
 */
import type { SqlSession } from '../sql/session-api.js';
import type { BackendWriter } from './backend-writer.js';

export function sendNotices(writer: BackendWriter, session: SqlSession): void {
  const notices = session.takeNotices();
  for (let i = 0; i < notices.length; i++) writer.diagnostic(notices[i]!, true);
}

/** Writes the notifications the session may deliver now; true when there were any. */
export function sendNotifications(writer: BackendWriter, session: SqlSession): boolean {
  const notifications = session.takeNotifications?.();
  if (notifications === undefined || notifications.length === 0) return false;
  for (const n of notifications) writer.notificationResponse(n.pid, n.channel, n.payload);
  return true;
}

export function sendReadyForQuery(writer: BackendWriter, session: SqlSession): void {
  sendNotices(writer, session);
  sendNotifications(writer, session);
  const changes = session.takeParameterChanges();
  for (let i = 0; i < changes.length; i++) {
    const [name, value] = changes[i]!;
    writer.parameterStatus(name, value);
  }
  writer.readyForQuery(session.txStatus());
}
