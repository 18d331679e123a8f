import { describe, expect, it } from "vitest";
import { failure, useTestApi } from "./test-api.ts";

const test = useTestApi("queues-router", (api) =>
  api.plans.import({
    text: "plan: demo\ntasks:\n  a: { kind: noop, priority: 1 }\n  b: { kind: noop, concurrencyKey: deploy, concurrencyLimit: 2 }\n",
  }),
);

describe("queues router", () => {
  it("lists depth, peeks with priorities and keys, moves, reschedules, cancels, pauses and resumes", async () => {
    const { api, taskloom } = test;
    const { runId } = await taskloom.startRun("demo");
    expect((await api.queues.list()).map((q) => [q.name, q.ready, q.running])).toEqual([["default", 2, 0]]);
    const peeked = await api.queues.peek({ queue: "default" });
    expect(
      peeked.map((run) => [run.taskKey, run.priority, run.concurrencyKey, run.concurrencyLimit]),
    ).toEqual([
      ["a", 1, null, null],
      ["b", 0, "deploy", 2],
    ]);
    const [a, b] = peeked;
    expect(await api.queues.move({ selection: { taskRunIds: [a?.id ?? 0] }, toQueue: "slow" })).toEqual({
      moved: [a?.id],
    });
    expect(
      (await api.queues.reschedule({ selection: { runId, queue: "default" }, to: { delayMs: 60_000 } }))
        .rescheduled,
    ).toEqual([b?.id]);
    expect((await api.queues.peek({ queue: "default", limit: 1 }))[0]?.notBefore).toBeGreaterThan(0);
    expect((await api.queues.pause({ queue: "slow" })).paused).toBe(true);
    expect((await api.queues.resume({ queue: "slow" })).paused).toBe(false);
    expect(await api.queues.cancel({ selection: { queue: "slow" } })).toEqual({ cancelled: [a?.id] });
  });

  it("answers bad input with BAD_REQUEST and a clear message", async () => {
    const { api } = test;
    expect(await failure(api.queues.cancel({ selection: {} }))).toEqual({
      code: "BAD_REQUEST",
      message: "select queued task runs by queue, plan, run or task run ids",
    });
    expect((await failure(api.queues.peek({ queue: "default", limit: 10_000 }))).code).toBe("BAD_REQUEST");
    expect((await failure(api.queues.move({ selection: { queue: "default" }, toQueue: "  " }))).code).toBe(
      "BAD_REQUEST",
    );
    const badDelay = api.queues.reschedule({ selection: { queue: "default" }, to: { delayMs: -1 } });
    expect((await failure(badDelay)).code).toBe("BAD_REQUEST");
  });
});
