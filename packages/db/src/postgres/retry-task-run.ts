import {
  decideRetryDefinition,
  handlerOf,
  IllegalTransitionError,
  NotFoundError,
  type OperatorAudit,
  type ParamValue,
  type RetryDefinition,
  type TaskDefinition,
  type TaskRunStatus,
} from "@taskloom/core";
import { runnableStatus } from "../approval-parking.ts";
import { type SweepRetryRow, sweepRetryData, sweepRetryOf, sweepSourceOf } from "../sweep-retry.ts";
import { retryAuditEvent, retryMoveFields } from "../task-run-move.ts";
import { writeEvents } from "./event-writer.ts";
import { lockRun, moveRun, moveTaskRuns, unblockDownstream } from "./task-run-transitions.ts";
import type { Queryable } from "./transaction.ts";

/**
 * Operator retry of a failed task run (the PostgreSQL twin of sqlite/retry-task-run.ts): it goes back to
 * `ready` with a fresh retry budget, the dependents it had blocked go back to `pending`, and a failed run
 * re-opens. Dependents still cut off by another failed task are blocked again by that task, so the run can
 * always finish. The run row is locked for the whole change. Which definition it runs next is decided by
 * core's `decideRetryDefinition`, as on SQLite: the plan's current one by default, else the frozen copy. A
 * sweep that failed on its `itemsFrom` output is retried through that upstream, as on SQLite.
 */
export async function retryTaskRun(
  client: Queryable,
  runId: string,
  taskKey: string,
  now: number,
  choice: RetryDefinition,
  audit?: OperatorAudit,
): Promise<void> {
  const run = await lockRun(client, runId);
  if (!run) throw new NotFoundError("run", runId);
  const row = await findTaskRun(client, runId, taskKey);
  if (!row) throw new NotFoundError("task", `${runId}/${taskKey}`);
  const sourceKey = row.sweep_need === null ? null : sweepSourceOf(row, taskKey);
  if (row.status !== "failed") {
    throw new IllegalTransitionError("task_run", row.status, "ready", "only a failed task can be retried");
  }
  if (run.status === "cancelled") {
    throw new IllegalTransitionError("run", run.status, "running", "a cancelled run cannot be resumed");
  }
  let used: string;
  if (sourceKey === null) {
    used = await renew(client, runId, taskKey, row, choice, now, { operator: "retry" });
  } else {
    // A sweep whose `itemsFrom` output could not be expanded: that upstream runs again, and the sweep waits
    // for it as at the start, to expand from its new output.
    const source = await findTaskRun(client, runId, sourceKey);
    if (!source) throw new NotFoundError("task", `${runId}/${sourceKey}`);
    const data = sweepRetryData(taskKey, sourceKey);
    used = await renew(client, runId, sourceKey, source, choice, now, data);
    await client.query("UPDATE task_runs SET output_from = NULL, output_from_run_id = NULL WHERE id = $1", [
      source.id,
    ]);
    await moveTaskRuns(
      client,
      [{ id: row.id, runId, taskKey, status: "failed", attempt: row.attempt }],
      "pending",
      now,
      { reason: null, error: null, data },
    );
    // The dependents the upstream's success had counted down wait for it again (in id order, as lockers do).
    await client.query(
      `UPDATE task_runs SET pending_deps = pending_deps + 1
        WHERE id IN (SELECT t.id FROM task_runs t JOIN task_run_dependencies d ON d.to_id = t.id
                      WHERE d.from_id = $1 AND t.status IN ('pending', 'blocked') ORDER BY t.id FOR NO KEY UPDATE)`,
      [source.id],
    );
  }
  await unblockDownstream(client, runId, row.id, now);
  if (run.status === "failed") await moveRun(client, runId, "failed", "running", now, { operator: "retry" });
  if (audit) {
    await writeEvents(client, [retryAuditEvent(row, runId, taskKey, audit, used, now, sourceKey)]);
  }
}

type TaskRunRow = SweepRetryRow & {
  id: number;
  status: TaskRunStatus;
  attempt: number;
  spec_version: number | null;
};

