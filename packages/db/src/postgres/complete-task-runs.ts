import {
  type AttemptResult,
  type CompletionBatchResult,
  type FailureReason,
  type RunStatus,
  statusAfterFailure,
} from "@taskloom/core";
import { holdsLease, type MoveFields, type TaskRunStateRow } from "../task-run-move.ts";
import { recordCacheUses } from "./record-cache-use.ts";
import {
  blockDependents,
  finalizeRunIfDone,
  movableRow,
  moveTaskRuns,
  releaseDependents,
} from "./task-run-transitions.ts";
import { at, type Queryable } from "./transaction.ts";

type CurrentRow = TaskRunStateRow;

/** How an attempt ended, as its `task_attempts` row records it. */
type MoveTo = "succeeded" | "cancelled" | "retrying" | "failed";

interface AttemptEnd {
  taskRunId: number;
  attempt: number;
  status: "succeeded" | "failed" | "cancelled";
  exitCode: number | null;
  error: string | null;
  reason: FailureReason | null;
}

/**
 * Complete, the PostgreSQL twin of sqlite/complete-task-runs.ts: records a batch of attempt results in the
 * caller's transaction, a handful of statements for the whole batch.
 * - The task runs are locked (id order) and the lease checked, owner + attempt: a worker whose lease was lost
 *   and taken back records nothing, so each attempt has at most one recorded completion. A reclaim that
 *   holds the row is waited for, then its result is seen.
 * - Successes store their output and release their dependents (readiness counters, same transaction).
 * - A failure goes `retrying` or `failed` as `statusAfterFailure` (core) decides; a final one blocks every
 *   transitive dependent.
 * - Then every run touched is finalized if nothing in it can run any more (core's `finalRunStatus`), in run
 *   id order, so that two batches touching the same runs lock them in the same order; a run in which the
 *   batch itself opened a task run is skipped (it cannot have ended).
 */
