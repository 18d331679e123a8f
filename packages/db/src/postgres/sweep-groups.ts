import {
  type ParamValue,
  pointConcurrency,
  pointParams,
  pointsFromOutput,
  pointsNeeded,
  pointTaskKey,
  type RunReuse,
  staticPoints,
  sweepOutputs,
  type TaskDefinition,
  type TaskRunStatus,
  UNNEEDED_POINT_STATUSES,
  unneededPointError,
  unneededPointStatus,
} from "@taskloom/core";
import {
  type SweepGroupRow as GroupRow,
  type SweepMove as Move,
  movableGroup as movable,
  SWEEP_GROUP_COLUMNS,
  SWEEP_GROUP_FROM,
} from "../sweep-group-row.ts";
import type { ReuseSourceRow } from "../task-action.ts";
import { type MovableRow, movableRow, reuseMoveFields } from "../task-run-move.ts";
import { writeEvents } from "./event-writer.ts";
import { at, type Queryable } from "./transaction.ts";

/**
 * The PostgreSQL side of parameter sweeps (the twin of sqlite/sweep-groups.ts; core's sweep.ts has the model).
 * Everything runs in the caller's transaction. A group's settling happens in the transaction that brought its
 * counter to 0, which holds the group row locked (`releaseDependents` locks dependents in id order), so two
 * completing points cannot both settle it.
 */

/** Inserts the points with the group's upstreams (`pending_deps` still missing), then points the group at them. */
async function expand(
  client: Queryable,
  group: GroupRow,
  points: Record<string, ParamValue>[],
  now: number,
): Promise<void> {
  const definition = JSON.parse(group.spec_json) as TaskDefinition;
  const base = JSON.parse(group.params_json) as Record<string, ParamValue>;
  const params = points.map((point) => pointParams(base, point));
  const concurrency = params.map((values) =>
    pointConcurrency(definition, values, group.run_id, group.plan_slug),
  );
  await client.query(
    `INSERT INTO task_runs (run_id, task_key, kind, spec_json, spec_version, params_json, status, pending_deps,
                            priority, queue, attempt, max_attempts, available_at, concurrency_key,
                            concurrency_limit, sweep_group_id, point_index, point_params_json, handler)
     SELECT g.run_id, p.key, g.kind, g.spec_json, g.spec_version, p.params,
            CASE WHEN g.pending_deps = 0 THEN 'ready' ELSE 'pending' END, g.pending_deps, g.priority, g.queue, 0,
            g.max_attempts, $2, p.concurrency_key, p.concurrency_limit, g.id, p.ord - 1, p.point, g.handler
       FROM task_runs g,
            unnest($3::text[], $4::text[], $5::text[], $6::int[], $7::text[])
              WITH ORDINALITY AS p(key, params, concurrency_key, concurrency_limit, point, ord)
      WHERE g.id = $1
      ORDER BY p.ord`,
    [
      group.id,
      at(now),
      points.map((_, index) => pointTaskKey(group.task_key, index)),
      params.map((values) => JSON.stringify(values)),
      concurrency.map((rendered) => rendered?.key ?? null),
      concurrency.map((rendered) => rendered?.limit ?? null),
      points.map((point) => JSON.stringify(point)),
    ],
  );
  // The upstream edges first, while the group's only edges are its upstreams'.
  await client.query(
    `INSERT INTO task_run_dependencies (run_id, from_id, to_id)
     SELECT d.run_id, d.from_id, p.id FROM task_run_dependencies d JOIN task_runs p ON p.sweep_group_id = d.to_id
      WHERE d.to_id = $1`,
    [group.id],
  );
  await client.query(
    `INSERT INTO task_run_dependencies (run_id, from_id, to_id)
     SELECT run_id, id, sweep_group_id FROM task_runs WHERE sweep_group_id = $1`,
    [group.id],
  );
  await client.query(
    "UPDATE task_runs SET point_count = $2, pending_deps = pending_deps + $3 WHERE id = $1",
    [group.id, points.length, pointsNeeded(definition.sweep ?? { need: "all" }, points.length)],
  );
}

