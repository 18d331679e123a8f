import type { EventRecord } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import { EventFanout, type EventFeed, type EventStreamSink, MAX_BATCH } from "./event-fanout.ts";

/** An event log with the follower's delivery rules: backlog after `afterId`, then live, in id order. */
class FakeLog {
  readonly events: EventRecord[] = [];
  readonly subscriptions: { afterId: number | undefined; active: boolean }[] = [];
  #listeners = new Set<{ listener: (event: EventRecord) => void; runId?: string }>();

  feed: EventFeed = (listener, filter) => {
    const record = { afterId: filter.afterId, active: true };
    this.subscriptions.push(record);
    const entry = { listener, ...(filter.runId ? { runId: filter.runId } : {}) };
    for (const event of this.events) {
      if (filter.afterId !== undefined && event.id > filter.afterId && this.#wants(entry, event))
        listener(event);
    }
    this.#listeners.add(entry);
    return () => {
      record.active = false;
      this.#listeners.delete(entry);
    };
  };

  append(count: number, type = "task_run.status", runId = "r1"): void {
    for (let i = 0; i < count; i++) {
      const event: EventRecord = {
        id: this.events.length + 1,
        type,
        runId,
        taskRunId: null,
        taskKey: null,
        fromStatus: null,
        toStatus: null,
        data: null,
        createdAt: 0,
      };
      this.events.push(event);
      for (const entry of this.#listeners) if (this.#wants(entry, event)) entry.listener(event);
    }
  }

  #wants(entry: { runId?: string }, event: EventRecord): boolean {
    return entry.runId === undefined || entry.runId === event.runId;
  }
}

/** A connection that records what it was sent; `full` makes it report a full buffer until `drain()`. */
class RecordingSink implements EventStreamSink {
  readonly frames: Buffer[] = [];
  full = false;
  #drained: (() => void) | null = null;

  write(frame: Buffer): boolean {
    this.frames.push(frame);
    return !this.full;
  }

  onceDrained(callback: () => void): void {
    this.#drained = callback;
  }

  drain(): void {
    this.full = false;
    const callback = this.#drained;
    this.#drained = null;
    callback?.();
  }

  /** The event ids of every message, in the order they were sent. */
  ids(): number[] {
    return this.messages().flatMap((message) => message.events.map((event) => event.id));
  }

  messages(): { id: number; events: EventRecord[] }[] {
    return this.frames
      .map((frame) => frame.toString())
      .filter((text) => text.startsWith("id: "))
      .map((text) => {
        const [idLine, dataLine] = text.split("\n");
        return {
          id: Number(idLine?.slice(4)),
          events: (JSON.parse(dataLine?.slice(6) ?? "null") as { events: EventRecord[] }).events,
        };
      });
  }
}

const nextRound = () => new Promise<void>((resolve) => setImmediate(resolve));
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await nextRound();
}

describe("EventFanout", () => {
  it("encodes a batch once for every tab with the same filter, as one SSE message per wake-up", async () => {
    const log = new FakeLog();
    const fanout = new EventFanout({ feed: log.feed });
    const tabs = [new RecordingSink(), new RecordingSink(), new RecordingSink()];
    for (const tab of tabs) fanout.attach(tab, { runId: "r1" }, 0);
    log.append(5);
    await settle();
    for (const tab of tabs) {
      expect(tab.messages()).toHaveLength(1);
      expect(tab.messages()[0]?.id).toBe(5);
      expect(tab.ids()).toEqual([1, 2, 3, 4, 5]);
    }
    // The very same bytes, not three encodings of them.
    expect(tabs[1]?.frames[0]).toBe(tabs[0]?.frames[0]);
    expect(tabs[2]?.frames[0]).toBe(tabs[0]?.frames[0]);
  });

  it("splits a burst into messages of at most MAX_BATCH events, in id order", async () => {
    const log = new FakeLog();
    const fanout = new EventFanout({ feed: log.feed });
    const tab = new RecordingSink();
    fanout.attach(tab, {}, 0);
    log.append(MAX_BATCH * 2 + 7);
    await settle();
    expect(tab.messages().map((message) => message.events.length)).toEqual([MAX_BATCH, MAX_BATCH, 7]);
    expect(tab.ids()).toEqual(log.events.map((event) => event.id));
  });

  it("sends a tab only the kinds of events it asked for", async () => {
    const log = new FakeLog();
    const fanout = new EventFanout({ feed: log.feed });
    const lists = new RecordingSink();
    const monitor = new RecordingSink();
    fanout.attach(lists, { only: ["run"] }, 0);
    fanout.attach(monitor, {}, 0);
    log.append(2);
    log.append(1, "run.status");
    await settle();
    expect(lists.messages().map((message) => message.events.map((event) => event.type))).toEqual([
      ["run.status"],
    ]);
    expect(monitor.ids()).toEqual([1, 2, 3]);
  });

  it("pauses a full connection and, once it drains, resumes after its last event with nothing lost", async () => {
    const log = new FakeLog();
    const fanout = new EventFanout({ feed: log.feed });
    const slow = new RecordingSink();
    const fast = new RecordingSink();
    fanout.attach(slow, {}, 0);
    fanout.attach(fast, {}, 0);
    slow.full = true;
    log.append(3);
    await settle();
    // The slow tab was sent its batch, then its subscription was dropped: nothing piles up for it.
    expect(slow.ids()).toEqual([1, 2, 3]);
    expect(log.subscriptions[0]?.active).toBe(false);
    log.append(4);
    await settle();
    expect(fast.ids()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(slow.ids()).toEqual([1, 2, 3]);

    slow.drain();
    await settle();
    expect(log.subscriptions.at(-1)).toEqual({ afterId: 3, active: true });
    expect(slow.ids()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    log.append(1);
    await settle();
    expect(slow.ids()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("stops feeding a tab once it is detached", async () => {
    const log = new FakeLog();
    const fanout = new EventFanout({ feed: log.feed });
    const tab = new RecordingSink();
    const detach = fanout.attach(tab, {}, 0);
    log.append(1);
    await settle();
    detach();
    log.append(1);
    await settle();
    expect(tab.ids()).toEqual([1]);
    expect(log.subscriptions[0]?.active).toBe(false);
    expect(fanout.size).toBe(0);
  });

  it("sends idle tabs a heartbeat comment", async () => {
    const log = new FakeLog();
    const fanout = new EventFanout({ feed: log.feed, heartbeatMs: 5 });
    const tab = new RecordingSink();
    const detach = fanout.attach(tab, {});
    await expect.poll(() => tab.frames.map((frame) => frame.toString())).toContain(": ping\n\n");
    detach();
  });
});
