import { describe, expect, it } from "vitest";
import { pickClaimable, queueRoom } from "./queue-capacity.ts";

describe("queue capacity", () => {
  it("gives paused queues no room, limited ones what is left, and leaves unlimited ones out", () => {
    const running: Record<string, number> = { gpu: 1, slow: 5, paused: 0 };
    const room = queueRoom(
      [
        { name: "gpu", concurrency: 2, paused: false },
        { name: "slow", concurrency: 3, paused: false },
        { name: "paused", concurrency: null, paused: true },
        { name: "free", concurrency: null, paused: false },
      ],
      (name) => running[name] ?? 0,
    );
    expect(Object.fromEntries(room)).toEqual({ gpu: 1, slow: 0, paused: 0 });
  });

  it("takes candidates in order within the limit, the room and the worker's queues", () => {
    const candidates = ["gpu", "gpu", "cpu", "io", "cpu", "cpu"].map((queue, id) => ({
      id,
      queue,
      concurrencyKey: null,
      concurrencyLimit: null,
    }));
    const room = new Map([["gpu", 1]]);
    const taken = pickClaimable(candidates, { limit: 3, room, allowedQueues: new Set(["gpu", "cpu"]) });
    expect(taken.map((c) => c.id)).toEqual([0, 2, 4]);
    expect(room.get("gpu")).toBe(1);
  });

  it("keeps at most the limit of each concurrency key running, counting those it takes, in order", () => {
    const keyed = (id: number, key: string | null, limit: number | null = null) => ({
      id,
      queue: "default",
      concurrencyKey: key,
      concurrencyLimit: limit,
    });
    const candidates = [
      keyed(0, "deploy:prod", 1),
      keyed(1, "deploy:prod", 1),
      keyed(2, "tenant-a", 2),
      keyed(3, null),
      keyed(4, "tenant-a", 2),
      keyed(5, "tenant-a", 2),
    ];
    const keyRunning = new Map([["tenant-a", 1]]);
    const taken = pickClaimable(candidates, { limit: 10, room: new Map(), allowedQueues: null, keyRunning });
    expect(taken.map((c) => c.id)).toEqual([0, 2, 3]);
    expect(keyRunning.get("tenant-a")).toBe(1);
  });

  it("does not spend a queue's room on a candidate its key holds back", () => {
    const candidates = [
      { id: 0, queue: "gpu", concurrencyKey: "busy", concurrencyLimit: 1 },
      { id: 1, queue: "gpu", concurrencyKey: null, concurrencyLimit: null },
    ];
    const taken = pickClaimable(candidates, {
      limit: 5,
      room: new Map([["gpu", 1]]),
      allowedQueues: null,
      keyRunning: new Map([["busy", 1]]),
    });
    expect(taken.map((c) => c.id)).toEqual([1]);
  });
});
