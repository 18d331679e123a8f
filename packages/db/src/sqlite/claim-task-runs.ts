import { type ClaimedTaskRun, type ClaimInput, pickClaimable, queueRoom } from "@taskloom/core";
import { claimableAt, claimOrder, handlerClaimable, keyRunning } from "../claim-order.ts";
import { type ClaimedRow, toClaimed, type UpstreamRow } from "../claimed-task-run.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";
import { movableRow, type TaskRunTransitions } from "./task-run-transitions.ts";

interface CandidateRow {
  id: number;
  run_id: string;
  task_key: string;
  queue: string;
  attempt: number;
  concurrency_key: string | null;
  concurrency_limit: number | null;
  key_running: number;
}

interface QueueRow {
  name: string;
  concurrency: number | null;
  paused: number;
}

/**
 * Claim: the hot path a worker calls whenever it has free slots.
 * In one IMMEDIATE transaction (SQLite has one writer, so this is the whole locking story):
 * 1. retries whose backoff has elapsed go `retrying → ready`;
 * 2. up to `limit` ready rows are taken in claim order (`claimOrder`: priority DESC, id ASC — ids follow
 *    plan-file order), skipping rows rescheduled past `now`, paused queues and full concurrency keys, and
 *    respecting queue concurrency and each key's limit (`queueRoom` and `pickClaimable` in core);
 * 3. each goes `ready → running` through the shared transition (`transitions.move`, which checks the core
 *    table, takes the lease and writes the event), and gets its attempt row.
 * The executor's inputs (frozen spec, params, upstream outputs) are read in the same transaction.
 */
