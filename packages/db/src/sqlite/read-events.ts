import type { EventRecord } from "@taskloom/core";
import { type EventRow, toEventRecord } from "../event-row.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";

type Row = EventRow<number>;

/** Reads the event log after a given id: the source of live streams (resumable by last id). */
export function prepareReadEvents(db: SqliteDatabase) {
  const after = db.prepare<[number, number], Row>("SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?");
  const afterOfRun = db.prepare<[string, number, number], Row>(
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
