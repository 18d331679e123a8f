import { type LeaseClock, leaseNow } from "./lease-clock.ts";
import { at, type Queryable } from "./transaction.ts";

/**
 * Heartbeat (the PostgreSQL twin of sqlite/heartbeat-leases.ts): one UPDATE extends, from the lease clock,
 * every lease the worker still holds. The ids it did not extend are returned: their lease was lost (taken back
 * as expired, or from a worker found dead), so the worker must stop treating them as its own. A reclaim
 * holding one of the rows is waited for, then its result is seen.
 */
export async function heartbeatLeases(
  client: Queryable,
  leaseClock: LeaseClock,
  input: { workerId: string; taskRunIds: number[]; leaseMs: number; now: number },
): Promise<number[]> {
  if (input.taskRunIds.length === 0) return [];
  const { rows } = await client.query<{ id: number }>(
    `UPDATE task_runs SET lease_expires_at = ${leaseNow(leaseClock, "$4")} + $3 * interval '1 millisecond'
      WHERE id = ANY($1::int[]) AND status = 'running' AND lease_owner = $2
      RETURNING id`,
    [input.taskRunIds, input.workerId, input.leaseMs, at(input.now)],
  );
  const held = new Set(rows.map((row) => row.id));
  return input.taskRunIds.filter((id) => !held.has(id));
}
