import type { EventRecord, TaskRunStatus } from "@taskloom/core";

export interface TaskProgress {
  key: string;
  status: TaskRunStatus;
  attempt: number;
  /** When the current attempt started (epoch ms), while running. */
  runningSince: number | null;
}

const DONE: readonly TaskRunStatus[] = ["succeeded", "failed", "cancelled", "blocked", "skipped"];

/** The run's state as the event stream tells it; both progress renderers read it. */
export class RunProgress {
  readonly tasks = new Map<string, TaskProgress>();
  readonly startedAt: number;

  /** `initial`: the run's task runs in plan order with their current status (a resumed run is part done). */
  constructor(initial: { key: string; status: TaskRunStatus; attempts: number }[], startedAt: number) {
    this.startedAt = startedAt;
    for (const task of initial) {
      this.tasks.set(task.key, {
        key: task.key,
        status: task.status,
        attempt: task.attempts,
        runningSince: null,
      });
    }
  }

  /** Applies an event; returns the task it changed, if any. */
  apply(event: EventRecord): TaskProgress | null {
    if (event.type !== "task_run.status" || !event.taskKey || !event.toStatus) return null;
    const task = this.tasks.get(event.taskKey);
    if (!task) return null;
    task.status = event.toStatus as TaskRunStatus;
    const attempt = event.data?.attempt;
    if (typeof attempt === "number") task.attempt = attempt;
    task.runningSince = task.status === "running" ? event.createdAt : null;
    return task;
  }

  get total(): number {
    return this.tasks.size;
  }

  get done(): number {
    let count = 0;
    for (const task of this.tasks.values()) if (DONE.includes(task.status)) count++;
    return count;
  }

  running(): TaskProgress[] {
    return [...this.tasks.values()].filter((task) => task.status === "running");
  }
}
