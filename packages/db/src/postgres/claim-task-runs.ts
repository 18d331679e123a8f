import { type ClaimedTaskRun, type ClaimInput, queueRoom } from "@taskloom/core";
import { type ClaimedRow, toClaimed, type UpstreamRow } from "../claimed-task-run.ts";
import { checkMove, moveEvent } from "../task-run-move.ts";
import type { EventInput } from "./event-writer.ts";
import { writeEvents } from "./event-writer.ts";
import { type LeaseClock, leaseNow } from "./lease-clock.ts";
import { movableRow, moveTaskRuns, startRuns } from "./task-run-transitions.ts";
import { at, type Queryable } from "./transaction.ts";

/** Claims that may start a queue with a concurrency limit take turns on this transaction-level lock. */
const LIMITED_QUEUES_LOCK = 0x7471_6c6d; // "tqlm"

/** `upstream`: `[task key, output text, output JSON text]` per `requires` upstream. */
type PgClaimedRow = ClaimedRow & { priority: number; upstream: [string, string | null, string | null][] };

export interface ClaimContext {
  leaseClock: LeaseClock;
  /** Runs this process saw started (they never go back to `queued`), so a claim need not try to start them. */
  startedRuns: Set<string>;
}

/**
 * Claim, the PostgreSQL twin of sqlite/claim-task-runs.ts, in the caller's transaction:
 * 1. retries whose backoff has elapsed go `retrying → ready` (rows another claim holds are skipped);
 * 2. the queue limits: `queueRoom` (core) turns the settings and running counts into the room per queue.
 *    A queue without room is left out; the room of a limited queue is a quota. While any limited queue exists,
 *    claims take turns on one advisory lock before counting, so two workers cannot both fill its last slot
 *    (without limits, claims run side by side: SKIP LOCKED keeps them apart);
 * 3. ONE statement selects ready task runs in claim order (priority DESC, id ASC — ids follow plan-file order)
 *    with `FOR UPDATE SKIP LOCKED`, keeps each limited queue's quota, leases up to `limit` of them (`ready →
 *    running`, attempt + 1, lease expiry from the lease clock) and inserts their attempt rows;
 * 4. the runs among them that were still queued start, and the events are written through the one writer, in
 *    the order SQLite writes them: each claim, then its run's start after the run's first claim.
 * The executor's inputs (frozen spec, params, upstream outputs) come back from the claiming statement itself.
 */
