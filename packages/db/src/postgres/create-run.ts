import {
  type CreatedRun,
  type CreateRunInput,
  effectiveParams,
  handlerOf,
  initialMaxAttempts,
  NotFoundError,
  type PlanDefinition,
  renderConcurrency,
} from "@taskloom/core";
import { runnableStatus } from "../approval-parking.ts";
import type { NewId } from "../new-id.ts";
import { runCreatedEvent } from "../task-run-move.ts";
import { writeEvents } from "./event-writer.ts";
import { reuseOutputs } from "./reuse-outputs.ts";
import { expandSweepsAtCreation } from "./sweep-groups.ts";
import { finalizeRunIfDone } from "./task-run-transitions.ts";
import { at, type Queryable } from "./transaction.ts";

/**
 * Starting a run freezes the plan (the PostgreSQL twin of sqlite/create-run.ts): the run keeps the definition
 * it started from, each task run keeps its own task definition and effective params, and the `requires` edges
 * are copied between task runs. Task runs are inserted in plan-file order, in one statement whose rows are
 * sorted by that order, so their serial ids are the claim order's tie-breaker. A task with no `requires`
 * starts `ready`; the others start `pending` with `pending_deps` = their number of upstreams.
 */
export async function createRun(client: Queryable, newId: NewId, input: CreateRunInput): Promise<CreatedRun> {
  const { rows: plans } = await client.query<{
    id: string;
    slug: string;
    version: number;
    definition_json: string;
    base_dir: string | null;
  }>("SELECT id, slug, version, definition_json, base_dir FROM plans WHERE slug = $1", [input.planSlug]);
  const plan = plans[0];
  if (!plan) throw new NotFoundError("plan", input.planSlug);
  const definition = JSON.parse(plan.definition_json) as PlanDefinition;
  const tasks = definition.tasks;
  const runId = newId("run");
  const now = at(input.now);
  const params = tasks.map((task) => effectiveParams(definition, task, input.params));
  // Each concurrency key is rendered with its task run's params, here, once (the claim compares it).
  const concurrency = tasks.map((task, index) =>
    renderConcurrency(task, { params: params[index] ?? {}, run: { id: runId }, plan: { slug: plan.slug } }),
  );
  await client.query(
    `INSERT INTO runs (id, plan_id, plan_version, graph_json, status, trigger, params_json, base_dir, created_at)
     VALUES ($1, $2, $3, $4, 'queued', $5, $6, $7, $8)`,
    [
      runId,
      plan.id,
      plan.version,
      plan.definition_json,
      input.trigger,
      JSON.stringify(input.params),
      plan.base_dir,
      now,
    ],
  );
  const { rows: inserted } = await client.query<{ id: number; task_key: string }>(
    `INSERT INTO task_runs (run_id, task_key, kind, spec_json, params_json, status, pending_deps, priority, queue,
                            attempt, max_attempts, available_at, concurrency_key, concurrency_limit, handler)
     SELECT $1, t.key, t.kind, t.spec, t.params, t.status, t.deps, t.priority, t.queue, 0, t.max_attempts, $2,
            t.concurrency_key, t.concurrency_limit, t.handler
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[], $10::text[],
                   $11::int[], $12::text[], $13::int[], $14::text[])
            WITH ORDINALITY AS t(key, kind, spec, params, status, deps, priority, queue, max_attempts,
                                 concurrency_key, concurrency_limit, handler, ord)
      ORDER BY t.ord
     RETURNING id, task_key`,
    [
      runId,
      now,
      tasks.map((task) => task.key),
      tasks.map((task) => task.kind),
      tasks.map((task) => JSON.stringify(task)),
      params.map((values) => JSON.stringify(values)),
      tasks.map((task) => (task.requires.length === 0 ? runnableStatus(task) : "pending")),
      tasks.map((task) => task.requires.length),
      tasks.map((task) => task.priority),
      tasks.map((task) => task.queue),
      tasks.map((task) => initialMaxAttempts(task.retry)),
      concurrency.map((rendered) => rendered?.key ?? null),
      concurrency.map((rendered) => rendered?.limit ?? null),
      tasks.map((task) => handlerOf(task)),
    ],
  );
  const ids = new Map(inserted.map((row) => [row.task_key, row.id]));
  const edges: { from: number; to: number }[] = [];
  for (const task of tasks) {
    const to = ids.get(task.key);
    for (const upstream of task.requires) {
      const from = ids.get(upstream);
      if (from !== undefined && to !== undefined) edges.push({ from, to });
    }
  }
  if (edges.length > 0) {
    await client.query(
      `INSERT INTO task_run_dependencies (run_id, from_id, to_id)
       SELECT $1, d.from_id, d.to_id FROM unnest($2::int[], $3::int[]) AS d(from_id, to_id)`,
      [runId, edges.map((edge) => edge.from), edges.map((edge) => edge.to)],
    );
  }
  if (tasks.some((task) => task.sweep !== undefined)) await expandSweepsAtCreation(client, runId, input.now);
  await writeEvents(client, [runCreatedEvent(runId, plan, input, tasks.length)]);
  if (input.reuse) await reuseOutputs(client, runId, input.reuse, input.now);
  if (tasks.length === 0 || input.reuse) await finalizeRunIfDone(client, runId, input.now);
  return { runId, planSlug: plan.slug, planVersion: plan.version, taskCount: tasks.length };
}
