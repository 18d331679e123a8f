import { type ClaimedTaskRun, type ClaimInput, queueRoom } from "@taskloom/core";
import { claimableAt, claimOrder, handlerClaimable } from "../claim-order.ts";
import { type ClaimedRow, toClaimed, type UpstreamRow } from "../claimed-task-run.ts";
import { checkMove, moveEvent } from "../task-run-move.ts";
import type { EventInput } from "./event-writer.ts";
import { writeEvents } from "./event-writer.ts";
import { type LeaseClock, leaseNow } from "./lease-clock.ts";
import { movableRow, moveTaskRuns, startRuns } from "./task-run-transitions.ts";
import { at, type Queryable } from "./transaction.ts";

/**
 * Namespaces of the two-int advisory locks (a space apart from the one-bigint locks, such as the migrations'):
 * a claim that may start a limited queue's or a concurrency key's task runs holds the lock of that queue or key
 * (`hashtext` of its name) until it commits.
 */
const QUEUE_LOCKS = 0x7471; // "tq"
const KEY_LOCKS = 0x746b; // "tk"

/** `upstream`: `[task key, output text, output JSON text]` per `requires` upstream. */
type PgClaimedRow = ClaimedRow & { priority: number; upstream: [string, string | null, string | null][] };

export interface ClaimContext {
  leaseClock: LeaseClock;
  /** Runs this process saw started (they never go back to `queued`), so a claim need not try to start them. */
  startedRuns: Set<string>;
}

