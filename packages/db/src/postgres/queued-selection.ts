import type { QueuedSelection } from "@taskloom/core";
import type { QueuedRow } from "../sqlite/queued-selection.ts";
import type { Queryable } from "./transaction.ts";

export type { QueuedRow };

/**
 * The queued task runs a queue admin action selects (the PostgreSQL twin of sqlite/queued-selection.ts):
 * `ready` ones matching every filter given, locked in id order (`FOR NO KEY UPDATE`: a claim holding one of
 * them is waited for, and the caller's guarded UPDATE then finds it no longer ready and leaves it).
 */
export async function selectQueued(client: Queryable, selection: QueuedSelection): Promise<QueuedRow[]> {
  const { rows } = await client.query<QueuedRow>(
    `SELECT t.id, t.run_id, t.task_key, t.attempt, t.queue FROM task_runs t
      WHERE t.status = 'ready'
        AND ($1::text IS NULL OR t.queue = $1)
        AND ($2::text IS NULL OR t.run_id = $2)
        AND ($3::text IS NULL OR t.run_id IN (SELECT r.id FROM runs r JOIN plans p ON p.id = r.plan_id
                                              WHERE p.slug = $3))
        AND ($4::int[] IS NULL OR t.id = ANY($4::int[]))
      ORDER BY t.id
      FOR NO KEY UPDATE OF t`,
    [
      selection.queue ?? null,
      selection.runId ?? null,
      selection.planSlug ?? null,
      selection.taskRunIds ?? null,
    ],
  );
  // A row claimed while this waited for its lock is re-read as `running` and skipped by the guarded UPDATE.
  return rows;
}
