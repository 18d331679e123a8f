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
    const candidates = ["gpu", "gpu", "cpu", "io", "cpu", "cpu"].map((queue, id) => ({ id, queue }));
    const room = new Map([["gpu", 1]]);
    const taken = pickClaimable(candidates, { limit: 3, room, allowedQueues: new Set(["gpu", "cpu"]) });
    expect(taken.map((c) => c.id)).toEqual([0, 2, 4]);
    expect(room.get("gpu")).toBe(1);
  });
});