/**
 * Claim, the PostgreSQL twin of sqlite/claim-task-runs.ts, in the caller's transaction:
 * 1. retries whose backoff has elapsed go `retrying → ready` (rows another claim holds are skipped), when the
 *    window's statement (step 2) says there are any;
 * 2. the limits (`claimLimits`): one statement reads the queue settings and which queues and concurrency keys
 *    the first ready rows in claim order belong to. The claim then takes the advisory lock of each limited
 *    queue and each key among them (in one statement, in lock order), and only after that counts their running
 *    attempts — a separate statement, so its snapshot sees what the previous holder of a lock committed. Two
 *    claims that share no limited queue and no key run side by side; those that do take turns, so two workers
 *    cannot both fill the last slot. `queueRoom` (core) turns settings and counts into a room per queue;
 * 3. ONE statement selects ready task runs in claim order (`claimOrder`: priority DESC, id ASC — ids follow
 *    plan-file order) with `FOR UPDATE SKIP LOCKED`, leaving out paused and full queues, limited queues and
 *    keys it holds no lock for, rows rescheduled past `now` and full keys; keeps each key's room (its limit
 *    minus its running attempts) and then each limited queue's quota, leases up to `limit` of them (`ready →
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
  // The window tells whether retries are due: rarely. Only then are they moved to ready (rows another claim
  // holds are skipped) and the window read again, so that it counts them.
  // The claim must read ready rows in claim order from `task_runs_status_priority_id_idx` and stop at the limit.
  // With statistics taken before a big run's rows moved (a fresh run is all `pending`), the planner takes
  // `ready` for a handful of rows and picks a bitmap scan that sorts every ready row instead, once per claim:
  // 3.4 ms per claim of 10 among 5,000 ready, against 0.07 ms in order. No bitmap scans in this transaction
  // (the statements that follow go by key as well); the setting goes out with the window's read.
  const [, firstWindow] = await Promise.all([
    client.query("SET LOCAL enable_bitmapscan = off"),
    readClaimWindow(client, input),
  ]);
  let window = firstWindow;
  if (window?.retries_due) {
    const { rows: due } = await client.query<{
      id: number;
      run_id: string;
      task_key: string;
      attempt: number;
    }>(
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
    window = await readClaimWindow(client, input);
  }

  const limits = await claimLimits(client, window);
  const room = [...limits.queueRoom];
  const full = [...room.filter(([, left]) => left <= 0).map(([name]) => name), ...limits.unlocked];
  const quotas = room.filter(([, left]) => left > 0);
  // Over-fetch a little when some queues are limited, so one full queue does not starve the others; the same
  // when concurrency keys are in play (a key with room for one may have many waiting).
  const fetch = quotas.length > 0 || input.queues || limits.keys.length > 0 ? limit * 4 + 16 : limit;
  checkMove("ready", "running", { lease: { owner: workerId, expiresAt: now + input.leaseMs } });
  const { rows } = await client.query<PgClaimedRow>(
    `WITH candidates AS (
        SELECT t.id, t.queue, t.priority, t.concurrency_key, t.concurrency_limit FROM task_runs t
         WHERE t.status = 'ready' AND ($1::text IS NULL OR t.run_id = $1)
           AND ($2::text[] IS NULL OR t.queue = ANY($2::text[])) AND t.queue <> ALL($3::text[])
           AND (t.concurrency_key IS NULL OR t.concurrency_key = ANY($11::text[]))
           AND ${claimableAt("$9")} AND ${handlerClaimable((column) => `${column} = ANY($13::text[])`)}
         ORDER BY ${claimOrder("t")}
         LIMIT $4
         FOR UPDATE SKIP LOCKED
      ), keyed AS (
        SELECT c.*, row_number() OVER (PARTITION BY c.concurrency_key ORDER BY ${claimOrder("c")}) AS nth_key
          FROM candidates c
      ), eligible AS (
        SELECT k.* FROM keyed k LEFT JOIN unnest($11::text[], $12::int[]) AS kr(key, running)
            ON kr.key = k.concurrency_key
         WHERE k.concurrency_key IS NULL OR k.nth_key <= k.concurrency_limit - coalesce(kr.running, 0)
      ), ranked AS (
        SELECT e.id, e.priority, q.room,
               row_number() OVER (PARTITION BY e.queue ORDER BY ${claimOrder("e")}) AS nth
          FROM eligible e LEFT JOIN unnest($5::text[], $6::int[]) AS q(name, room) ON q.name = e.queue
      ), taken AS (
        SELECT id FROM ranked WHERE room IS NULL OR nth <= room ORDER BY ${claimOrder()} LIMIT $7
      ), claimed AS (
        UPDATE task_runs t
           SET status = 'running', attempt = t.attempt + 1, lease_owner = $8,
               lease_expires_at = ${leaseNow(context.leaseClock, "$9")} + $10 * interval '1 millisecond',
               started_at = coalesce(t.started_at, $9), finished_at = NULL
          FROM taken, runs r, plans p
         WHERE t.id = taken.id AND t.status = 'ready' AND r.id = t.run_id AND p.id = r.plan_id
        RETURNING t.id, t.run_id, t.task_key, t.priority, t.attempt, t.max_attempts, t.spec_json, t.params_json,
                  p.slug AS plan_slug, r.base_dir, t.point_index, t.point_params_json
      ), attempts AS (
        INSERT INTO task_attempts (task_run_id, attempt, worker_id, status, started_at)
        SELECT id, attempt, $8, 'running', $9 FROM claimed
      )
      -- The upstream outputs ride along (the upstream rows are not changed by this statement).
      SELECT c.*,
             (SELECT coalesce(json_agg(json_build_array(u.task_key, u.output_text, u.output_json)), '[]'::json)
                FROM task_run_dependencies d JOIN task_runs u ON u.id = d.from_id
               WHERE d.to_id = c.id) AS upstream
        FROM claimed c ORDER BY ${claimOrder("c")}`,
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
      limits.keys,
      limits.keys.map((key) => limits.keyRunning.get(key) ?? 0),
      input.handlers ?? [],
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

interface ClaimLimits {
  /** Room per paused or limited queue that this claim may start (`queueRoom`), counted under their locks. */
  queueRoom: Map<string, number>;
  /** Limited queues this claim holds no lock for (none of the first rows was theirs): left out of it. */
  unlocked: string[];
  /** Concurrency keys this claim holds the lock of; task runs with any other key are left out of it. */
  keys: string[];
  /** Attempts running per locked key, counted under its lock. */
  keyRunning: Map<string, number>;
}

/** The queue settings, and the queues and keys of the first ready rows in claim order (`readClaimWindow`). */
interface ClaimWindow {
  settings: { name: string; concurrency: number | null; paused: boolean }[];
  queues: string[];
  keys: string[];
  /** Some retry's backoff has ended: it is to move to ready before the claim. */
  retries_due: boolean;
}