async function findTaskRun(
  client: Queryable,
  runId: string,
  taskKey: string,
): Promise<TaskRunRow | undefined> {
  const { rows } = await client.query<TaskRunRow>(
    `SELECT id, status, attempt, spec_json, spec_version, sweep_need, point_params_json
       FROM task_runs WHERE run_id = $1 AND task_key = $2`,
    [runId, taskKey],
  );
  return rows[0];
}

/**
 * Puts one task run back on its way (`ready`, or `waiting` for an approval) with a renewed budget and the
 * chosen definition. Returns which definition it took.
 */
async function renew(
  client: Queryable,
  runId: string,
  taskKey: string,
  row: TaskRunRow,
  choice: RetryDefinition,
  now: number,
  data: Record<string, unknown>,
): Promise<string> {
  const sweepRetry = sweepRetryOf(row, taskKey);
  const { rows: plans } = await client.query<{
    plan_id: string;
    plan_slug: string;
    plan_version: number;
    run_params: string;
    latest_version: number;
    graph_json: string;
    current_spec: string | null;
    current_params: string | null;
  }>(
    `SELECT r.plan_id, p.slug AS plan_slug, r.plan_version, r.params_json AS run_params,
            p.version AS latest_version, r.graph_json,
            t.spec_json AS current_spec, p.params_json AS current_params
       FROM runs r JOIN plans p ON p.id = r.plan_id LEFT JOIN tasks t ON t.plan_id = p.id AND t.key = $2
      WHERE r.id = $1`,
    [runId, sweepRetry.definitionKey],
  );
  const plan = plans[0];
  if (!plan) throw new NotFoundError("run", runId);
  const graph = JSON.parse(plan.graph_json) as {
    tasks: TaskDefinition[];
    params: Record<string, ParamValue>;
  };
  const frozenTask = graph.tasks.find((task) => task.key === sweepRetry.definitionKey);
  // A run's graph always holds its own tasks; a row without one would be a corrupt run.
  if (!frozenTask) throw new NotFoundError("task definition", `${runId}/${taskKey}`);
  const decision = decideRetryDefinition({
    choice,
    current:
      plan.current_spec === null
        ? undefined
        : {
            task: JSON.parse(plan.current_spec) as TaskDefinition,
            planParams: JSON.parse(plan.current_params ?? "{}") as Record<string, ParamValue>,
            planVersion: plan.latest_version,
          },
    frozen: { task: frozenTask, planParams: graph.params },
    held: {
      task: JSON.parse(row.spec_json) as TaskDefinition,
      version: row.spec_version ?? plan.plan_version,
    },
    runPlanVersion: plan.plan_version,
    runParams: JSON.parse(plan.run_params) as Record<string, ParamValue>,
  });
  const { definition, change } = decision;
  if (change) {
    const columns = sweepRetry.columns(definition, change.params, runId, plan.plan_slug);
    await client.query(
      "UPDATE task_attempts SET spec_json = $1, spec_version = $2 WHERE task_run_id = $3 AND spec_json IS NULL",
      [row.spec_json, change.stampVersion, row.id],
    );
    await client.query(
      `UPDATE task_runs SET kind = $2, spec_json = $3, spec_version = $4, params_json = $5, priority = $6, queue = $7,
              concurrency_key = $8, concurrency_limit = $9, handler = $10
        WHERE id = $1`,
      [
        row.id,
        definition.kind,
        JSON.stringify(definition),
        change.specVersion,
        columns.params,
        definition.priority,
        definition.queue,
        columns.concurrencyKey,
        columns.concurrencyLimit,
        handlerOf(definition),
      ],
    );
  }
  await moveTaskRuns(
    client,
    [{ id: row.id, runId, taskKey, status: row.status, attempt: row.attempt }],
    "ready",
    now,
    retryMoveFields(row.attempt, decision, data),
  );
  // A rejected approval asks again: it waits for a new decision instead of being claimed.
  if (runnableStatus(definition) === "waiting") {
    await moveTaskRuns(
      client,
      [{ id: row.id, runId, taskKey, status: "ready", attempt: row.attempt }],
      "waiting",
      now,
    );
  }
  return decision.used;
}
