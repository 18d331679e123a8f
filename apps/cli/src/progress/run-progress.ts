import type { EventRecord, TaskRunStatus } from "@taskloom/core";

export interface TaskProgress {
  key: string;
  status: TaskRunStatus;
  attempt: number;
  /** When the current attempt started (epoch ms), while running. */
  runningSince: number | null;
  /** Why the last attempt failed, from its event; null until one did. */
  error: string | null;
}

/** A sweep point's task key: `<task>[<index>]` (see core's `pointTaskKey`). */
const POINT_KEY = /\[\d+\]$/;
const DONE: ReadonlySet<TaskRunStatus> = new Set(["succeeded", "failed", "cancelled", "blocked", "skipped"]);

/**
 * The run's state as the event stream tells it; both progress renderers read it. Counts are kept as events
 * arrive, so applying an event and reading `done`, `counts` or `running()` cost O(1) per event (a 20,000-task
 * run sends 40,000 events; a scan per event made progress quadratic).
 */
export class RunProgress {
  readonly tasks = new Map<string, TaskProgress>();
  readonly startedAt: number;
  /** Task runs per status, statuses with none left out. */
  readonly counts = new Map<TaskRunStatus, number>();
  readonly #running = new Map<string, TaskProgress>();
  #done = 0;

  /** `initial`: the run's task runs in plan order with their current status (a resumed run is part done). */
  constructor(
    initial: { key: string; status: TaskRunStatus; attempts: number; error?: string | null }[],
    startedAt: number,
  ) {
    this.startedAt = startedAt;
    for (const task of initial) {
      const progress: TaskProgress = {
        key: task.key,
        status: task.status,
        attempt: task.attempts,
        runningSince: null,
        error: task.error ?? null,
      };
      this.tasks.set(task.key, progress);
      this.#count(progress, 1);
    }
  }

  /** Applies an event; returns the task it changed, if any. */
  apply(event: EventRecord): TaskProgress | null {
    if (event.type !== "task_run.status" || !event.taskKey || !event.toStatus) return null;
    const task = this.tasks.get(event.taskKey) ?? this.#addPoint(event);
    if (!task) return null;
    this.#count(task, -1);
    task.status = event.toStatus as TaskRunStatus;
    const attempt = event.data?.attempt;
    if (typeof attempt === "number") task.attempt = attempt;
    task.runningSince = task.status === "running" ? event.createdAt : null;
    const error = event.data?.error;
    if (typeof error === "string") task.error = error;
    this.#count(task, 1);
    return task;
  }

  /** A sweep point (`train[3]`) is not in the plan: it is counted from its first event on. */
  #addPoint(event: EventRecord): TaskProgress | undefined {
    if (!event.taskKey || !POINT_KEY.test(event.taskKey)) return undefined;
    const point: TaskProgress = {
      key: event.taskKey,
      status: (event.fromStatus as TaskRunStatus | null) ?? "pending",
      attempt: 0,
      runningSince: null,
      error: null,
    };
    this.tasks.set(point.key, point);
    this.#count(point, 1);
    return point;
  }

  #count(task: TaskProgress, delta: 1 | -1): void {
    const next = (this.counts.get(task.status) ?? 0) + delta;
    if (next === 0) this.counts.delete(task.status);
    else this.counts.set(task.status, next);
    if (DONE.has(task.status)) this.#done += delta;
    if (task.status === "running") {
      if (delta > 0) this.#running.set(task.key, task);
      else this.#running.delete(task.key);
    }
  }

  get total(): number {
    return this.tasks.size;
  }

  get done(): number {
    return this.#done;
  }

  /** The running tasks, longest-running first (in the order they started). */
  running(): TaskProgress[] {
    return [...this.#running.values()];
  }

  get runningCount(): number {
    return this.#running.size;
  }
}
