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
  /** Attempts so far: events carry the attempt number in `data.attempt`. */
  attempts: number;
  startedAt: number | null;
  finishedAt: number | null;
  error: string | null;
  reason: string | null;
}

/** Event types of a run whose whole meaning this module knows (anything else makes the run refetch). */
const KNOWN_RUN_EVENTS: ReadonlySet<string> = new Set([
  "task_run.status",
  "run.status",
  "run.created",
  "run.cancel_requested",
]);

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

function numberIn(data: Record<string, unknown> | null, field: string): number | undefined {
  const value = data?.[field];
  return typeof value === "number" && Number.isSafeInteger(value) ? value : undefined;
}

function textIn(data: Record<string, unknown> | null, field: string): string | undefined {
  const value = data?.[field];
  return typeof value === "string" ? value : undefined;
}

/**
 * Applies a batch of events to a cached run (react-query data), returning a new object when something
 * changed and the same one otherwise. Statuses, times, attempt numbers, errors and reasons come from the
 * events, so the graph and the timeline move without a refetch; outputs, exit codes and the attempt history
 * do not travel in events (see `detailsChangedBy`). Applying an event twice changes nothing more.
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
      const attempt = numberIn(event.data, "attempt");
      if (attempt !== undefined) next.attempts = Math.max(task.attempts, attempt);
      const error = textIn(event.data, "error");
      if (error !== undefined) next.error = error;
      const reason = textIn(event.data, "reason");
      if (reason !== undefined) next.reason = reason;
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
 * Whether a batch holds an event of this run that `applyRunEvents` cannot apply to `run`: a task the cached
 * run does not have, a status it does not know, an event type it does not know. Only then is the whole run
 * refetched (and when the stream reconnects, having missed events).
 */
export function cannotApply(run: LiveRun, runId: string, events: readonly EventRecord[]): boolean {
  let keys: Set<string> | null = null;
  for (const event of events) {
    if (event.runId !== runId) continue;
    if (!KNOWN_RUN_EVENTS.has(event.type)) return true;
    if (event.type === "run.status" && !isRunStatus(event.toStatus)) return true;
    if (event.type !== "task_run.status") continue;
    if (event.taskKey === null || !isTaskRunStatus(event.toStatus)) return true;
    keys ??= new Set(run.tasks.map((task) => task.key));
    if (!keys.has(event.taskKey)) return true;
  }
  return false;
}

/**
 * The tasks of this run whose outputs, exit code or attempt history changed in a batch (they started,
 * finished or are retrying): events do not carry those, so the details panel fetches them when it shows
 * one of these tasks, instead of the monitor refetching the run for every finished task.
 */
export function detailsChangedBy(runId: string, events: readonly EventRecord[]): Map<string, number> {
  const changed = new Map<string, number>();
  for (const event of events) {
    if (event.runId !== runId || event.type !== "task_run.status" || event.taskKey === null) continue;
    const to = event.toStatus;
    if (to === "running" || to === "retrying" || (isTaskRunStatus(to) && isFinishedTaskStatus(to))) {
      changed.set(event.taskKey, event.id);
    }
  }
  return changed;
}
