/**
 * SessionNotifications: one session's side of LISTEN / NOTIFY (notification-hub.ts).
 *
 * - LISTEN, UNLISTEN and NOTIFY act when their transaction commits and not at all when it rolls
 *   back, as in PostgreSQL; a transaction's identical notifications (channel and payload) are sent
 *   once, in the order first made. The session notices the end of the transaction the next time
 *   it is asked (settle(): the transaction's state), which the wire does before every ReadyForQuery.
 * - Received notifications wait in the inbox until the session is outside a transaction block;
 *   wake() tells the wire one arrived, so an idle connection can send it at once.
 * - Limits are PostgreSQL's: a channel name of 1–63 bytes, a payload under 8000 bytes (22023).
 *   An inbox holds at most INBOX_MAX (it fills only while its session stays in a transaction
 *   block); past it the oldest are dropped.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { Transaction } from '../../mvcc/index.js';
import type { Notification, NotificationHub, NotificationListener } from './notification-hub.js';

/** NAMEDATALEN - 1: the longest channel name, in bytes. */
const CHANNEL_BYTES_MAX = 63;
/** A payload must be shorter than this many bytes (PostgreSQL's NOTIFY_PAYLOAD_MAX_LENGTH). */
const PAYLOAD_BYTES_LIMIT = 8000;
/** Notifications a session holds for its client; past it the oldest are dropped. */
const INBOX_MAX = 100_000;

type ListenOp = { readonly kind: 'listen' | 'unlisten'; readonly channel: string } | { readonly kind: 'unlistenAll' };

interface Pending {
  readonly txn: Transaction;
  readonly ops: ListenOp[];
  /** channel NUL payload → notification: one per distinct pair, in the order first made. */
  readonly notifications: Map<string, Notification>;
}

export class SessionNotifications implements NotificationListener {
  private readonly listening = new Set<string>();
  private pending: Pending | undefined;
  private inbox: Notification[] = [];
  private wakeListener: (() => void) | undefined;

  constructor(
    private readonly hub: NotificationHub | undefined,
    private readonly pid: number,
    private readonly database: string,
  ) {}

  listen(channel: string, txn: Transaction): void {
    this.pendingFor(txn).ops.push({ kind: 'listen', channel: checkedChannel(channel) });
  }

  unlisten(channel: string | undefined, txn: Transaction): void {
    this.pendingFor(txn).ops.push(channel === undefined ? { kind: 'unlistenAll' } : { kind: 'unlisten', channel });
  }

  notify(channel: string | null, payload: string | null, txn: Transaction): void {
    const name = checkedChannel(channel ?? '');
    const text = payload ?? '';
    if (Buffer.byteLength(text) >= PAYLOAD_BYTES_LIMIT) throw new SqlError(SQLSTATE.invalidParameterValue, 'payload string too long');
    const pending = this.pendingFor(txn);
    const key = `${name}\u0000${text}`;
    if (!pending.notifications.has(key)) pending.notifications.set(key, { pid: this.pid, channel: name, payload: text });
  }

  /** UNLISTEN * at once (DISCARD ALL, end of session). */
  unlistenAllNow(): void {
    for (const channel of this.listening) this.hub?.unlisten(this.database, channel, this);
    this.listening.clear();
  }

  deliver(notification: Notification): void {
    if (this.inbox.length >= INBOX_MAX) this.inbox.shift();
    this.inbox.push(notification);
    this.wakeListener?.();
  }

  onArrival(wake: () => void): void {
    this.wakeListener = wake;
  }

  /** Applies or drops what an ended transaction did; `current` is the session's open transaction. */
  settle(current: Transaction | undefined): void {
    const pending = this.pending;
    if (pending === undefined || (pending.txn === current && pending.txn.state === 'active')) return;
    this.pending = undefined;
    if (pending.txn.state !== 'committed') return;
    for (const op of pending.ops) this.apply(op);
    if (pending.notifications.size > 0) this.hub?.publish(this.database, [...pending.notifications.values()]);
  }

  /** The notifications the client may have now: none inside a transaction block. */
  take(current: Transaction | undefined, inBlock: boolean): readonly Notification[] {
    this.settle(current);
    if (inBlock || this.inbox.length === 0) return NONE;
    const out = this.inbox;
    this.inbox = [];
    return out;
  }

  private pendingFor(txn: Transaction): Pending {
    if (this.pending?.txn !== txn) {
      this.settle(txn);
      this.pending = { txn, ops: [], notifications: new Map() };
    }
    return this.pending;
  }

  private apply(op: ListenOp): void {
    if (op.kind === 'unlistenAll') return this.unlistenAllNow();
    if (op.kind === 'listen') {
      if (this.listening.has(op.channel)) return;
      this.listening.add(op.channel);
      this.hub?.listen(this.database, op.channel, this);
      return;
    }
    if (this.listening.delete(op.channel)) this.hub?.unlisten(this.database, op.channel, this);
  }
}

const NONE: readonly Notification[] = Object.freeze([]);

function checkedChannel(channel: string): string {
  if (channel === '') throw new SqlError(SQLSTATE.invalidParameterValue, 'channel name cannot be empty');
  if (Buffer.byteLength(channel) > CHANNEL_BYTES_MAX) throw new SqlError(SQLSTATE.invalidParameterValue, 'channel name too long');
  return channel;
}
