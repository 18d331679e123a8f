import {
  type ParamValue,
  pointConcurrency,
  pointParams,
  pointsFromOutput,
  pointsNeeded,
  pointTaskKey,
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
import { movableRow } from "../task-run-move.ts";
import { prepareEventWriter } from "./event-writer.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";

export interface SweepGroups {
  /**
   * At run creation, after the task runs and their edges are in: every swept task run becomes a group
   * (`pending`, never claimed), and a static sweep's points are inserted with the group's upstreams.
   */
  expandAtCreation(runId: string, planId: string, now: number): void;
  /**
   * Groups whose counter reached 0 (inside the caller's transaction): an unexpanded `itemsFrom` group expands
   * (or fails, or succeeds with no point), an expanded one succeeds with its points' outputs. Returns the
   * groups that succeeded (their dependents are released next) and those that failed (their dependents are
   * blocked).
   */
  settle(
    groupIds: number[],
    now: number,
  ): { succeeded: number[]; failed: { id: number; task_key: string }[] };
  /**
   * A point that failed for good blocks its group unless the group needs `any` point and another one can
   * still succeed (or already did).
   */
  othersMaySucceed(pointId: number): boolean;
}

/**
 * The SQLite side of parameter sweeps (see core's `sweep.ts` for the model). A point is a task run of its own,
 * keyed `<task>[<index>]`, with the group's definition, its params merged over the group's, the group's
 * upstream edges and an edge to the group; the group counts its upstreams and then the points it needs.
 */
export function prepareSweepGroups(db: SqliteDatabase, move: Move): SweepGroups {
  const writeEvent = prepareEventWriter(db);
  const sweptTasks = db.prepare<[string, string], GroupRow>(
    `SELECT ${SWEEP_GROUP_COLUMNS} FROM ${SWEEP_GROUP_FROM}
      WHERE t.run_id = ? AND t.task_key IN (SELECT key FROM tasks
                                              WHERE plan_id = ? AND json_extract(spec_json, '$.sweep') IS NOT NULL)
      ORDER BY t.id`,
  );
  const groupById = db.prepare<[number], GroupRow>(
    `SELECT ${SWEEP_GROUP_COLUMNS} FROM ${SWEEP_GROUP_FROM} WHERE t.id = ?`,
  );
  const markGroup = db.prepare<[string, number]>(
    "UPDATE task_runs SET status = 'pending', sweep_need = ? WHERE id = ?",
  );
  const insertPoint = db.prepare<{
    group: number;
    key: string;
    params: string;
    status: string;
    deps: number;
    now: number;
    concurrencyKey: string | null;
    concurrencyLimit: number | null;
    index: number;
    point: string;
  }>(
    `INSERT INTO task_runs (run_id, task_key, kind, spec_json, spec_version, params_json, status, pending_deps,
                            priority, queue, attempt, max_attempts, available_at, concurrency_key,
                            concurrency_limit, sweep_group_id, point_index, point_params_json, handler)
     SELECT run_id, @key, kind, spec_json, spec_version, @params, @status, @deps, priority, queue, 0,
            max_attempts, @now, @concurrencyKey, @concurrencyLimit, id, @index, @point, handler
       FROM task_runs WHERE id = @group`,
  );
  // Run before the point → group edges exist, so that only the group's upstreams are copied.
  const copyUpstreamEdges = db.prepare<[number]>(
    `INSERT INTO task_run_dependencies (run_id, from_id, to_id)
     SELECT d.run_id, d.from_id, p.id FROM task_run_dependencies d JOIN task_runs p ON p.sweep_group_id = d.to_id
      WHERE d.to_id = ?`,
  );
  const pointEdges = db.prepare<[number]>(
    `INSERT INTO task_run_dependencies (run_id, from_id, to_id)
     SELECT run_id, id, sweep_group_id FROM task_runs WHERE sweep_group_id = ?`,
  );
  const setExpanded = db.prepare<[number, number, number]>(
    "UPDATE task_runs SET point_count = ?, pending_deps = pending_deps + ? WHERE id = ?",
  );
  const upstreamOutput = db.prepare<
    [string, string],
    { output_text: string | null; output_json: string | null }
  >("SELECT output_text, output_json FROM task_runs WHERE run_id = ? AND task_key = ?");
  const pointsOf = db.prepare<
    [number],
    { status: string; output_text: string | null; output_json: string | null }
  >("SELECT status, output_text, output_json FROM task_runs WHERE sweep_group_id = ? ORDER BY point_index");
  const storeOutputs = db.prepare<[string, string, number]>(
    "UPDATE task_runs SET output_text = ?, output_json = ?, error = NULL, reason = NULL WHERE id = ?",
  );
  const spareOfPoint = db.prepare<[number], { one: number }>(
    `SELECT 1 AS one FROM task_runs p JOIN task_runs g ON g.id = p.sweep_group_id AND g.sweep_need = 'any'
       JOIN task_runs s ON s.sweep_group_id = g.id AND s.id <> p.id
      WHERE p.id = ? AND s.status NOT IN ('failed', 'cancelled', 'blocked', 'skipped') LIMIT 1`,
  );
  const openPoints = db.prepare<
    [number],
    { id: number; run_id: string; task_key: string; status: TaskRunStatus; attempt: number }
  >(
    `SELECT id, run_id, task_key, status, attempt FROM task_runs
      WHERE sweep_group_id = ? AND status IN (${UNNEEDED_POINT_STATUSES.map((status) => `'${status}'`).join(",")})
      ORDER BY point_index`,
  );
  const endRunningAttempt = db.prepare<[number, string, number, number]>(
    `UPDATE task_attempts SET status = 'cancelled', finished_at = ?, error = ?, reason = 'cancelled'
      WHERE task_run_id = ? AND attempt = ? AND finished_at IS NULL`,
  );

  /** Inserts the points with the group's upstreams (`deps` still missing), then points the group at them. */
  function expand(group: GroupRow, points: Record<string, ParamValue>[], now: number): void {
    const definition = JSON.parse(group.spec_json) as TaskDefinition;
    const base = JSON.parse(group.params_json) as Record<string, ParamValue>;
    const deps = group.pending_deps;
    points.forEach((point, index) => {
      const params = pointParams(base, point);
      const concurrency = pointConcurrency(definition, params, group.run_id, group.plan_slug);
      insertPoint.run({
        group: group.id,
        key: pointTaskKey(group.task_key, index),
        params: JSON.stringify(params),
        status: deps === 0 ? "ready" : "pending",
        deps,
        now,
        concurrencyKey: concurrency?.key ?? null,
        concurrencyLimit: concurrency?.limit ?? null,
        index,
        point: JSON.stringify(point),
      });
    });
    copyUpstreamEdges.run(group.id);
    pointEdges.run(group.id);
    setExpanded.run(
      points.length,
      pointsNeeded(definition.sweep ?? { need: "all" }, points.length),
      group.id,
    );
  }

  function succeed(group: GroupRow, outputs: unknown[], now: number): void {
    const text = JSON.stringify(outputs);
    storeOutputs.run(text, text, group.id);
    move(movable(group), "succeeded", now, { data: { points: outputs.length } });
    if (group.sweep_need === "any") stopUnneededPoints(group, now);
  }

  /**
   * A `need: any` group succeeded: its other points are not needed any more. Running ones are cancelled like
   * an operator cancel (their worker sees it on its next poll and stops the attempt, whose late result is
   * stale), the others are skipped or cancelled (core's `unneededPointStatus`).
   */
  function stopUnneededPoints(group: GroupRow, now: number): void {
    const error = unneededPointError(group.task_key);
    for (const point of openPoints.all(group.id)) {
      const to = unneededPointStatus(point.status);
      if (to === null) continue;
      const data = { notNeeded: group.task_key };
      const fields = to === "cancelled" ? { reason: "cancelled" as const, error, data } : { data };
      move(movableRow(point, point.status), to, now, fields);
      if (point.status === "running") endRunningAttempt.run(now, error, point.id, point.attempt);
    }
  }

  return {
    expandAtCreation(runId, planId, now) {
      for (const group of sweptTasks.all(runId, planId)) {
        const sweep = (JSON.parse(group.spec_json) as TaskDefinition).sweep;
        if (!sweep) continue;
        markGroup.run(sweep.need, group.id);
        if (!("itemsFrom" in sweep)) expand(group, staticPoints(sweep), now);
      }
    },

    settle(groupIds, now) {
      const succeeded: number[] = [];
      const failed: { id: number; task_key: string }[] = [];
      for (const id of groupIds) {
        const group = groupById.get(id);
        if (group?.status !== "pending" || group.pending_deps > 0) continue;
        const sweep = (JSON.parse(group.spec_json) as TaskDefinition).sweep;
        if (group.point_count !== null || !sweep || !("itemsFrom" in sweep)) {
          succeed(group, sweepOutputs(pointsOf.all(group.id)), now);
          succeeded.push(group.id);
          continue;
        }
        const upstream = upstreamOutput.get(group.run_id, sweep.itemsFrom);
        const found = pointsFromOutput(
          sweep.itemsFrom,
          upstream?.output_json ?? upstream?.output_text ?? null,
        );
        if (!found.ok) {
          move(movable(group), "failed", now, { reason: "sweep_items", error: found.error });
          failed.push(group);
        } else if (found.points.length === 0) {
          succeed(group, [], now);
          succeeded.push(group.id);
        } else {
          expand(group, found.points, now);
          writeEvent({
            type: "task_run.sweep",
            runId: group.run_id,
            taskRunId: group.id,
            taskKey: group.task_key,
            data: { points: found.points.length, from: sweep.itemsFrom },
            at: now,
          });
        }
      }
      return { succeeded, failed };
    },

    othersMaySucceed(pointId) {
      return spareOfPoint.get(pointId) !== undefined;
    },
  };
}