/**
 * At run creation, after the task runs and their edges are in: every swept task run becomes a group
 * (`pending`, never claimed), and a static sweep's points are inserted with the group's upstreams.
 */
export async function expandSweepsAtCreation(client: Queryable, runId: string, now: number): Promise<void> {
  const { rows } = await client.query<GroupRow>(
    `SELECT ${SWEEP_GROUP_COLUMNS} FROM ${SWEEP_GROUP_FROM}
      WHERE t.run_id = $1 AND (t.spec_json::jsonb) ? 'sweep' ORDER BY t.id`,
    [runId],
  );
  for (const group of rows) {
    const sweep = (JSON.parse(group.spec_json) as TaskDefinition).sweep;
    if (!sweep) continue;
    await client.query("UPDATE task_runs SET status = 'pending', sweep_need = $2 WHERE id = $1", [
      group.id,
      sweep.need,
    ]);
    if (!("itemsFrom" in sweep)) await expand(client, group, staticPoints(sweep), now);
  }
}

async function succeed(client: Queryable, move: Move, group: GroupRow, outputs: unknown[], now: number) {
  const text = JSON.stringify(outputs);
  await client.query(
    "UPDATE task_runs SET output_text = $2, output_json = $2, error = NULL, reason = NULL WHERE id = $1",
    [group.id, text],
  );
  await move(movable(group), "succeeded", now, { data: { points: outputs.length } });
  if (group.sweep_need === "any") await stopUnneededPoints(client, move, group, now);
}

/**
 * A `need: any` group succeeded: its other points are not needed any more. Running ones are cancelled like an
 * operator cancel (their worker sees it on its next poll and stops the attempt, whose late result is stale),
 * the others are skipped or cancelled (core's `unneededPointStatus`). A point completing at the same time
 * holds its row and waits for the group this transaction holds: PostgreSQL breaks that cycle and
 * `withTransaction` runs the loser again.
 */
async function stopUnneededPoints(client: Queryable, move: Move, group: GroupRow, now: number) {
  const { rows: points } = await client.query<{
    id: number;
    run_id: string;
    task_key: string;
    status: TaskRunStatus;
    attempt: number;
  }>(
    `SELECT id, run_id, task_key, status, attempt FROM task_runs
      WHERE sweep_group_id = $1 AND status = ANY($2::text[]) ORDER BY id FOR NO KEY UPDATE`,
    [group.id, UNNEEDED_POINT_STATUSES],
  );
  const error = unneededPointError(group.task_key);
  for (const point of points) {
    const to = unneededPointStatus(point.status);
    if (to === null) continue;
    const data = { notNeeded: group.task_key };
    const fields = to === "cancelled" ? { reason: "cancelled" as const, error, data } : { data };
    await move(movableRow(point, point.status), to, now, fields);
    if (point.status !== "running") continue;
    // Guarded by `finished_at IS NULL`: an attempt that ended before the lock was taken keeps its result.
    await client.query(
      `UPDATE task_attempts SET status = 'cancelled', finished_at = $3, error = $4, reason = 'cancelled'
        WHERE task_run_id = $1 AND attempt = $2 AND finished_at IS NULL`,
      [point.id, point.attempt, at(now), error],
    );
  }
}

/**
 * Groups whose counter reached 0: an unexpanded `itemsFrom` group expands (or fails, or succeeds with no
 * point), an expanded one succeeds with its points' outputs. Returns the groups that succeeded (their
 * dependents are released next) and those that failed (their dependents are blocked).
 */
