import type { WaitingApproval } from "@taskloom/core";
import { WAITING_APPROVAL_COLUMNS, type WaitingApprovalRow, waitingApprovalOf } from "../approval-rows.ts";
import type { Queryable } from "./transaction.ts";

/** Waiting approvals (of one run), oldest first: the twin of sqlite/list-waiting-approvals.ts. */
export async function listWaitingApprovals(
  client: Queryable,
  filter: { runId?: string } = {},
): Promise<WaitingApproval[]> {
  const { rows } = await client.query<WaitingApprovalRow>(
    `SELECT ${WAITING_APPROVAL_COLUMNS}
       FROM task_runs t JOIN runs r ON r.id = t.run_id JOIN plans p ON p.id = r.plan_id
      WHERE t.status = 'waiting' AND ($1::text IS NULL OR t.run_id = $1)
      ORDER BY t.available_at, t.id`,
    [filter.runId ?? null],
  );
  return rows.map(waitingApprovalOf);
}
