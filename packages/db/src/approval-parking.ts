import type { TaskDefinition, TaskRunStatus } from "@taskloom/core";

/**
 * Where readiness puts a task run that may start: `ready` for the claim, or `waiting` for an approval, which
 * waits for a person and never takes a lease (core's `park` move). Both stores' run creation and release of
 * dependents use these, so an approval never sits in a queue: it is not claimed, counted in a queue's depth,
 * nor given a worker slot.
 */
export const runnableStatusSql = (kindColumn: string): string =>
  `CASE WHEN ${kindColumn} = 'approval' THEN 'waiting' ELSE 'ready' END`;

export const runnableStatus = (
  task: Pick<TaskDefinition, "kind">,
): Extract<TaskRunStatus, "ready" | "waiting"> => (task.kind === "approval" ? "waiting" : "ready");
