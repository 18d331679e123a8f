import {
  type EventRecord,
  RUN_STATUSES,
  type RunStatus,
  TASK_RUN_STATUSES,
  type TaskRunStatus,
} from "@taskloom/core";
import { isFinishedRunStatus, isFinishedTaskStatus } from "../graph/run-progress.ts";
import type { TaskStatusChange } from "../graph/task-status-store.ts";

/** The part of a run the live stream can keep current without a refetch. */
export interface LiveRun {
  status: RunStatus;
  startedAt: number | null;
  finishedAt: number | null;
  counts: Partial<Record<TaskRunStatus, number>>;
  tasks: LiveTaskRun[];
}

export interface LiveTaskRun {
  key: string;
  status: TaskRunStatus;
  startedAt: number | null;
  finishedAt: number | null;
}

const taskStatuses: ReadonlySet<string> = new Set(TASK_RUN_STATUSES);
const runStatuses: ReadonlySet<string> = new Set(RUN_STATUSES);

function isTaskRunStatus(value: unknown): value is TaskRunStatus {
  return typeof value === "string" && taskStatuses.has(value);
}

function isRunStatus(value: unknown): value is RunStatus {
  return typeof value === "string" && runStatuses.has(value);
}

/** The task status changes carried by a batch of events, in order. */
export function taskStatusChanges(events: readonly EventRecord[]): TaskStatusChange[] {
  const changes: TaskStatusChange[] = [];
  for (const event of events) {
    if (event.type === "task_run.status" && event.taskKey !== null && isTaskRunStatus(event.toStatus)) {
      changes.push({ taskKey: event.taskKey, status: event.toStatus });
    }
  }
  return changes;
}

/**
 * Applies a batch of events to a cached run (react-query data), returning a new object when something
 * changed and the same one otherwise. Times come from the events, so the timeline moves without a refetch;
 * attempts, outputs and exit codes come from the refetch that finished tasks trigger.
 */
export function applyRunEvents<T extends LiveRun>(run: T, runId: string, events: readonly EventRecord[]): T {
  let status = run.status;
  let startedAt = run.startedAt;
  let finishedAt = run.finishedAt;
  let tasks: LiveTaskRun[] | null = null;
  let index: Map<string, number> | null = null;

  for (const event of events) {
    if (event.runId !== runId) continue;
    if (event.type === "run.status" && isRunStatus(event.toStatus)) {
      status = event.toStatus;
      if (status === "running") {
        startedAt ??= event.createdAt;
        finishedAt = null;
      } else if (isFinishedRunStatus(status)) {
        finishedAt = event.createdAt;
      }
    } else if (
      event.type === "task_run.status" &&
      event.taskKey !== null &&
      isTaskRunStatus(event.toStatus)
    ) {
      tasks ??= run.tasks.slice();
      index ??= new Map(tasks.map((task, at) => [task.key, at]));
      const at = index.get(event.taskKey);
      const task = at === undefined ? undefined : tasks[at];
      if (at === undefined || task === undefined) continue;
      const next: LiveTaskRun = { ...task, status: event.toStatus };
      if (event.toStatus === "running") {
        next.startedAt = task.startedAt ?? event.createdAt;
        next.finishedAt = null;
      } else if (isFinishedTaskStatus(event.toStatus)) {
        next.finishedAt = event.createdAt;
      } else if (event.toStatus === "ready" || event.toStatus === "pending") {
        // An operator retry re-opens the task: its previous finish no longer describes it.
        next.finishedAt = null;
      }
      tasks[at] = next;
    }
  }

  if (
    tasks === null &&
    status === run.status &&
    startedAt === run.startedAt &&
    finishedAt === run.finishedAt
  ) {
    return run;
  }
  const nextTasks = (tasks ?? run.tasks) as T["tasks"];
  return { ...run, status, startedAt, finishedAt, tasks: nextTasks, counts: countStatuses(nextTasks) };
}

export function countStatuses(
  tasks: readonly { status: TaskRunStatus }[],
): Partial<Record<TaskRunStatus, number>> {
  const counts: Partial<Record<TaskRunStatus, number>> = {};
  for (const task of tasks) counts[task.status] = (counts[task.status] ?? 0) + 1;
  return counts;
}

/**
 * Whether a batch holds news that the cached run cannot show from the events alone (attempt history,
 * outputs, exit codes, a run created or retried): then the run is refetched, at most once per batch.
 */
export function needsRefetch(events: readonly EventRecord[]): boolean {
  return events.some(
    (event) =>
      (event.type === "task_run.status" &&
        isTaskRunStatus(event.toStatus) &&
        (isFinishedTaskStatus(event.toStatus) || event.toStatus === "retrying")) ||
      event.type === "run.status" ||
      event.type === "run.cancel_requested",
  );
}
