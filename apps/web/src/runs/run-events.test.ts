import type { EventRecord } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import {
  applyRunEvents,
  cannotApply,
  detailsChangedBy,
  type LiveRun,
  taskStatusChanges,
} from "./run-events.ts";

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
    { key: "a", status: "ready", attempts: 0, startedAt: null, finishedAt: null, error: null, reason: null },
    {
      key: "b",
      status: "pending",
      attempts: 0,
      startedAt: null,
      finishedAt: null,
      error: null,
      reason: null,
    },
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
    expect(next.tasks[0]).toMatchObject({ key: "a", status: "succeeded", startedAt: 1100, finishedAt: 1500 });
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

describe("attempts, errors and reasons from event data", () => {
  it("applies them without a refetch, and applying the same events twice changes nothing more", () => {
    const events = [
      event({
        type: "task_run.status",
        taskKey: "a",
        toStatus: "running",
        data: { attempt: 1 },
        createdAt: 1100,
      }),
      event({
        type: "task_run.status",
        taskKey: "a",
        toStatus: "retrying",
        data: { attempt: 1, reason: "exit_code", error: "exit code 3" },
        createdAt: 1200,
      }),
      event({ type: "task_run.status", taskKey: "a", toStatus: "ready", createdAt: 1300 }),
      event({
        type: "task_run.status",
        taskKey: "a",
        toStatus: "running",
        data: { attempt: 2 },
        createdAt: 1400,
      }),
      event({
        type: "task_run.status",
        taskKey: "a",
        toStatus: "failed",
        data: { attempt: 2, reason: "exit_code", error: "exit code 4" },
        createdAt: 1500,
      }),
      event({
        type: "task_run.status",
        taskKey: "b",
        toStatus: "blocked",
        data: { reason: "upstream_failed", upstream: "a" },
        createdAt: 1500,
      }),
    ];
    const once = applyRunEvents(run, "r1", events);
    expect(once.tasks[0]).toMatchObject({
      status: "failed",
      attempts: 2,
      error: "exit code 4",
      reason: "exit_code",
      startedAt: 1100,
      finishedAt: 1500,
    });
    expect(once.tasks[1]).toMatchObject({ status: "blocked", reason: "upstream_failed" });
    expect(applyRunEvents(once, "r1", events.slice(3))).toEqual(once);
  });
});

it("refetches only for events it cannot apply", () => {
  const applicable = [
    event({ type: "task_run.status", taskKey: "a", toStatus: "succeeded" }),
    event({ type: "task_run.status", taskKey: "b", toStatus: "failed", data: { attempt: 1 } }),
    event({ type: "run.status", toStatus: "failed" }),
    event({ type: "run.cancel_requested" }),
    event({ type: "plan.updated", runId: null }),
    event({ type: "task_run.status", runId: "other", taskKey: "zz", toStatus: "failed" }),
  ];
  expect(cannotApply(run, "r1", applicable)).toBe(false);
  for (const odd of [
    event({ type: "task_run.status", taskKey: "zz", toStatus: "failed" }),
    event({ type: "task_run.status", taskKey: null, toStatus: "failed" }),
    event({ type: "task_run.status", taskKey: "a", toStatus: "nonsense" as never }),
    event({ type: "run.reshaped" }),
  ]) {
    expect(cannotApply(run, "r1", [odd]), odd.type).toBe(true);
  }
  expect([...detailsChangedBy("r1", applicable).keys()]).toEqual(["a", "b"]);
});

it("extracts task status changes", () => {
  const events = [
    event({ type: "task_run.status", taskKey: "a", toStatus: "running" }),
    event({ type: "plan.updated" }),
    event({ type: "task_run.status", taskKey: "b", toStatus: "nonsense" as never }),
  ];
  expect(taskStatusChanges(events)).toEqual([{ taskKey: "a", status: "running" }]);
});
