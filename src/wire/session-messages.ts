/**
 * Messages the session raises on its own, placed where PostgreSQL places them:
 * - NoticeResponses go out as soon as the wire regains control after the statement raised them,
 *   before that statement's rows, CommandComplete or ErrorResponse.
 * - ParameterStatus for changed settings goes out once per cycle, right before ReadyForQuery
 *   (PostgreSQL reports GUC changes when it becomes ready for the next query).
 */
import type { SqlSession } from '../sql/session-api.js';
import type { BackendWriter } from './backend-writer.js';

export function sendNotices(writer: BackendWriter, session: SqlSession): void {
  const notices = session.takeNotices();
  for (let i = 0; i < notices.length; i++) writer.diagnostic(notices[i]!, true);
}

export function sendReadyForQuery(writer: BackendWriter, session: SqlSession): void {
  sendNotices(writer, session);
  const changes = session.takeParameterChanges();
  for (let i = 0; i < changes.length; i++) {
    const [name, value] = changes[i]!;
    writer.parameterStatus(name, value);
  }
  writer.readyForQuery(session.txStatus());
}