/**
 * The queue settings, and the queues and keys of the first ready rows in claim order (the claim's window, as
 * wide as the claim's widest fetch), in one statement.
 */
async function readClaimWindow(client: Queryable, input: ClaimInput): Promise<ClaimWindow | undefined> {
  const { rows } = await client.query<ClaimWindow>(
    `WITH settings AS (SELECT name, concurrency, paused FROM queues WHERE paused OR concurrency IS NOT NULL),
          win AS (
            SELECT t.queue, t.concurrency_key FROM task_runs t
             WHERE t.status = 'ready' AND ($1::text IS NULL OR t.run_id = $1)
               AND ($2::text[] IS NULL OR t.queue = ANY($2::text[]))
               AND t.queue NOT IN (SELECT name FROM settings WHERE paused)
               AND ${claimableAt("$3")} AND ${handlerClaimable((column) => `${column} = ANY($5::text[])`)}
             ORDER BY ${claimOrder("t")}
             LIMIT $4
          )
     SELECT (SELECT coalesce(json_agg(s), '[]'::json) FROM settings s) AS settings,
            ARRAY(SELECT DISTINCT queue FROM win) AS queues,
            ARRAY(SELECT DISTINCT concurrency_key FROM win WHERE concurrency_key IS NOT NULL) AS keys,
            EXISTS (SELECT 1 FROM task_runs r
                     WHERE r.status = 'retrying' AND r.available_at <= $3
                       AND ($1::text IS NULL OR r.run_id = $1)) AS retries_due`,
    [input.runId ?? null, input.queues ?? null, at(input.now), input.limit * 4 + 16, input.handlers ?? []],
  );
  return rows[0];
}

/**
 * The limits of the claim's window: the locks of the limited queues and keys in it, and their running counts.
 * Without limited queues or keys in the window it takes no lock at all.
 */
async function claimLimits(client: Queryable, window: ClaimWindow | undefined): Promise<ClaimLimits> {
  const settings = window?.settings ?? [];
  const inWindow = new Set(window?.queues ?? []);
  const keys = window?.keys ?? [];
  const limited = settings.filter((queue) => !queue.paused && queue.concurrency !== null);
  const locked = limited.filter((queue) => inWindow.has(queue.name)).map((queue) => queue.name);
  const unlocked = limited.filter((queue) => !inWindow.has(queue.name)).map((queue) => queue.name);
  const running = new Map<string, number>();
  const keyRunning = new Map<string, number>();
  if (locked.length > 0 || keys.length > 0) {
    // In lock order (a volatile function in the select list is evaluated after the sort), so that claims
    // locking overlapping sets wait for each other instead of deadlocking; a deadlock through a hash
    // collision is still safe: withTransaction runs the claim again.
    await client.query(
      `SELECT pg_advisory_xact_lock(l.ns, l.h)
         FROM (SELECT DISTINCT u.ns, hashtext(u.name) AS h FROM unnest($1::int[], $2::text[]) AS u(ns, name)) l
        ORDER BY l.ns, l.h`,
      [
        [...locked.map(() => QUEUE_LOCKS), ...keys.map(() => KEY_LOCKS)],
        [...locked, ...keys],
      ],
    );
    // A separate statement after the locks: its snapshot sees the claims committed by the previous holders.
    const { rows: counts } = await client.query<{ kind: "queue" | "key"; name: string; n: number }>(
      `SELECT 'queue' AS kind, queue AS name, count(*)::int AS n FROM task_runs
        WHERE status = 'running' AND queue = ANY($1::text[]) GROUP BY queue
       UNION ALL
       SELECT 'key', concurrency_key, count(*)::int FROM task_runs
        WHERE status = 'running' AND concurrency_key = ANY($2::text[]) GROUP BY concurrency_key`,
      [locked, keys],
    );
    for (const row of counts) (row.kind === "queue" ? running : keyRunning).set(row.name, row.n);
  }
  const considered = settings.filter((queue) => queue.paused || locked.includes(queue.name));
  return {
    queueRoom: queueRoom(considered, (name) => running.get(name) ?? 0),
    unlocked,
    keys,
    keyRunning,
  };
}