export async function completeTaskRuns(
  client: Queryable,
  results: AttemptResult[],
  now: number,
): Promise<CompletionBatchResult> {
  const { rows } = await client.query<CurrentRow>(
    `SELECT id, run_id, task_key, status, attempt, max_attempts, lease_owner FROM task_runs
      WHERE id = ANY($1::int[]) ORDER BY id FOR NO KEY UPDATE`,
    [results.map((result) => result.taskRunId)],
  );
  const current = new Map(rows.map((row) => [row.id, row]));
  const recorded: number[] = [];
  const stale: number[] = [];
  const touchedRuns = new Set<string>();
  const outputs: { id: number; exitCode: number | null; text: string | null; json: string | null }[] = [];
  const retries: { id: number; at: number }[] = [];
  const finals: CurrentRow[] = [];
  const moves = new Map<MoveTo, { row: CurrentRow; fields: MoveFields }[]>();
  const ends: AttemptEnd[] = [];
  const cacheUses: Parameters<typeof recordCacheUses>[1] = [];
  for (const result of results) {
    const row = current.get(result.taskRunId);
    if (!holdsLease(row, result)) {
      stale.push(result.taskRunId);
      continue;
    }
    // A second result for the same attempt in one batch finds it recorded already.
    current.delete(row.id);
    recorded.push(row.id);
    touchedRuns.add(row.run_id);
    const { outcome } = result;
    const exitCode = outcome.exitCode;
    const move = (to: MoveTo, fields: MoveFields) =>
      moves.set(to, [...(moves.get(to) ?? []), { row, fields }]);
    const end = { taskRunId: row.id, attempt: row.attempt, exitCode };
    if (outcome.status === "succeeded") {
      outputs.push({ id: row.id, exitCode, text: outcome.outputText, json: outcome.outputJson });
      if (outcome.cache) cacheUses.push({ taskRun: row, cache: outcome.cache });
      move("succeeded", {
        exitCode,
        ...(outcome.cache?.hit ? { data: { fromCache: outcome.cache.key } } : {}),
      });
      ends.push({ ...end, status: "succeeded", error: null, reason: null });
    } else if (outcome.status === "cancelled") {
      const error = outcome.error ?? "cancelled";
      move("cancelled", { reason: "cancelled", error, exitCode });
      ends.push({ ...end, status: "cancelled", error, reason: "cancelled" });
    } else {
      const fields = { reason: outcome.reason, error: outcome.error, exitCode };
      const to = statusAfterFailure({
        retryAt: outcome.retryAt,
        attempt: row.attempt,
        maxAttempts: row.max_attempts,
      });
      if (to === "retrying" && outcome.retryAt !== null) {
        move("retrying", { ...fields, data: { retryAt: outcome.retryAt } });
        retries.push({ id: row.id, at: outcome.retryAt });
      } else {
        move("failed", fields);
        finals.push(row);
      }
      ends.push({ ...end, status: "failed", error: outcome.error, reason: outcome.reason });
    }
  }
  if (recorded.length === 0) return { recorded, stale, finishedRuns: [] };

  if (outputs.length > 0) {
    await client.query(
      `UPDATE task_runs t SET output_text = o.text, output_json = o.json, exit_code = o.exit_code, error = NULL,
              reason = NULL
         FROM unnest($1::int[], $2::text[], $3::text[], $4::int[]) AS o(id, text, json, exit_code)
        WHERE t.id = o.id`,
      [
        outputs.map((o) => o.id),
        outputs.map((o) => o.text),
        outputs.map((o) => o.json),
        outputs.map((o) => o.exitCode),
      ],
    );
  }
  await recordCacheUses(client, cacheUses, now);
  for (const [to, list] of moves) {
    const fieldsOf = new Map(list.map((m) => [m.row.id, m.fields]));
    await moveTaskRuns(
      client,
      list.map((m) => movableRow(m.row, "running")),
      to,
      now,
      (row) => fieldsOf.get(row.id) ?? {},
    );
  }
  if (retries.length > 0) {
    await client.query(
      "UPDATE task_runs t SET available_at = r.at FROM unnest($1::int[], $2::timestamptz[]) AS r(id, at) WHERE t.id = r.id",
      [retries.map((r) => r.id), retries.map((r) => at(r.at))],
    );
  }
  for (const row of finals) await blockDependents(client, row.run_id, row.id, row.task_key, now);
  await finishAttempts(client, ends, now);

  const succeededByRun = new Map<string, number[]>();
  for (const { row } of moves.get("succeeded") ?? []) {
    succeededByRun.set(row.run_id, [...(succeededByRun.get(row.run_id) ?? []), row.id]);
  }
  // A run in which this batch made a task run ready or retrying cannot end now: that row stays locked by this
  // transaction until it commits, so no other transaction can close it first, and the completion that closes it
  // later finalizes. Skipping the run lock here saves two round trips per hop of a chain.
  const stillOpen = new Set((moves.get("retrying") ?? []).map(({ row }) => row.run_id));
  for (const [runId, ids] of succeededByRun) {
    if ((await releaseDependents(client, runId, ids, now)) > 0) stillOpen.add(runId);
  }

  const finishedRuns: { runId: string; status: RunStatus }[] = [];
  for (const runId of [...touchedRuns].sort()) {
    if (stillOpen.has(runId)) continue;
    const status = await finalizeRunIfDone(client, runId, now);
    if (status) finishedRuns.push({ runId, status });
  }
  return { recorded, stale, finishedRuns };
}

async function finishAttempts(client: Queryable, ends: AttemptEnd[], now: number): Promise<void> {
  await client.query(
    `UPDATE task_attempts a SET status = e.status, finished_at = $1, exit_code = e.exit_code, error = e.error,
            reason = e.reason
       FROM unnest($2::int[], $3::int[], $4::text[], $5::int[], $6::text[], $7::text[])
            AS e(task_run_id, attempt, status, exit_code, error, reason)
      WHERE a.task_run_id = e.task_run_id AND a.attempt = e.attempt`,
    [
      at(now),
      ends.map((end) => end.taskRunId),
      ends.map((end) => end.attempt),
      ends.map((end) => end.status),
      ends.map((end) => end.exitCode),
      ends.map((end) => end.error),
      ends.map((end) => end.reason),
    ],
  );
}
