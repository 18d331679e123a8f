import type { EventRecord } from "@taskloom/core";

/**
 * The dashboard's event stream, fanned out to every open tab by the server itself (see
 * event-stream-route.ts for the HTTP side).
 *
 * Why not one tRPC subscription per tab: each tab then serialized every batch on its own and pushed it
 * through its own chain of web streams. With 100 tabs on a busy run that was most of the server's CPU,
 * and requests queued behind it (a health probe took 0.5–1.6 s). Here each tab still gets its own
 * subscription of the engine's one event follower (which owns the ordering, resume and backlog rules), but
 * every batch is encoded once: tabs with the same filter hear of the same events at the same wake-up, so
 * their batches are the same events and share one encoded frame, written to each socket as is.
 *
 * Slow tabs: a tab whose connection has more than its high-water mark queued is paused: its subscription
 * is dropped (so nothing accumulates for it in this process) and, once the socket drains, it subscribes
 * again after the last event it was sent, reading what it missed from the store. One slow tab therefore
 * holds at most one high-water mark of memory and never delays the others.
 */

/** The part of an event type before the dot: a `run.created` event is a `run` event. */
export const EVENT_KINDS = ["run", "task_run", "plan"] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface EventStreamFilter {
  /** Only this run's events. Default: every run. */
  runId?: string;
  /** Only events of this plan's runs and the plan's own edits. Default: every plan. */
  planSlug?: string;
  /** Only events of these kinds. Default: every kind. */
  only?: readonly EventKind[];
}

/** The engine's event feed (`Taskloom.subscribe`): every matching event after `afterId`, in id order. */
export type EventFeed = (
  listener: (event: EventRecord) => void,
  filter: { runId?: string; planSlug?: string; afterId?: number },
) => () => void;

/** One tab's connection. */
export interface EventStreamSink {
  /** Queues bytes on the connection; false when it now holds more than its high-water mark. */
  write(frame: Buffer): boolean;
  /** Calls `callback` once, when what is queued has been handed to the OS. */
  onceDrained(callback: () => void): void;
}

export interface EventFanoutOptions {
  feed: EventFeed;
  /** Time between heartbeats (an SSE comment), ms. Default 15,000. */
  heartbeatMs?: number;
}

/** Most events in one SSE message: larger batches hold the event loop longer while they are encoded. */
export const MAX_BATCH = 200;
const DEFAULT_HEARTBEAT_MS = 15_000;
const HEARTBEAT = Buffer.from(": ping\n\n");

interface Client {
  sink: EventStreamSink;
  filter: EventStreamFilter;
  /** Tabs with equal keys see the same events: their frames are shared. */
  key: string;
  kinds: ReadonlySet<string> | null;
  pending: EventRecord[];
  /** The id of the last event sent, or the id the tab resumed after; undefined: nothing yet. */
  cursor: number | undefined;
  /** Null while paused (the connection is full) or closed. */
  unsubscribe: (() => void) | null;
  closed: boolean;
}

export class EventFanout {
  readonly #feed: EventFeed;
  readonly #clients = new Set<Client>();
  readonly #heartbeatMs: number;
  #heartbeat: NodeJS.Timeout | null = null;
  #flushScheduled = false;

  constructor(options: EventFanoutOptions) {
    this.#feed = options.feed;
    this.#heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  }

  /** Tabs connected now. */
  get size(): number {
    return this.#clients.size;
  }

  /**
   * Streams matching events after `afterId` (default: from now) to `sink` until the returned function is
   * called (the connection closed).
   */
  attach(sink: EventStreamSink, filter: EventStreamFilter, afterId?: number): () => void {
    const client: Client = {
      sink,
      filter,
      key: filterKey(filter),
      kinds: filter.only ? new Set(filter.only) : null,
      pending: [],
      cursor: afterId,
      unsubscribe: null,
      closed: false,
    };
    this.#clients.add(client);
    this.#subscribe(client);
    this.#startHeartbeat();
    return () => {
      client.closed = true;
      client.unsubscribe?.();
      client.unsubscribe = null;
      client.pending = [];
      this.#clients.delete(client);
      if (this.#clients.size === 0) this.#stopHeartbeat();
    };
  }

  #subscribe(client: Client): void {
    const { runId, planSlug } = client.filter;
    client.unsubscribe = this.#feed(
      (event) => {
        if (client.kinds && !client.kinds.has(event.type.split(".", 1)[0] ?? "")) return;
        client.pending.push(event);
        this.#scheduleFlush();
      },
      {
        ...(runId ? { runId } : {}),
        ...(planSlug ? { planSlug } : {}),
        ...(client.cursor !== undefined ? { afterId: client.cursor } : {}),
      },
    );
  }

  /**
   * One macrotask per round of batches, for every tab at once: the follower hands a whole page to every
   * subscriber synchronously, and encoding and writing waits until it is done, so a page reaches a tab as
   * one message; between rounds the server answers what else is waiting.
   */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = false;
    // Frames of this round, by filter and id range: same filter and same range means the same events.
    const frames = new Map<string, Buffer>();
    let more = false;
    for (const client of this.#clients) {
      if (client.pending.length === 0 || client.unsubscribe === null) continue;
      const batch = client.pending.length <= MAX_BATCH ? client.pending : client.pending.slice(0, MAX_BATCH);
      client.pending = client.pending.length <= MAX_BATCH ? [] : client.pending.slice(MAX_BATCH);
      const first = batch[0];
      const last = batch.at(-1);
      if (first === undefined || last === undefined) continue;
      const frameKey = `${client.key}\n${first.id}\n${last.id}\n${batch.length}`;
      let frame = frames.get(frameKey);
      if (frame === undefined) {
        frame = encodeFrame(batch, last.id);
        frames.set(frameKey, frame);
      }
      client.cursor = last.id;
      if (!client.sink.write(frame)) this.#pause(client);
      else if (client.pending.length > 0) more = true;
    }
    if (more) this.#scheduleFlush();
  }

  /** Stops feeding a full connection; it resumes after its last sent event once the socket drains. */
  #pause(client: Client): void {
    client.unsubscribe?.();
    client.unsubscribe = null;
    client.pending = [];
    client.sink.onceDrained(() => {
      if (!client.closed) this.#subscribe(client);
    });
  }

  #startHeartbeat(): void {
    if (this.#heartbeat) return;
    // Keeps idle connections open through proxies, and finds dead ones (a write to them fails).
    this.#heartbeat = setInterval(() => {
      for (const client of this.#clients) if (client.unsubscribe !== null) client.sink.write(HEARTBEAT);
    }, this.#heartbeatMs);
    this.#heartbeat.unref();
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }
}

function filterKey(filter: EventStreamFilter): string {
  const kinds = filter.only ? [...new Set(filter.only)].sort().join(",") : "*";
  return `${filter.runId ?? "*"}\n${filter.planSlug ?? "*"}\n${kinds}`;
}

/**
 * One SSE message: `{ "events": [...] }` with the id of its last event, which a reconnecting EventSource
 * sends back as `Last-Event-ID` (JSON has no raw newline, so the data is one line).
 */
export function encodeFrame(events: readonly EventRecord[], lastId: number): Buffer {
  return Buffer.from(`id: ${lastId}\ndata: ${JSON.stringify({ events })}\n\n`);
}