export function prepareClaimTaskRuns(
  db: SqliteDatabase,
  transitions: TaskRunTransitions,
): (input: ClaimInput) => ClaimedTaskRun[] {
  type DueRow = { id: number; run_id: string; task_key: string; attempt: number };
  const dueRetries = db.prepare<[number], DueRow>(
    "SELECT id, run_id, task_key, attempt FROM task_runs WHERE status = 'retrying' AND available_at <= ?",
  );
  const dueRetriesOfRun = db.prepare<[string, number], DueRow>(
    `SELECT id, run_id, task_key, attempt FROM task_runs
      WHERE run_id = ? AND status = 'retrying' AND available_at <= ?`,
  );
  const queues = db.prepare<[], QueueRow>(
    "SELECT name, concurrency, paused FROM queues WHERE paused = 1 OR concurrency IS NOT NULL",
  );
  const runningInQueue = db.prepare<[string], { n: number }>(
    "SELECT count(*) AS n FROM task_runs WHERE status = 'running' AND queue = ?",
  );
  // `key_running`: the attempts of the row's concurrency key running now (0 without a key).
  const candidateColumns = `id, run_id, task_key, queue, attempt, concurrency_key, concurrency_limit,
    CASE WHEN concurrency_key IS NULL THEN 0 ELSE ${keyRunning()} END AS key_running`;
  // `@handlers`: the worker's handler names as a JSON list.
  const handlerListed = handlerClaimable((column) => `${column} IN (SELECT value FROM json_each(@handlers))`);
  const candidates = db.prepare<[{ now: number; count: number; handlers: string }], CandidateRow>(
    `SELECT ${candidateColumns} FROM task_runs t
      WHERE status = 'ready' AND ${claimableAt("@now")} AND ${handlerListed}
      ORDER BY ${claimOrder()} LIMIT @count`,
  );
  const candidatesOfRun = db.prepare<
    [{ now: number; count: number; runId: string; handlers: string }],
    CandidateRow
  >(
    `SELECT ${candidateColumns} FROM task_runs t
      WHERE run_id = @runId AND status = 'ready' AND ${claimableAt("@now")} AND ${handlerListed}
      ORDER BY ${claimOrder()} LIMIT @count`,
  );
  const insertAttempt = db.prepare(
    `INSERT INTO task_attempts (task_run_id, attempt, worker_id, status, started_at)
     VALUES (?, ?, ?, 'running', ?)`,
  );
  const claimedDetails = db.prepare<[number], Omit<ClaimedRow, "plan_slug" | "base_dir">>(
    `SELECT id, run_id, task_key, attempt, max_attempts, spec_json, params_json, point_index, point_params_json
       FROM task_runs WHERE id = ?`,
  );
  // A run's plan slug and base directory never change after createRun. Reading them per claimed row made
  // SQLite walk runs.graph_json's overflow chain (it precedes base_dir in the row) once per task run.
  const runDetails = db.prepare<[string], { plan_slug: string; base_dir: string | null }>(
    `SELECT p.slug AS plan_slug, r.base_dir FROM runs r JOIN plans p ON p.id = r.plan_id WHERE r.id = ?`,
  );
  const runCache = new Map<string, { plan_slug: string; base_dir: string | null }>();
  // Runs never go back to `queued`, so a run this process saw started needs no status read per claim.
  const startedRunIds = new Set<string>();
  function detailsOfRun(runId: string) {
    let details = runCache.get(runId);
    if (!details) {
      details = runDetails.get(runId);
      if (!details) return undefined;
      if (runCache.size >= 1024) runCache.clear();
      runCache.set(runId, details);
    }
    return details;
  }
  const upstreamOutputs = db.prepare<[number], UpstreamRow>(
    `SELECT t.task_key, t.output_text, t.output_json
       FROM task_run_dependencies d JOIN task_runs t ON t.id = d.from_id
      WHERE d.to_id = ?`,
  );

  function queueCapacity(): Map<string, number> {
    const settings = queues
      .all()
      .map((q) => ({ name: q.name, concurrency: q.concurrency, paused: q.paused === 1 }));
    return queueRoom(settings, (name) => runningInQueue.get(name)?.n ?? 0);
  }

  const claim = db.transaction(
    (input: ClaimInput): { claimed: ClaimedTaskRun[]; startedRuns: Set<string> } => {
      const { now, workerId, limit } = input;
      const due = input.runId ? dueRetriesOfRun.all(input.runId, now) : dueRetries.all(now);
      for (const row of due) {
        transitions.move(movableRow(row, "retrying"), "ready", now);
      }

      const room = queueCapacity();
      const allowedQueues = input.queues ? new Set(input.queues) : null;
      // Over-fetch a little when some queues are limited, so one full queue does not starve the others; the
      // same when the candidates carry concurrency keys (a key with room for one may have many waiting).
      const wide = limit * 4 + 16;
      const handlers = JSON.stringify(input.handlers ?? []);
      const fetchCandidates = (count: number) =>
        input.runId
          ? candidatesOfRun.all({ now, count, runId: input.runId, handlers })
          : candidates.all({ now, count, handlers });
      let rows = fetchCandidates(room.size > 0 || allowedQueues ? wide : limit);
      if (rows.length === limit && rows.some((row) => row.concurrency_key !== null))
        rows = fetchCandidates(wide);
      const keyRunningNow = new Map<string, number>();
      for (const row of rows)
        if (row.concurrency_key !== null) keyRunningNow.set(row.concurrency_key, row.key_running);
      const taken = pickClaimable(
        rows.map((row) => ({
          ...row,
          concurrencyKey: row.concurrency_key,
          concurrencyLimit: row.concurrency_limit,
        })),
        { limit, room, allowedQueues, keyRunning: keyRunningNow },
      );
      if (taken.length === 0) return { claimed: [], startedRuns: new Set<string>() };

      const expires = now + input.leaseMs;
      const startedRuns = new Set<string>();
      const claimed: ClaimedTaskRun[] = [];
      for (const row of taken) {
        const lease = { owner: workerId, expiresAt: expires };
        if (!transitions.move(movableRow(row, "ready"), "running", now, { lease })) continue;
        insertAttempt.run(row.id, row.attempt + 1, workerId, now);
        if (!startedRuns.has(row.run_id) && !startedRunIds.has(row.run_id)) {
          startedRuns.add(row.run_id);
          transitions.markRunStarted(row.run_id, now);
        }
        const details = claimedDetails.get(row.id);
        const run = detailsOfRun(row.run_id);
        if (!details || !run) continue;
        claimed.push(toClaimed({ ...details, ...run }, expires, upstreamOutputs.all(row.id)));
      }
      return { claimed, startedRuns };
    },
  );

  return (input) => {
    const { claimed, startedRuns } = claim.immediate(input);
    // Only after the commit: a rolled-back claim did not start anything.
    for (const runId of startedRuns) {
      if (startedRunIds.size >= 1024) startedRunIds.clear();
      startedRunIds.add(runId);
    }
    return claimed;
  };
}
