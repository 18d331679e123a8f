import type { EventRecord, TaskRunStatus } from "@taskloom/core";

/** Each task run's last status in a run's event log, by task key: what the contract cases observe. */
export function latestStatuses(events: readonly EventRecord[]): Record<string, TaskRunStatus> {
  const seen: Record<string, TaskRunStatus> = {};
  for (const e of events) {
    if (e.type === "task_run.status" && e.taskKey) seen[e.taskKey] = e.toStatus as TaskRunStatus;
  }
  return seen;
}
