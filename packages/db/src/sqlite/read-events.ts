import type { EventRecord, RunStatus, TaskRunStatus } from "@taskloom/core";
import type { SqliteDatabase } from "./open-sqlite-database.ts";

interface EventRow {
  id: number;
  type: string;
  run_id: string | null;
  task_run_id: number | null;
  task_key: string | null;
  from_status: string | null;
  to_status: string | null;
  data_json: string | null;
  created_at: number;
}

/** Reads the event log after a given id: the source of live streams (resumable by last id). */
export function prepareReadEvents(db: SqliteDatabase) {
  const after = db.prepare<[number, number], EventRow>(
    "SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?",
  );
  const afterOfRun = db.prepare<[string, number, number], EventRow>(
    "SELECT * FROM events WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?",
  );
  const last = db.prepare<[], { id: number | null }>("SELECT max(id) AS id FROM events");
  return {
    readEvents(input: { afterId: number; runId?: string; limit: number }): EventRecord[] {
      const rows = input.runId
        ? afterOfRun.all(input.runId, input.afterId, input.limit)
        : after.all(input.afterId, input.limit);
      return rows.map(toEventRecord);
    },
    lastEventId(): number {
      return last.get()?.id ?? 0;
    },
  };
}

function toEventRecord(row: EventRow): EventRecord {
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
