import {
  consecutiveLostLeases,
  DEFAULT_MAX_LOST_LEASES,
  decideLostLease,
  type LostLeaseDecision,
  maxAttemptsAfterLostLease,
  type ReclaimOptions,
} from "@taskloom/core";
import { lostLeaseError, type TaskRunStateRow } from "../task-run-move.ts";
import { type LeaseClock, leaseNow } from "./lease-clock.ts";
import { blockDependents, finalizeRunIfDone, movableRow, moveTaskRuns } from "./task-run-transitions.ts";
import { at, type Queryable } from "./transaction.ts";

type LeasedRow = Omit<TaskRunStateRow, "status"> & { lease_owner: string };

/**
 * Lease recovery, the PostgreSQL twin of sqlite/reclaim-expired-leases.ts: a running task run whose lease
 * expired (by the lease clock) or whose owner is known to be dead lost its lease. Not a failure of the task
 * (`decideLostLease` in core): its attempt is recorded `lost` and it goes `running → ready` with one more
 * attempt in its budget, claimable at once; the `maxLostLeases`-th loss in a row fails it (reason `lost`) and
 * blocks its dependents. Safe with many reclaimers at once: rows are taken `FOR UPDATE SKIP LOCKED`, so each
 * lost lease is taken back by one of them, and a completion or heartbeat holding a row is left to finish.
 */
export async function reclaimExpiredLeases(
  client: Queryable,
  leaseClock: LeaseClock,
  now: number,
  opts: ReclaimOptions,
): Promise<number> {
  const maxLostLeases = opts.maxLostLeases ?? DEFAULT_MAX_LOST_LEASES;
  const { rows } = await client.query<LeasedRow>(
    `SELECT id, run_id, task_key, attempt, max_attempts, lease_owner FROM task_runs
      WHERE status = 'running'
        AND ((lease_expires_at < ${leaseNow(leaseClock, "$1")} AND ($2::text IS NULL OR run_id = $2))
             OR lease_owner = ANY($3::text[]))
      ORDER BY id FOR UPDATE SKIP LOCKED`,
    [at(now), opts.runId ?? null, opts.deadWorkerIds ?? []],
  );
  if (rows.length === 0) return 0;
  const lostBefore = await lostStreaks(client, rows, maxLostLeases);
  const decisions = new Map<number, LostLeaseDecision>(
    rows.map((row) => [row.id, decideLostLease({ lostBefore: lostBefore.get(row.id) ?? 0, maxLostLeases })]),
  );
  const fieldsOf = (row: LeasedRow) => {
    const decision = decisions.get(row.id) as LostLeaseDecision;
    const data = { workerId: row.lease_owner, lostInARow: decision.lostInARow };
    return decision.to === "ready"
      ? {
          reason: "lost" as const,
          error: lostLeaseError(row.lease_owner),
          maxAttempts: maxAttemptsAfterLostLease(row.max_attempts),
          data,
        }
      : { reason: "lost" as const, error: decision.error, data };
  };
  const byId = new Map(rows.map((row) => [row.id, row]));
  const lost = rows.filter((row) => decisions.get(row.id)?.to === "ready");
  const failing = rows.filter((row) => decisions.get(row.id)?.to === "failed");
  for (const [group, to] of [
    [lost, "ready"],
    [failing, "failed"],
  ] as const) {
    await moveTaskRuns(
      client,
      group.map((row) => movableRow(row, "running")),
      to,
      now,
      (moved) => fieldsOf(byId.get(moved.id) as LeasedRow),
    );
  }
  await client.query(
    `UPDATE task_attempts a SET status = r.status, finished_at = $1, error = r.error, reason = 'lost'
       FROM unnest($2::int[], $3::int[], $4::text[], $5::text[]) AS r(id, attempt, status, error)
      WHERE a.task_run_id = r.id AND a.attempt = r.attempt`,
    [
      at(now),
      rows.map((row) => row.id),
      rows.map((row) => row.attempt),
      rows.map((row) => (decisions.get(row.id)?.to === "ready" ? "lost" : "failed")),
      rows.map((row) => fieldsOf(row).error),
    ],
  );
  for (const row of failing) await blockDependents(client, row.run_id, row.id, row.task_key, now);
  for (const runId of [...new Set(failing.map((row) => row.run_id))].sort()) {
    await finalizeRunIfDone(client, runId, now);
  }
  return rows.length;
}

/** Per task run, how many of the attempts before the one just lost were lost too (core's streak rule). */
async function lostStreaks(
  client: Queryable,
  rows: LeasedRow[],
  maxLostLeases: number,
): Promise<Map<number, number>> {
  const { rows: earlier } = await client.query<{ id: number; attempt: number; reason: string | null }>(
    `SELECT r.id, a.attempt, a.reason FROM unnest($1::int[], $2::int[]) AS r(id, attempt)
       CROSS JOIN LATERAL (SELECT attempt, reason FROM task_attempts
                            WHERE task_run_id = r.id AND attempt < r.attempt
                            ORDER BY attempt DESC LIMIT $3) a`,
    [rows.map((row) => row.id), rows.map((row) => row.attempt), maxLostLeases],
  );
  const reasons = new Map<number, { attempt: number; reason: string | null }[]>();
  for (const row of earlier) reasons.set(row.id, [...(reasons.get(row.id) ?? []), row]);
  return new Map(
    [...reasons].map(([id, list]) => [
      id,
      consecutiveLostLeases(list.sort((a, b) => b.attempt - a.attempt).map((a) => a.reason)),
    ]),
  );
}