export async function claimTaskRuns(
  client: Queryable,
  input: ClaimInput,
  context: ClaimContext,
): Promise<{ claimed: ClaimedTaskRun[]; startedRuns: string[] }> {
  const { now, workerId, limit } = input;
  const runId = input.runId ?? null;
  const { rows: due } = await client.query<{ id: number; run_id: string; task_key: string; attempt: number }>(
    `SELECT id, run_id, task_key, attempt FROM task_runs
      WHERE status = 'retrying' AND available_at <= $1 AND ($2::text IS NULL OR run_id = $2)
      ORDER BY id FOR UPDATE SKIP LOCKED`,
    [at(now), runId],
  );
  await moveTaskRuns(
    client,
    due.map((row) => movableRow(row, "retrying")),
    "ready",
    now,
  );

  const room = await roomPerQueue(client);
  const full = [...room].filter(([, left]) => left <= 0).map(([name]) => name);
  const quotas = [...room].filter(([, left]) => left > 0);
  // Over-fetch a little when some queues are limited, so one full queue does not starve the others.
  const fetch = quotas.length > 0 || input.queues ? limit * 4 + 16 : limit;
  checkMove("ready", "running", { lease: { owner: workerId, expiresAt: now + input.leaseMs } });
  const { rows } = await client.query<PgClaimedRow>(
    `WITH candidates AS (
        SELECT t.id, t.queue, t.priority FROM task_runs t
         WHERE t.status = 'ready' AND ($1::text IS NULL OR t.run_id = $1)
           AND ($2::text[] IS NULL OR t.queue = ANY($2::text[])) AND t.queue <> ALL($3::text[])
         ORDER BY t.priority DESC, t.id
         LIMIT $4
         FOR UPDATE SKIP LOCKED
      ), ranked AS (
        SELECT c.id, c.priority, q.room,
               row_number() OVER (PARTITION BY c.queue ORDER BY c.priority DESC, c.id) AS nth
          FROM candidates c LEFT JOIN unnest($5::text[], $6::int[]) AS q(name, room) ON q.name = c.queue
      ), taken AS (
        SELECT id FROM ranked WHERE room IS NULL OR nth <= room ORDER BY priority DESC, id LIMIT $7
      ), claimed AS (
        UPDATE task_runs t
           SET status = 'running', attempt = t.attempt + 1, lease_owner = $8,
               lease_expires_at = ${leaseNow(context.leaseClock, "$9")} + $10 * interval '1 millisecond',
               started_at = coalesce(t.started_at, $9), finished_at = NULL
          FROM taken, runs r, plans p
         WHERE t.id = taken.id AND t.status = 'ready' AND r.id = t.run_id AND p.id = r.plan_id
        RETURNING t.id, t.run_id, t.task_key, t.priority, t.attempt, t.max_attempts, t.spec_json, t.params_json,
                  p.slug AS plan_slug, r.base_dir
      ), attempts AS (
        INSERT INTO task_attempts (task_run_id, attempt, worker_id, status, started_at)
        SELECT id, attempt, $8, 'running', $9 FROM claimed
      )
      -- The upstream outputs ride along (the upstream rows are not changed by this statement).
      SELECT c.*,
             (SELECT coalesce(json_agg(json_build_array(u.task_key, u.output_text, u.output_json)), '[]'::json)
                FROM task_run_dependencies d JOIN task_runs u ON u.id = d.from_id
               WHERE d.to_id = c.id) AS upstream
        FROM claimed c ORDER BY c.priority DESC, c.id`,
    [
      runId,
      input.queues ?? null,
      full,
      fetch,
      quotas.map(([name]) => name),
      quotas.map(([, left]) => left),
      limit,
      workerId,
      at(now),
      input.leaseMs,
    ],
  );
  if (rows.length === 0) return { claimed: [], startedRuns: [] };

  const unseen = [...new Set(rows.map((row) => row.run_id))].filter((id) => !context.startedRuns.has(id));
  const runStarts = unseen.length > 0 ? await startRuns(client, unseen, now) : new Map<string, EventInput>();
  const events: EventInput[] = [];
  const lease = { owner: workerId, expiresAt: now + input.leaseMs };
  for (const row of rows) {
    // The event reports the attempt after the claim: the row returned already counts it.
    const before = movableRow({ ...row, attempt: row.attempt - 1 }, "ready");
    events.push(moveEvent(before, "running", now, { lease }));
    const started = runStarts.get(row.run_id);
    if (started) {
      events.push(started);
      runStarts.delete(row.run_id);
    }
  }
  await writeEvents(client, events);
  const upstreamOf = (row: PgClaimedRow): UpstreamRow[] =>
    row.upstream.map(([task_key, output_text, output_json]) => ({ task_key, output_text, output_json }));
  return {
    claimed: rows.map((row) => toClaimed(row, lease.expiresAt, upstreamOf(row))),
    startedRuns: unseen,
  };
}

/** Room left per paused or limited queue (core's `queueRoom`), counted under the limited-queues lock. */
async function roomPerQueue(client: Queryable): Promise<Map<string, number>> {
  const { rows: settings } = await client.query<{
    name: string;
    concurrency: number | null;
    paused: boolean;
  }>("SELECT name, concurrency, paused FROM queues WHERE paused OR concurrency IS NOT NULL");
  const limited = settings.filter((queue) => !queue.paused && queue.concurrency !== null);
  const running = new Map<string, number>();
  if (limited.length > 0) {
    // A separate statement after the lock: its snapshot sees the claims committed by the previous holder.
    await client.query("SELECT pg_advisory_xact_lock($1)", [LIMITED_QUEUES_LOCK]);
    const { rows } = await client.query<{ queue: string; n: number }>(
      `SELECT queue, count(*)::int AS n FROM task_runs WHERE status = 'running' AND queue = ANY($1::text[])
        GROUP BY queue`,
      [limited.map((queue) => queue.name)],
    );
    for (const row of rows) running.set(row.queue, row.n);
  }
  return queueRoom(settings, (name) => running.get(name) ?? 0);
}
