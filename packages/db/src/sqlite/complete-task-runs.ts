import { type AttemptResult, type RecordedBatch, type RunStatus, statusAfterFailure } from "@taskloom/core";
import { holdsLease, type TaskRunStateRow } from "../task-run-move.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";
import { prepareRecordCacheUse } from "./record-cache-use.ts";
import { movableRow, type TaskRunTransitions } from "./task-run-transitions.ts";

type CurrentRow = TaskRunStateRow;

/**
 * Complete: records a batch of attempt results in one IMMEDIATE transaction. Per result:
 * - the lease is checked: a worker whose lease was lost (and taken back) records nothing, so a task run
 *   has exactly one recorded completion per attempt even though execution is at-least-once;
 * - success stores the output and releases the dependents (readiness counters, same transaction);
 * - a failure goes `retrying` or `failed` as `statusAfterFailure` (core) decides; a final one blocks every
 *   transitive dependent;
 * - then every run touched is finalized if nothing in it can run any more.
 */
export function prepareCompleteTaskRuns(
  db: SqliteDatabase,
  transitions: TaskRunTransitions,
): (results: AttemptResult[], now: number) => RecordedBatch {
  const current = db.prepare<[number], CurrentRow>(
    "SELECT id, run_id, task_key, status, attempt, max_attempts, lease_owner FROM task_runs WHERE id = ?",
  );
  const storeOutput = db.prepare(
    "UPDATE task_runs SET output_text = ?, output_json = ?, exit_code = ?, error = NULL, reason = NULL WHERE id = ?",
  );
  const recordCacheUse = prepareRecordCacheUse(db);
  const scheduleRetry = db.prepare("UPDATE task_runs SET available_at = ? WHERE id = ?");
  const finishAttempt = db.prepare(
    `UPDATE task_attempts SET status = ?, finished_at = ?, exit_code = ?, error = ?, reason = ?
      WHERE task_run_id = ? AND attempt = ?`,
  );

  const complete = db.transaction((results: AttemptResult[], now: number): RecordedBatch => {
    const recorded: number[] = [];
    const stale: number[] = [];
    const touchedRuns = new Set<string>();
    // Released after the loop, in one statement per run (see releaseDependents).
    const succeededByRun = new Map<string, number[]>();
    for (const result of results) {
      const row = current.get(result.taskRunId);
      if (!holdsLease(row, result)) {
        stale.push(result.taskRunId);
        continue;
      }
      const movable = movableRow(row, row.status);
      const { outcome } = result;
      touchedRuns.add(row.run_id);
      if (outcome.status === "succeeded") {
        storeOutput.run(outcome.outputText, outcome.outputJson, outcome.exitCode, row.id);
        if (outcome.cache) recordCacheUse(row, outcome.cache, now);
        transitions.move(movable, "succeeded", now, {
          exitCode: outcome.exitCode,
          ...(outcome.cache?.hit ? { data: { fromCache: outcome.cache.key } } : {}),
        });
        finishAttempt.run("succeeded", now, outcome.exitCode, null, null, row.id, row.attempt);
        const succeeded = succeededByRun.get(row.run_id);
        if (succeeded) succeeded.push(row.id);
        else succeededByRun.set(row.run_id, [row.id]);
      } else if (outcome.status === "cancelled") {
        const error = outcome.error ?? "cancelled";
        transitions.move(movable, "cancelled", now, {
          reason: "cancelled",
          error,
          exitCode: outcome.exitCode,
        });
        finishAttempt.run("cancelled", now, outcome.exitCode, error, "cancelled", row.id, row.attempt);
      } else {
        const fields = { reason: outcome.reason, error: outcome.error, exitCode: outcome.exitCode };
        const to = statusAfterFailure({
          retryAt: outcome.retryAt,
          attempt: row.attempt,
          maxAttempts: row.max_attempts,
        });
        if (to === "retrying") {
          transitions.move(movable, "retrying", now, { ...fields, data: { retryAt: outcome.retryAt } });
          scheduleRetry.run(outcome.retryAt, row.id);
        } else {
          transitions.move(movable, "failed", now, fields);
          transitions.blockDependents(row.run_id, row.id, row.task_key, now);
        }
        finishAttempt.run(
          "failed",
          now,
          outcome.exitCode,
          outcome.error,
          outcome.reason,
          row.id,
          row.attempt,
        );
      }
      recorded.push(result.taskRunId);
    }
    for (const [runId, ids] of succeededByRun) transitions.releaseDependents(runId, ids, now);
    const finishedRuns: { runId: string; status: RunStatus }[] = [];
    for (const runId of touchedRuns) {
      const status = transitions.finalizeRunIfDone(runId, now);
      if (status) finishedRuns.push({ runId, status });
    }
    return { recorded, stale, finishedRuns };
  });

  return (results, now) =>
    results.length === 0 ? { recorded: [], stale: [], finishedRuns: [] } : complete.immediate(results, now);
}
