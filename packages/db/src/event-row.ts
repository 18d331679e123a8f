import type { EventRecord, RunStatus, TaskRunStatus } from "@taskloom/core";

/** A row of the `events` table as both providers' drivers return it; `Time` is how the driver gives times. */
export interface EventRow<Time> {
  id: number;
  type: string;
  run_id: string | null;
  task_run_id: number | null;
  task_key: string | null;
  from_status: string | null;
  to_status: string | null;
  data_json: string | null;
  created_at: Time;
}

/** An event row as the ports hand it out; `createdAt` is epoch ms on every provider. */
export function toEventRecord(row: EventRow<number>): EventRecord {
  return {
    id: row.id,
    type: row.type,
    runId: row.run_id,
    taskRunId: row.task_run_id,
    taskKey: row.task_key,
    fromStatus: row.from_status as TaskRunStatus | RunStatus | null,
    toStatus: row.to_status as TaskRunStatus | RunStatus | null,
    data: row.data_json === null ? null : (JSON.parse(row.data_json) as Record<string, unknown>),
    createdAt: row.created_at,
  };
}
