import pg from "pg";

/** The channel every Taskloom process on one database listens on. */
export const CHANGE_CHANNEL = "taskloom";

/**
 * The notification (`pg_notify` arguments) that a transaction making work claimable sends (a run created,
 * tasks released, a lease taken back, a queue resumed): delivered to every listening process when the
 * transaction commits and not at all when it rolls back, once per transaction (PostgreSQL folds identical
 * notifications of one transaction into one). The payload names the sending store, so that the sender, which
 * already told its own listeners, ignores its echo. `commitWithEvents` sends it with the transaction's events.
 */
export function changeNotification(source: string): [string, string] {
  return [CHANGE_CHANNEL, source];
}

export interface ChangeListenerOptions {
  /** The connection settings (a dedicated client: a LISTEN must stay on one connection). */
  config: pg.ClientConfig;
  /** This store's payload: its own notifications are not reported. */
  source: string;
  onChange(): void;
  /** Delay before reconnecting after the connection was lost, doubling up to `maxBackoffMs`. Default 100. */
  backoffMs?: number;
  /** Default 5,000. */
  maxBackoffMs?: number;
}

/**
 * Listens for other processes' commits on one dedicated connection. Losing it loses nothing: the worker's and
 * the event follower's polls still find every commit, only later; the listener reconnects with backoff and
 * reports one change on reconnecting (something may have been committed while it was away).
 */
export class ChangeListener {
  readonly #options: ChangeListenerOptions;
  #client: pg.Client | null = null;
  #closed = false;
  #failures = 0;
  #timer: NodeJS.Timeout | null = null;
  #ready: Promise<void>;

  constructor(options: ChangeListenerOptions) {
    this.#options = options;
    this.#ready = this.#connect();
  }

  /** Resolves once the first LISTEN is in place (or its attempt failed; reconnects go on in the background). */
  ready(): Promise<void> {
    return this.#ready;
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client(this.#options.config);
    client.on("error", () => this.#lost(client));
    client.on("end", () => this.#lost(client));
    client.on("notification", (message) => {
      if (message.channel === CHANGE_CHANNEL && message.payload !== this.#options.source)
        this.#options.onChange();
    });
    this.#client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      if (this.#closed) {
        await client.end().catch(() => {});
        return;
      }
      if (this.#failures > 0) this.#options.onChange();
      this.#failures = 0;
    } catch {
      this.#lost(client);
    }
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client || this.#closed) return;
    this.#client = null;
    client.end().catch(() => {});
    const base = this.#options.backoffMs ?? 100;
    const delay = Math.min(base * 2 ** this.#failures, this.#options.maxBackoffMs ?? 5_000);
    this.#failures++;
    this.#timer = setTimeout(() => void this.#connect(), delay);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = null;
    if (client) await client.end().catch(() => {});
  }
}
