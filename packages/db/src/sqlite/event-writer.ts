import type { RunStatus, TaskRunStatus } from "@taskloom/core";
import type { SqliteDatabase } from "./open-sqlite-database.ts";

export interface EventInput {
  type:
    | "task_run.status"
    | "run.status"
    | "run.created"
    | "plan.imported"
    | "plan.updated"
    | "run.cancel_requested"
    | "task_run.queue_changed"
    | "task_run.rescheduled"
    | "operator.action"
    | "task_run.cache"
    /** A sweep group's `itemsFrom` upstream succeeded and its points were inserted. */
    | "task_run.sweep";
  runId: string | null;
  taskRunId?: number | null;
  taskKey?: string | null;
  from?: TaskRunStatus | RunStatus | null;
  to?: TaskRunStatus | RunStatus | null;
  data?: Record<string, unknown> | null;
  at: number;
}

/** Prepares the one INSERT every state change shares. Call it inside the transaction of that change. */
export function prepareEventWriter(db: SqliteDatabase): (event: EventInput) => void {
  const insert = db.prepare(
    `INSERT INTO events (type, run_id, task_run_id, task_key, from_status, to_status, data_json, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return (event) => {
    insert.run(
      event.type,
      event.runId,
      event.taskRunId ?? null,
      event.taskKey ?? null,
      event.from ?? null,
      event.to ?? null,
      event.data ? JSON.stringify(event.data) : null,
      event.at,
    );
  };
}