export async function settleSweepGroups(
  client: Queryable,
  groupIds: readonly number[],
  now: number,
  move: Move,
): Promise<{ succeeded: number[]; failed: { id: number; task_key: string }[] }> {
  const succeeded: number[] = [];
  const failed: { id: number; task_key: string }[] = [];
  if (groupIds.length === 0) return { succeeded, failed };
  const { rows: groups } = await client.query<GroupRow>(
    `SELECT ${SWEEP_GROUP_COLUMNS} FROM ${SWEEP_GROUP_FROM} WHERE t.id = ANY($1::int[]) ORDER BY t.id`,
    [groupIds],
  );
  for (const group of groups) {
    if (group.status !== "pending" || group.pending_deps > 0) continue;
    const sweep = (JSON.parse(group.spec_json) as TaskDefinition).sweep;
    if (group.point_count !== null || !sweep || !("itemsFrom" in sweep)) {
      const { rows: points } = await client.query<{
        status: string;
        output_text: string | null;
        output_json: string | null;
      }>(
        "SELECT status, output_text, output_json FROM task_runs WHERE sweep_group_id = $1 ORDER BY point_index",
        [group.id],
      );
      await succeed(client, move, group, sweepOutputs(points), now);
      succeeded.push(group.id);
      continue;
    }
    const { rows: upstream } = await client.query<{ output_text: string | null; output_json: string | null }>(
      "SELECT output_text, output_json FROM task_runs WHERE run_id = $1 AND task_key = $2",
      [group.run_id, sweep.itemsFrom],
    );
    const output = upstream[0]?.output_json ?? upstream[0]?.output_text ?? null;
    const found = pointsFromOutput(sweep.itemsFrom, output);
    if (!found.ok) {
      await move(movable(group), "failed", now, { reason: "sweep_items", error: found.error });
      failed.push(group);
    } else if (found.points.length === 0) {
      await succeed(client, move, group, [], now);
      succeeded.push(group.id);
    } else {
      await expand(client, group, found.points, now);
      await writeEvents(client, [
        {
          type: "task_run.sweep",
          runId: group.run_id,
          taskRunId: group.id,
          taskKey: group.task_key,
          data: { points: found.points.length, from: sweep.itemsFrom },
          at: now,
        },
      ]);
    }
  }
  return { succeeded, failed };
}

/**
 * A point that failed for good blocks its group unless the group needs `any` point and another one can still
 * succeed (or already did).
 */
export async function othersMaySucceed(client: Queryable, pointId: number): Promise<boolean> {
  const { rows } = await client.query(
    `SELECT 1 FROM task_runs p JOIN task_runs g ON g.id = p.sweep_group_id AND g.sweep_need = 'any'
       JOIN task_runs s ON s.sweep_group_id = g.id AND s.id <> p.id
      WHERE p.id = $1 AND s.status NOT IN ('failed', 'cancelled', 'blocked', 'skipped') LIMIT 1`,
    [pointId],
  );
  return rows.length > 0;
}

/**
 * A rerun that reuses a sweep group: its points take their source points' outputs (or are skipped), so none
 * runs again.
 */
export async function reuseSweepPoints(
  client: Queryable,
  runId: string,
  reuse: RunReuse,
  groupIds: readonly number[],
  now: number,
  move: Move,
): Promise<void> {
  if (groupIds.length === 0) return;
  const { rows } = await client.query<ReuseSourceRow>(
    `SELECT n.task_key, s.id AS source_id, s.status AS source_status, s.output_text, s.output_json, s.exit_code,
            n.id, n.status, n.attempt
       FROM task_runs n LEFT JOIN task_runs s ON s.run_id = $1 AND s.task_key = n.task_key
      WHERE n.sweep_group_id = ANY($2::int[]) ORDER BY n.id`,
    [reuse.sourceRunId, groupIds],
  );
  for (const point of rows) {
    const row: MovableRow = {
      id: point.id,
      runId,
      taskKey: point.task_key,
      status: point.status,
      attempt: point.attempt,
    };
    if (point.source_status !== "succeeded") {
      await move(row, "skipped", now, { data: { operator: reuse.action ?? "rerun" } });
      continue;
    }
    await client.query(
      `UPDATE task_runs SET output_text = $2, output_json = $3, exit_code = $4, output_from = 'reuse',
              output_from_run_id = $5 WHERE id = $1`,
      [point.id, point.output_text, point.output_json, point.exit_code, reuse.sourceRunId],
    );
    await move(row, "succeeded", now, reuseMoveFields(reuse, point));
  }
}
