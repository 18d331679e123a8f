import {
  type CreatedRun,
  type CreateRunInput,
  effectiveParams,
  NotFoundError,
  type PlanDefinition,
  type TaskDefinition,
} from "@taskloom/core";
import { prepareBatchedInsert } from "./batched-insert.ts";
import { prepareEventWriter } from "./event-writer.ts";
import type { NewId } from "./import-plan.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";
import type { TaskRunTransitions } from "./task-run-transitions.ts";

/**
 * Starting a run freezes the plan: the run keeps the definition it started from, each task run keeps its own
 * task definition and effective params, and the `requires` edges are copied between task runs. Task runs are
 * inserted in plan-file order, so their integer ids are the claim order's tie-breaker. A task with no
 * `requires` starts `ready`; the others start `pending` with `pending_deps` = their number of upstreams.
 */
export function prepareCreateRun(
  db: SqliteDatabase,
  newId: NewId,
  transitions: TaskRunTransitions,
): (input: CreateRunInput) => CreatedRun {
  const writeEvent = prepareEventWriter(db);
  const findPlan = db.prepare<
    [string],
    { id: string; slug: string; version: number; definition_json: string; base_dir: string | null }
  >("SELECT id, slug, version, definition_json, base_dir FROM plans WHERE slug = ?");
  const insertRun = db.prepare(
    `INSERT INTO runs (id, plan_id, plan_version, graph_json, status, trigger, params_json, base_dir, created_at)
     VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
  );
  const insertTaskRuns = prepareBatchedInsert(db, {
    into: `INSERT INTO task_runs (run_id, task_key, kind, spec_json, params_json, status, pending_deps, priority,
                                  queue, attempt, max_attempts, available_at)`,
    row: "(?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
    // RETURNING's row order is not specified, so the key comes back with each id.
    suffix: "RETURNING id, task_key",
  });
  const insertDependencies = prepareBatchedInsert(db, {
    into: "INSERT INTO task_run_dependencies (run_id, from_id, to_id)",
    row: "(?, ?, ?)",
  });

  const createRun = db.transaction((input: CreateRunInput): CreatedRun => {
    const plan = findPlan.get(input.planSlug);
    if (!plan) throw new NotFoundError("plan", input.planSlug);
    const definition = JSON.parse(plan.definition_json) as PlanDefinition;
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
    // Most tasks set no params of their own: they share one serialization of the plan's and the run's.
    let sharedParams: string | undefined;
    const paramsJson = (task: TaskDefinition) => {
      if (Object.keys(task.params).length > 0)
        return JSON.stringify(effectiveParams(definition, task, input.params));
      sharedParams ??= JSON.stringify(effectiveParams(definition, task, input.params));
      return sharedParams;
    };
    const inserted = insertTaskRuns.all<TaskDefinition, { id: number; task_key: string }>(
      definition.tasks,
      (task) => [
        runId,
        task.key,
        task.kind,
        JSON.stringify(task),
        paramsJson(task),
        task.requires.length === 0 ? "ready" : "pending",
        task.requires.length,
        task.priority,
        task.queue,
        task.retry.max + 1,
        input.now,
      ],
    );
    const ids = new Map(inserted.map((row) => [row.task_key, row.id]));
    const dependencies: [string, number, number][] = [];
    for (const task of definition.tasks) {
      const to = ids.get(task.key);
      for (const upstream of task.requires) {
        const from = ids.get(upstream);
        if (from !== undefined && to !== undefined) dependencies.push([runId, from, to]);
      }
    }
    insertDependencies.run(dependencies, (dependency) => dependency);
    writeEvent({
      type: "run.created",
      runId,
      to: "queued",
      data: {
        plan: plan.slug,
        planVersion: plan.version,
        trigger: input.trigger,
        params: input.params,
        tasks: definition.tasks.length,
      },
      at: input.now,
    });
    if (definition.tasks.length === 0) transitions.finalizeRunIfDone(runId, input.now);
    return { runId, planSlug: plan.slug, planVersion: plan.version, taskCount: definition.tasks.length };
  });

  return (input) => createRun.immediate(input);
}
