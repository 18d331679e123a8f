import type { EventRecord } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import { applyRunEvents, type LiveRun, needsRefetch, taskStatusChanges } from "./run-events.ts";

let nextId = 1;
function event(partial: Partial<EventRecord> & Pick<EventRecord, "type">): EventRecord {
  return {
    id: nextId++,
    runId: "r1",
    taskRunId: null,
    taskKey: null,
    fromStatus: null,
    toStatus: null,
    data: null,
    createdAt: 1000,
    ...partial,
  };
}

const run: LiveRun = {
  status: "queued",
  startedAt: null,
  finishedAt: null,
  counts: { ready: 1, pending: 1 },
  tasks: [
    { key: "a", status: "ready", startedAt: null, finishedAt: null },
    { key: "b", status: "pending", startedAt: null, finishedAt: null },
  ],
};

describe("applyRunEvents", () => {
  it("moves task and run statuses and times from the events", () => {
    const next = applyRunEvents(run, "r1", [
      event({ type: "run.status", toStatus: "running", createdAt: 1000 }),
      event({ type: "task_run.status", taskKey: "a", toStatus: "running", createdAt: 1100 }),
      event({ type: "task_run.status", taskKey: "a", toStatus: "succeeded", createdAt: 1500 }),
      event({ type: "task_run.status", taskKey: "b", toStatus: "ready", createdAt: 1500 }),
    ]);
    expect(next.status).toBe("running");
    expect(next.startedAt).toBe(1000);
    expect(next.tasks[0]).toEqual({ key: "a", status: "succeeded", startedAt: 1100, finishedAt: 1500 });
    expect(next.tasks[1]?.status).toBe("ready");
    expect(next.counts).toEqual({ succeeded: 1, ready: 1 });
    // The cached object is not mutated: react-query compares by identity.
    expect(run.tasks[0]?.status).toBe("ready");
  });

  it("ignores other runs' events and returns the same object when nothing changed", () => {
    const same = applyRunEvents(run, "r1", [
      event({ type: "task_run.status", runId: "r2", taskKey: "a", toStatus: "failed" }),
    ]);
    expect(same).toBe(run);
  });

  it("records the finish of the run", () => {
    const next = applyRunEvents({ ...run, status: "running", startedAt: 900 }, "r1", [
      event({ type: "run.status", toStatus: "failed", createdAt: 2000 }),
    ]);
    expect(next).toMatchObject({ status: "failed", startedAt: 900, finishedAt: 2000 });
  });
});

it("extracts task status changes and knows when details need a refetch", () => {
  const events = [
    event({ type: "task_run.status", taskKey: "a", toStatus: "running" }),
    event({ type: "plan.updated" }),
    event({ type: "task_run.status", taskKey: "b", toStatus: "nonsense" as never }),
  ];
  expect(taskStatusChanges(events)).toEqual([{ taskKey: "a", status: "running" }]);
  expect(needsRefetch(events)).toBe(false);
  expect(needsRefetch([event({ type: "task_run.status", taskKey: "a", toStatus: "failed" })])).toBe(true);
});
