/**
 * NotificationHub: LISTEN / NOTIFY across the sessions of one server (PostgreSQL's async
 * notification queue, in memory).
 *
 * - A listener is registered per database and channel; publish() hands each notification to every
 *   listener of its database and channel, the publishing session included, in publish order.
 * - A listener only collects: its session decides when its client sees them (between transactions).
 * - Nothing survives a restart, as in PostgreSQL (notifications are not durable).
 */

/** One notification as a client receives it (NotificationResponse). */
export interface Notification {
  /** The notifying session's backend pid. */
  readonly pid: number;
  readonly channel: string;
  readonly payload: string;
}

/** What the hub delivers to: one session's inbox. */
export interface NotificationListener {
  deliver(notification: Notification): void;
}

export class NotificationHub {
  private readonly channels = new Map<string, Set<NotificationListener>>();

  listen(database: string, channel: string, listener: NotificationListener): void {
    const key = channelKey(database, channel);
    let set = this.channels.get(key);
    if (set === undefined) this.channels.set(key, (set = new Set()));
    set.add(listener);
  }

  unlisten(database: string, channel: string, listener: NotificationListener): void {
    const key = channelKey(database, channel);
    const set = this.channels.get(key);
    if (set === undefined) return;
    set.delete(listener);
    if (set.size === 0) this.channels.delete(key);
  }

  publish(database: string, notifications: readonly Notification[]): void {
    for (const n of notifications) {
      const set = this.channels.get(channelKey(database, n.channel));
      if (set !== undefined) for (const listener of set) listener.deliver(n);
    }
  }
}

function channelKey(database: string, channel: string): string {
  return `${database}\u0000${channel}`;
}
