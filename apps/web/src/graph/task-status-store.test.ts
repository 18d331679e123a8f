import { expect, it } from "vitest";
import { createTaskStatusStore } from "./task-status-store.ts";

it("applies a batch in one update and keeps state identity when nothing changes", () => {
  const store = createTaskStatusStore({ a: "pending", b: "pending" });
  let updates = 0;
  store.subscribe(() => {
    updates += 1;
  });
  store.getState().apply([
    { taskKey: "a", status: "ready" },
    { taskKey: "a", status: "running" },
    { taskKey: "b", status: "ready" },
  ]);
  expect(updates).toBe(1);
  expect(store.getState().statuses).toEqual({ a: "running", b: "ready" });

  const before = store.getState().statuses;
  store.getState().apply([{ taskKey: "a", status: "running" }]);
  expect(store.getState().statuses).toBe(before);
});
