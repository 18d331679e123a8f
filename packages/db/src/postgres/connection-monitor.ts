import { DatabaseUnavailableError } from "@taskloom/core";
import pg from "pg";

/** What a store's connection problems look like from outside: one `lost` per outage, then one `restored`. */
export interface ConnectionEvents {
  lost(error: DatabaseUnavailableError): void;
  restored(downMs: number): void;
}

export interface ConnectionMonitorOptions {
  /** Where the database is, for messages (no password). */
  location: string;
  /** Connection settings for the probe (a connection of its own, outside the pool). */
  config: pg.ClientConfig;
  /** First reconnect delay bound, in ms; it doubles per failed probe. Default 100. */
  baseDelayMs?: number;
  /** Largest reconnect delay bound, in ms. Default 10,000. */
  maxDelayMs?: number;
  /** Random source in [0, 1) for the jitter. Default `Math.random`. */
  random?: () => number;
}

/** SQLSTATEs of a lost or refused connection: class 08, and admin shutdown, crash shutdown, cannot connect now. */
const CONNECTION_SQLSTATES = new Set(["57P01", "57P02", "57P03"]);
/** Node socket errors of an unreachable or vanished server. */
const SOCKET_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** True for an error that says the connection (or the server), not the statement, failed. */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === "string" && (code.startsWith("08") || CONNECTION_SQLSTATES.has(code))) return true;
  if (typeof code === "string" && SOCKET_ERRORS.has(code)) return true;
  return (
    typeof message === "string" &&
    /^Connection terminated|^Client has encountered a connection error/.test(message)
  );
}

/**
 * Watches one pool's connections (through `monitoredClientClass`). The first connection error of an outage
 * reports `lost` and starts one probe that reconnects with exponential backoff and full jitter (a delay drawn
 * from [0, min(max, base × 2^n)), so hosts that lost the server together do not return in step); the first
 * probe that answers reports `restored`. Connections that merely dropped (terminated backends) are replaced
 * at once by the pool; only once a *new* connection has failed (the server is unreachable) do further
 * connects fail at once with `DatabaseUnavailableError`, so that every worker loop does not hammer a server
 * that is not there.
 */
export class ConnectionMonitor {
  readonly #options: ConnectionMonitorOptions;
  readonly #listeners = new Set<ConnectionEvents>();
  /** When the outage began (the first connection error), or null. */
  #downSince: number | null = null;
  /** True once a new connection failed during the outage: connects fail at once until the probe answers. */
  #refusing = false;
  #cause: DatabaseUnavailableError | null = null;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(options: ConnectionMonitorOptions) {
    this.#options = options;
  }

  /** True from a failed new connection until the probe finds the server again: connects fail at once. */
  get refusing(): boolean {
    return this.#refusing;
  }

  subscribe(listener: ConnectionEvents): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The error to fail with while down. */
  unavailable(): DatabaseUnavailableError {
    return (
      this.#cause ?? new DatabaseUnavailableError(`PostgreSQL at ${this.#options.location} is unreachable`)
    );
  }

  /**
   * Looks at an operation's error (`connecting`: it came from opening a connection): a connection error
   * starts (or continues) an outage and comes back as a `DatabaseUnavailableError`; any other error comes
   * back as it was.
   */
  observe(error: unknown, connecting = false): unknown {
    if (!isConnectionError(error)) return error;
    if (connecting && this.#downSince !== null) this.#refusing = true;
    if (error instanceof DatabaseUnavailableError) return error;
    if (this.#downSince !== null || this.#closed) return this.unavailable();
    const reason = error instanceof Error ? error.message : String(error);
    this.#cause = new DatabaseUnavailableError(
      `lost the connection to PostgreSQL at ${this.#options.location} (${reason}); reconnecting`,
      { cause: error },
    );
    this.#downSince = Date.now();
    this.#refusing = connecting;
    for (const listener of this.#listeners) listener.lost(this.#cause);
    this.#scheduleProbe(0);
    return this.#cause;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #scheduleProbe(failures: number): void {
    if (this.#closed) return;
    const base = this.#options.baseDelayMs ?? 100;
    const bound = Math.min(this.#options.maxDelayMs ?? 10_000, base * 2 ** failures);
    const delay = (this.#options.random ?? Math.random)() * bound;
    this.#timer = setTimeout(() => void this.#probe(failures), delay);
    this.#timer.unref();
  }

  async #probe(failures: number): Promise<void> {
    const client = new pg.Client({ ...this.#options.config, connectionTimeoutMillis: 5_000 });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.query("SELECT 1");
    } catch (error) {
      if (isConnectionError(error)) {
        this.#scheduleProbe(failures + 1);
        return;
      }
      // The server answered, with something other than a connection problem (the database was dropped:
      // 3D000). The outage is over without a recovery: connections are made again, and their error is what
      // the operations (and `watchForLoss`) get.
      this.#downSince = null;
      this.#refusing = false;
      this.#cause = null;
      return;
    } finally {
      client.end().catch(() => {});
    }
    if (this.#closed || this.#downSince === null) return;
    const downMs = Date.now() - this.#downSince;
    this.#downSince = null;
    this.#refusing = false;
    this.#cause = null;
    for (const listener of this.#listeners) listener.restored(downMs);
  }
}

type Callback = (error: Error | null, ...rest: unknown[]) => void;

/**
 * A `pg.Client` class for the pool (its `Client` option) whose connects and queries report to `monitor`: a
 * connection error becomes `DatabaseUnavailableError` and starts the monitor's reconnecting, and while the
 * monitor is refusing (the server did not answer a new connection) a connect fails at once. Covers every user of the pool, Prisma's adapter
 * included.
 */
export function monitoredClientClass(monitor: ConnectionMonitor): typeof pg.Client {
  const settle = <T>(result: T, connecting: boolean): T => {
    if (result instanceof Promise)
      return result.catch((error: unknown) => Promise.reject(monitor.observe(error, connecting))) as T;
    return result;
  };
  const wrapCallback = (args: unknown[], connecting: boolean): void => {
    const last = args.at(-1);
    if (typeof last !== "function") return;
    args[args.length - 1] = (error: Error | null, ...rest: unknown[]) =>
      (last as Callback)(error ? (monitor.observe(error, connecting) as Error) : null, ...rest);
  };
  return class MonitoredClient extends pg.Client {
    override connect(...args: unknown[]): never {
      if (monitor.refusing) {
        const callback = args.at(-1);
        if (typeof callback === "function") {
          process.nextTick(() => (callback as Callback)(monitor.unavailable()));
          return undefined as never;
        }
        return Promise.reject(monitor.unavailable()) as never;
      }
      wrapCallback(args, true);
      return settle((super.connect as (...a: unknown[]) => unknown)(...args), true) as never;
    }

    override query(...args: unknown[]): never {
      wrapCallback(args, false);
      return settle((super.query as (...a: unknown[]) => unknown)(...args), false) as never;
    }

    // pg-pool's own `query` hears a connection that dies mid-query through the client's "error" event.
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === "error") return super.emit(event, monitor.observe(args[0]));
      return super.emit(event, ...args);
    }
  };
}
