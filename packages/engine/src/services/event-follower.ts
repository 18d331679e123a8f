import {
  type EventRecord,
  type EventStore,
  type Logger,
  logRetriedFailure,
  type SchedulerStore,
} from "@taskloom/core";

/**
 * One reader of the event log per process, feeding every subscriber (CLI progress, SSE tabs, run waiters).
 *
 * Why one: with a reader per subscriber, 100 open tabs meant 100 polls every 100 ms, each serialising every
 * event, and the server stopped answering. Here the log is read once per wake-up (a commit in this process,
 * or the poll for other processes' commits: an index seek on the primary key) and each event is handed to
 * the subscribers whose filter it matches.
 *
 * Resuming: a subscriber that starts from an older id first reads its backlog from the store (paged, on its
 * own), then joins the live feed without a gap or a duplicate, because ids are strictly increasing and every
 * delivery is guarded by the subscriber's own cursor.
 */

export interface EventFollowerDeps {
  store: EventStore & Pick<SchedulerStore, "onChange">;
  /** The plan a run belongs to, for plan filters (cached: a run never changes plan). */
  planOfRun(runId: string): Promise<string | null>;
  /** How often to look for commits of other processes while anyone listens, in ms. */
  pollMs: number;
  logger: Logger;
}

export interface EventFilter {
  /** Only this run's events. Default: every run. */
  runId?: string;
  /** Only events of this plan's runs, and the plan's own edits. Default: every plan. */
  planSlug?: string;
  /** Start after this event id (what the client saw last). Default: from now on. */
  afterId?: number;
}

export interface EventSubscription {
  /** Stops delivery at once. */
  (): void;
  /** Resolves once every event committed before the call has been delivered. */
  drain(): Promise<void>;
}

/** Events read per page, for the live feed and for a subscriber's backlog. */
const PAGE = 1000;
/** Most events in one streamed batch (one SSE message). */
const MAX_BATCH = 200;
/** A stream whose consumer falls this far behind is ended; the client resumes from its last id. */
const MAX_BUFFERED = 20_000;
/** Runs whose plan is remembered for plan filters; the cache is cleared when it grows past this. */
const PLAN_CACHE_SIZE = 10_000;

interface Subscriber {
  filter: EventFilter;
  /** The id of the last event this subscriber has seen (delivered or filtered out). */
  cursor: number;
  /** True once the backlog is read and live events are delivered. */
  live: boolean;
  listener(event: EventRecord): void;
}

export class EventFollower {
  readonly #deps: EventFollowerDeps;
  readonly #subscribers = new Set<Subscriber>();
  readonly #planByRun = new Map<string, string | null>();
  /** The last event id read from the log (−1 until the first read). */
  #lastId = -1;
  #reading: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | null = null;
  #offChange: (() => void) | null = null;

  constructor(deps: EventFollowerDeps) {
    this.#deps = deps;
  }

