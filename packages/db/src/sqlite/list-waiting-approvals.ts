import type { WaitingApproval } from "@taskloom/core";
import { WAITING_APPROVAL_COLUMNS, type WaitingApprovalRow, waitingApprovalOf } from "../approval-rows.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";

/**
 * Waiting approvals (of one run), oldest first. A seek on the `(status, …)` index: only waiting rows are
 * read, and there are as many as people have not decided yet.
 */
export function prepareListWaitingApprovals(
  db: SqliteDatabase,
): (filter?: { runId?: string }) => WaitingApproval[] {
  const query = db.prepare<{ runId: string | null }, WaitingApprovalRow>(
    `SELECT ${WAITING_APPROVAL_COLUMNS}
       FROM task_runs t JOIN runs r ON r.id = t.run_id JOIN plans p ON p.id = r.plan_id
      WHERE t.status = 'waiting' AND (@runId IS NULL OR t.run_id = @runId)
      ORDER BY t.available_at, t.id`,
  );
  return (filter = {}) => query.all({ runId: filter.runId ?? null }).map(waitingApprovalOf);
}
