import {
  type ConcurrencyPolicy,
  type CreatedRun,
  type CreateRunInput,
  effectiveParams,
  NotFoundError,
  type ParamValue,
  type PlanDefinition,
  renderConcurrency,
  type TaskDefinition,
} from "@taskloom/core";
import { runnableStatusSql } from "../approval-parking.ts";
import { runCreatedEvent } from "../task-run-move.ts";
import { prepareEventWriter } from "./event-writer.ts";
import type { NewId } from "./import-plan.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";
import { prepareReuseOutputs } from "./reuse-outputs.ts";
import { prepareSweepGroups } from "./sweep-groups.ts";
import type { TaskRunTransitions } from "./task-run-transitions.ts";

/**
 * Starting a run freezes the plan: the run keeps the definition it started from, each task run keeps its own
 * task definition and effective params, and the `requires` edges are copied between task runs. Task runs are
 * inserted in plan-file order, so their integer ids are the claim order's tie-breaker. A task with no
 * `requires` starts `ready`; the others start `pending` with `pending_deps` = their number of upstreams.
 *
 * The task runs and their edges are copied inside SQLite, from the `tasks` and `task_links` rows that import
 * wrote in the same transaction as the definition: a run of 20,000 tasks never goes through JavaScript row by
 * row (parsing the definition and binding every row took most of createRun's time).
 */
export function prepareCreateRun(
  db: SqliteDatabase,
  newId: NewId,
  transitions: TaskRunTransitions,
): (input: CreateRunInput) => CreatedRun {
  const writeEvent = prepareEventWriter(db);
  const reuseOutputs = prepareReuseOutputs(db, transitions);
  const sweeps = prepareSweepGroups(db, transitions.move);
  const findPlan = db.prepare<
    [string],
    {
      id: string;
      slug: string;
      version: number;
      definition_json: string;
      params_json: string;
      base_dir: string | null;
    }
  >("SELECT id, slug, version, definition_json, params_json, base_dir FROM plans WHERE slug = ?");
  const insertRun = db.prepare(
    `INSERT INTO runs (id, plan_id, plan_version, graph_json, status, trigger, params_json, base_dir, created_at)
     VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
  );
  const copyTaskRuns = db.prepare<{ runId: string; planId: string; params: string; now: number }>(
    `INSERT INTO task_runs (run_id, task_key, kind, spec_json, params_json, status, pending_deps, priority, queue,
                            attempt, max_attempts, available_at, handler)
     SELECT @runId, t.key, t.kind, t.spec_json, @params,
            CASE WHEN d.upstreams IS NULL THEN ${runnableStatusSql("t.kind")} ELSE 'pending' END, coalesce(d.upstreams, 0),
            t.priority, t.queue, 0, json_extract(t.retry_json, '$.max') + 1, @now,
            CASE WHEN t.kind = 'function' THEN json_extract(t.spec_json, '$.spec.handler') END
       FROM tasks t
       LEFT JOIN (SELECT to_key, count(*) AS upstreams FROM task_links
                   WHERE plan_id = @planId AND kind = 'requires' GROUP BY to_key) d ON d.to_key = t.key
      WHERE t.plan_id = @planId
      ORDER BY t.position`,
  );
  // Tasks with params of their own; the others share the plan's and the run's, bound once above.
  const tasksWithParams = db.prepare<[string], { key: string; params: string }>(
    `SELECT key, json_extract(spec_json, '$.params') AS params FROM tasks
      WHERE plan_id = ? AND json_extract(spec_json, '$.params') != '{}'`,
  );
  const setParams = db.prepare("UPDATE task_runs SET params_json = ? WHERE run_id = ? AND task_key = ?");
  // Tasks with a concurrency key: it is rendered with the task run's params, here, once (the claim compares it).
  const tasksWithConcurrency = db.prepare<[string], { key: string; concurrency: string; params: string }>(
    `SELECT key, json_extract(spec_json, '$.concurrency') AS concurrency,
            json_extract(spec_json, '$.params') AS params
       FROM tasks WHERE plan_id = ? AND json_extract(spec_json, '$.concurrency') IS NOT NULL`,
  );
  const setConcurrency = db.prepare(
    "UPDATE task_runs SET concurrency_key = ?, concurrency_limit = ? WHERE run_id = ? AND task_key = ?",
  );
  const copyDependencies = db.prepare<{ runId: string; planId: string }>(
    `INSERT INTO task_run_dependencies (run_id, from_id, to_id)
     SELECT @runId, f.id, t.id
       FROM task_links l
       JOIN task_runs f ON f.run_id = @runId AND f.task_key = l.from_key
       JOIN task_runs t ON t.run_id = @runId AND t.task_key = l.to_key
      WHERE l.plan_id = @planId AND l.kind = 'requires'`,
  );

  const createRun = db.transaction((input: CreateRunInput): CreatedRun => {
    const plan = findPlan.get(input.planSlug);
    if (!plan) throw new NotFoundError("plan", input.planSlug);
    const runId = newId("run");
    insertRun.run(
      runId,
      plan.id,
      plan.version,
      plan.definition_json,
      input.trigger,
      JSON.stringify(input.params),
      plan.base_dir,
      input.now,
    );
    // effectiveParams reads only the plan's and the task's params.
    const planParams = { params: JSON.parse(plan.params_json) } as PlanDefinition;
    const paramsOf = (params: Record<string, ParamValue>) =>
      JSON.stringify(effectiveParams(planParams, { params } as TaskDefinition, input.params));
    const { changes: taskCount } = copyTaskRuns.run({
      runId,
      planId: plan.id,
      params: paramsOf({}),
      now: input.now,
    });
    for (const task of tasksWithParams.all(plan.id)) {
      setParams.run(paramsOf(JSON.parse(task.params) as Record<string, ParamValue>), runId, task.key);
    }
    for (const task of tasksWithConcurrency.all(plan.id)) {
      const params = JSON.parse(paramsOf(JSON.parse(task.params) as Record<string, ParamValue>));
      const rendered = renderConcurrency(
        { concurrency: JSON.parse(task.concurrency) as ConcurrencyPolicy },
        { params, run: { id: runId }, plan: { slug: plan.slug } },
      );
      if (rendered) setConcurrency.run(rendered.key, rendered.limit, runId, task.key);
    }
    copyDependencies.run({ runId, planId: plan.id });
    sweeps.expandAtCreation(runId, plan.id, input.now);
    writeEvent(runCreatedEvent(runId, plan, input, taskCount));
    if (input.reuse) reuseOutputs(runId, input.reuse, input.now);
    if (taskCount === 0 || input.reuse) transitions.finalizeRunIfDone(runId, input.now);
    return { runId, planSlug: plan.slug, planVersion: plan.version, taskCount };
  });

  return (input) => createRun.immediate(input);
}
