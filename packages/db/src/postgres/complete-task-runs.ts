import {
  type AttemptResult,
  type FailureReason,
  type RecordedBatch,
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

/** A recorded batch before its runs are finalized: `toFinalize`, the runs it may have ended. */
export type RecordedResults = Omit<RecordedBatch, "finishedRuns"> & { toFinalize: string[] };

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
 * caller's transaction, a handful of statements for the whole batch, most of them in one round trip.
 * - The task runs are locked (id order) and the lease checked, owner + attempt: a worker whose lease was lost
 *   and taken back records nothing, so each attempt has at most one recorded completion. A reclaim that
 *   holds the row is waited for, then its result is seen.
 * - Successes store their output and release their dependents (readiness counters, same transaction).
 * - A failure goes `retrying` or `failed` as `statusAfterFailure` (core) decides; a final one blocks every
 *   transitive dependent.
 * - Then (`finalizeRuns`, after the claim that may ride in the same transaction) every run touched is
 *   finalized if nothing in it can run any more (core's `finalRunStatus`); a run in which the batch itself
 *   opened a task run is skipped (it cannot have ended).
 */
export async function recordTaskRunResults(
  client: Queryable,
  results: AttemptResult[],
  now: number,
): Promise<RecordedResults> {
  // Whether each has dependents comes along: a batch of a flat run then skips the release altogether.
  const { rows } = await client.query<CurrentRow & { has_dependents: boolean }>(
    `SELECT t.id, t.run_id, t.task_key, t.status, t.attempt, t.max_attempts, t.lease_owner,
            EXISTS (SELECT 1 FROM task_run_dependencies d WHERE d.from_id = t.id) AS has_dependents
       FROM task_runs t WHERE t.id = ANY($1::int[]) ORDER BY t.id FOR NO KEY UPDATE OF t`,
    [results.map((result) => result.taskRunId)],
  );
  const withDependents = new Set(rows.filter((row) => row.has_dependents).map((row) => row.id));
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
  if (recorded.length === 0) return { recorded, stale, toFinalize: [] };

  // The statements that need no answer of another go out together (the connection pipelines, see
  // transaction.ts), in the order the SQLite twin runs them, so the events keep that order too.
  const flight: Promise<unknown>[] = [];
  const land = async () => {
    await Promise.all(flight.splice(0));
  };
  if (outputs.length > 0) {
    flight.push(
      client.query(
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
      ),
    );
  }
  if (cacheUses.length > 0) {
    // Several statements, the cache entry read from the stored output: after the outputs, before the moves.
    await land();
    await recordCacheUses(client, cacheUses, now);
  }
  for (const [to, list] of moves) {
    const fieldsOf = new Map(list.map((m) => [m.row.id, m.fields]));
    flight.push(
      moveTaskRuns(
        client,
        list.map((m) => movableRow(m.row, "running")),
        to,
        now,
        (row) => fieldsOf.get(row.id) ?? {},
      ),
    );
  }
  if (retries.length > 0) {
    flight.push(
      client.query(
        "UPDATE task_runs t SET available_at = r.at FROM unnest($1::int[], $2::timestamptz[]) AS r(id, at) WHERE t.id = r.id",
        [retries.map((r) => r.id), retries.map((r) => at(r.at))],
      ),
    );
  }
  flight.push(finishAttempts(client, ends, now));
  if (finals.length > 0) {
    // Each walk reads what the moves (and the walk before it) changed.
    await land();
    for (const row of finals) await blockDependents(client, row.run_id, row.id, row.task_key, now);
  }

  const succeededByRun = new Map<string, number[]>();
  for (const { row } of moves.get("succeeded") ?? []) {
    if (!withDependents.has(row.id)) continue;
    succeededByRun.set(row.run_id, [...(succeededByRun.get(row.run_id) ?? []), row.id]);
  }
  // A run in which this batch made a task run ready or retrying cannot end now: that row stays locked by this
  // transaction until it commits, so no other transaction can close it first, and the completion that closes it
  // later finalizes. Skipping the run lock here saves two round trips per hop of a chain.
  const stillOpen = new Set((moves.get("retrying") ?? []).map(({ row }) => row.run_id));
  for (const [runId, ids] of succeededByRun) {
    // One run's release may go out with the rest; the releases of several runs take turns, so that the
    // events of each stay in the order of the SQLite twin (a release may settle sweep groups in more steps).
    if (succeededByRun.size > 1) await land();
    flight.push(
      releaseDependents(client, runId, ids, now).then((released) => {
        if (released > 0) stillOpen.add(runId);
      }),
    );
  }
  await land();

  return { recorded, stale, toFinalize: [...touchedRuns].filter((runId) => !stillOpen.has(runId)) };
}

/**
 * Ends the runs among these that nothing can move any more, in run id order, so that two batches touching
 * the same runs lock them in the same order. `stillOpen`: runs in which this transaction holds a task run it
 * opened (claimed): they cannot have ended, and the completion that closes that task run finalizes later.
 */
export async function finalizeRuns(
  client: Queryable,
  batch: RecordedResults,
  now: number,
  stillOpen: ReadonlySet<string> = new Set(),
): Promise<RecordedBatch> {
  const finishedRuns: { runId: string; status: RunStatus }[] = [];
  for (const runId of [...batch.toFinalize].sort()) {
    if (stillOpen.has(runId)) continue;
    const status = await finalizeRunIfDone(client, runId, now);
    if (status) finishedRuns.push({ runId, status });
  }
  return { recorded: batch.recorded, stale: batch.stale, finishedRuns };
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