  /**
   * Calls `listener` for every matching event after `filter.afterId` (default: from now), in id order,
   * whichever process committed it. Returns an unsubscribe function with `drain()`.
   */
  subscribe(listener: (event: EventRecord) => void, filter: EventFilter = {}): EventSubscription {
    const subscriber: Subscriber = { filter, cursor: filter.afterId ?? -1, live: false, listener };
    this.#subscribers.add(subscriber);
    this.#start();
    const ready = this.#catchUpUntilLive(subscriber);
    const unsubscribe = () => {
      this.#subscribers.delete(subscriber);
      if (this.#subscribers.size === 0) this.#stop();
    };
    return Object.assign(unsubscribe, {
      drain: async () => {
        await ready;
        await this.#pump();
      },
    });
  }

  /**
   * The same feed as an async iterator of batches, for SSE: each batch holds every matching event that
   * arrived since the consumer last asked (at most `MAX_BATCH`), in id order. Ends when `signal` aborts, or
   * when the consumer falls `MAX_BUFFERED` events behind (a stalled client reconnects and resumes from its
   * last id).
   *
   * Why batches: an SSE message costs the transport far more than the bytes of one event (measured: ~80 µs
   * per message through tRPC and web streams), so 100 tabs × 3,000 events as single messages kept a core
   * busy for 20 s; one message per wake-up per tab costs a few hundred.
   */
  async *stream(filter: EventFilter, signal?: AbortSignal): AsyncGenerator<EventRecord[]> {
    let buffer: EventRecord[] = [];
    let overflowed = false;
    let wake: (() => void) | null = null;
    const notify = () => {
      wake?.();
      wake = null;
    };
    const unsubscribe = this.subscribe((event) => {
      if (buffer.length >= MAX_BUFFERED) overflowed = true;
      else buffer.push(event);
      notify();
    }, filter);
    signal?.addEventListener("abort", notify, { once: true });
    try {
      while (!signal?.aborted) {
        if (buffer.length > 0) {
          // One macrotask per batch: a page reaches every tab at once, and each tab's serialization would
          // otherwise run back to back as microtasks, holding off every other request (a health probe waited
          // 2 s behind 100 tabs). Between batches the server answers what is waiting.
          await new Promise<void>((resolve) => setImmediate(resolve));
          const batch = buffer.length <= MAX_BATCH ? buffer : buffer.slice(0, MAX_BATCH);
          buffer = buffer.length <= MAX_BATCH ? [] : buffer.slice(MAX_BATCH);
          yield batch;
          continue;
        }
        if (overflowed) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      signal?.removeEventListener("abort", notify);
      unsubscribe();
    }
  }

  /** Stops every subscription (the engine is closing). */
  close(): void {
    this.#subscribers.clear();
    this.#stop();
  }

  #start(): void {
    if (this.#timer) return;
    this.#offChange = this.#deps.store.onChange(() => void this.#pump());
    this.#timer = setInterval(() => void this.#pump(), this.#deps.pollMs);
    this.#timer.unref();
  }

  #stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#offChange?.();
    this.#offChange = null;
  }

  /**
   * `#catchUp`, tried again every poll interval while it fails (the database unreachable for a while), so that
   * a subscription made during an outage still goes live once the database is back.
   */
  async #catchUpUntilLive(subscriber: Subscriber): Promise<void> {
    while (this.#subscribers.has(subscriber)) {
      try {
        await this.#catchUp(subscriber);
        return;
      } catch (error) {
        logRetriedFailure(this.#deps.logger, error, "reading the event backlog failed");
        await new Promise((resolve) => setTimeout(resolve, this.#deps.pollMs));
      }
    }
  }

  /** Reads a subscriber's backlog until it has reached the live feed's position, then marks it live. */
  async #catchUp(subscriber: Subscriber): Promise<void> {
    if (this.#lastId < 0) await this.#pump();
    if (subscriber.cursor < 0) subscriber.cursor = this.#lastId;
    while (subscriber.cursor < this.#lastId && this.#subscribers.has(subscriber)) {
      // The live position before the read: a short page proves nothing is left up to it (the live feed may
      // move on meanwhile, and the loop then reads the rest).
      const target = this.#lastId;
      const events = await this.#read(subscriber.cursor, subscriber.filter.runId);
      await this.#knowPlans(events);
      for (const event of events) this.#deliver(subscriber, event);
      if (events.length < PAGE) subscriber.cursor = Math.max(subscriber.cursor, target);
    }
    subscriber.live = true;
  }

  /** Reads what was committed since the last read, once at a time; a wake-up during a read reads again. */
  #pump(): Promise<void> {
    if (this.#reading) {
      this.#again = true;
      return this.#reading;
    }
    this.#reading = (async () => {
      do {
        this.#again = false;
        await this.#readLive();
      } while (this.#again);
    })()
      .catch((error: unknown) => logRetriedFailure(this.#deps.logger, error, "reading events failed"))
      .finally(() => {
        this.#reading = null;
      });
    return this.#reading;
  }

  async #readLive(): Promise<void> {
    if (this.#lastId < 0) {
      this.#lastId = await this.#deps.store.lastEventId();
      return;
    }
    for (;;) {
      const events = await this.#read(this.#lastId);
      await this.#knowPlans(events);
      // Synchronous from here to the end of the page: every subscriber gets the whole page before any
      // consumer runs, so a stream hands its tab one batch per page, not one message per event.
      for (const event of events) {
        this.#lastId = event.id;
        for (const subscriber of this.#subscribers) {
          if (subscriber.live) this.#deliver(subscriber, event);
        }
      }
      if (events.length < PAGE) return;
    }
  }

  #read(afterId: number, runId?: string): Promise<EventRecord[]> {
    return this.#deps.store.readEvents({ afterId, limit: PAGE, ...(runId ? { runId } : {}) });
  }

  #deliver(subscriber: Subscriber, event: EventRecord): void {
    if (event.id <= subscriber.cursor) return;
    subscriber.cursor = event.id;
    if (!this.#matches(subscriber.filter, event) || !this.#subscribers.has(subscriber)) return;
    try {
      subscriber.listener(event);
    } catch (error) {
      this.#deps.logger.error({ err: error }, "an event listener threw");
    }
  }

  #matches(filter: EventFilter, event: EventRecord): boolean {
    if (filter.runId && event.runId !== filter.runId) return false;
    if (!filter.planSlug) return true;
    if (event.type === "plan.imported" || event.type === "plan.updated")
      return event.data?.slug === filter.planSlug;
    if (!event.runId) return false;
    return this.#planByRun.get(event.runId) === filter.planSlug;
  }

  /** Looks up (once per run) the plan of every run in `events`, so that plan filters match synchronously. */
  async #knowPlans(events: EventRecord[]): Promise<void> {
    if (![...this.#subscribers].some((s) => s.filter.planSlug)) return;
    const runs = new Set<string>();
    for (const event of events) if (event.runId) runs.add(event.runId);
    let unknown = [...runs].filter((runId) => !this.#planByRun.has(runId));
    if (this.#planByRun.size + unknown.length > PLAN_CACHE_SIZE) {
      this.#planByRun.clear();
      unknown = [...runs];
    }
    for (const runId of unknown) this.#planByRun.set(runId, await this.#deps.planOfRun(runId));
  }
}
