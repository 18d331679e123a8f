import type { TaskRunStatus } from "@taskloom/core";
import type { MovableRow, MoveFields } from "./task-run-move.ts";

/** A sweep group's columns, as both stores' expansion and settling select them (snake_case). */
export interface SweepGroupRow {
  id: number;
  run_id: string;
  task_key: string;
  attempt: number;
  spec_json: string;
  params_json: string;
  pending_deps: number;
  point_count: number | null;
  /** `all` or `any` once the group is marked at run creation. */
  sweep_need: string | null;
  status: TaskRunStatus;
  plan_slug: string;
}

/** The columns of `SweepGroupRow`, from `task_runs t` joined to its run and plan `p`. */
export const SWEEP_GROUP_COLUMNS = `t.id, t.run_id, t.task_key, t.attempt, t.spec_json, t.params_json,
  t.pending_deps, t.point_count, t.sweep_need, t.status, p.slug AS plan_slug`;
export const SWEEP_GROUP_FROM = "task_runs t JOIN runs r ON r.id = t.run_id JOIN plans p ON p.id = r.plan_id";

/** A guarded status change with its event, as each store's transitions make it. */
export type SweepMove = (row: MovableRow, to: TaskRunStatus, now: number, fields?: MoveFields) => unknown;

export const movableGroup = (group: SweepGroupRow): MovableRow => ({
  id: group.id,
  runId: group.run_id,
  taskKey: group.task_key,
  status: group.status,
  attempt: group.attempt,
});
