import {
  decideRetryDefinition,
  handlerOf,
  IllegalTransitionError,
  NotFoundError,
  type OperatorAudit,
  type ParamValue,
  type RetryDefinition,
  type RunStatus,
  type TaskDefinition,
  type TaskRunStatus,
} from "@taskloom/core";
import { runnableStatus } from "../approval-parking.ts";
import { type SweepRetryRow, sweepRetryData, sweepRetryOf, sweepSourceOf } from "../sweep-retry.ts";
import { retryAuditEvent, retryMoveFields } from "../task-run-move.ts";
import { prepareEventWriter } from "./event-writer.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";
import type { TaskRunTransitions } from "./task-run-transitions.ts";

/** The run a retry re-opens, with its plan's slug and latest version. */
interface RunRow {
  status: RunStatus;
  plan_id: string;
  plan_slug: string;
  plan_version: number;
  params_json: string;
  latest_version: number;
}

/** A task run as a retry reads it. */
type TaskRunRow = SweepRetryRow & {
  id: number;
  status: TaskRunStatus;
  attempt: number;
  spec_version: number | null;
};

/** A task's definition as a retry may take it, with the plan-level params it combines with. */
interface DefinitionRow {
  spec_json: string;
  plan_params: string;
}

/**
 * Operator retry of a failed task run: it goes back to `ready` with a fresh retry budget
 * (`renewedMaxAttempts` in core), the dependents it
 * had blocked go back to `pending`, and a failed run re-opens. Dependents that are still cut off by another
 * failed task are blocked again by that task, so the run can always finish.
 *
 * What it runs next is `definition`'s choice: the plan's current definition of the task (so that a fix saved
 * after the failure is what runs; the fallback when the task is gone from the plan is the frozen copy), or the
 * copy frozen in the run's graph. The graph (its `requires` edges) stays frozen. When the definition changes,
 * the attempts that ran the old one are stamped with it first, so each attempt keeps the definition it ran.
 *
 * A sweep that failed on its `itemsFrom` output (`sweepSourceOf`) is retried through that upstream: the
 * upstream runs again (with the definition chosen as above), the sweep waits for it again, and so does every
 * dependent of it still waiting; the sweep then expands from the new output.
 */
export function prepareRetryTaskRun(
  db: SqliteDatabase,
  transitions: TaskRunTransitions,
): (runId: string, taskKey: string, now: number, definition: RetryDefinition, audit?: OperatorAudit) => void {
  const writeEvent = prepareEventWriter(db);
  const findRun = db.prepare<[string], RunRow>(
    `SELECT r.status, r.plan_id, p.slug AS plan_slug, r.plan_version, r.params_json, p.version AS latest_version
       FROM runs r JOIN plans p ON p.id = r.plan_id WHERE r.id = ?`,
  );
  const findTaskRun = db.prepare<[string, string], TaskRunRow>(
    `SELECT id, status, attempt, spec_json, spec_version, sweep_need, point_params_json
       FROM task_runs WHERE run_id = ? AND task_key = ?`,
  );
  const currentDefinition = db.prepare<[string, string], DefinitionRow>(
    `SELECT t.spec_json, p.params_json AS plan_params FROM tasks t JOIN plans p ON p.id = t.plan_id
      WHERE t.plan_id = ? AND t.key = ?`,
  );
  const frozenDefinition = db.prepare<[string, string], DefinitionRow>(
    `SELECT task.value AS spec_json, json_extract(r.graph_json, '$.params') AS plan_params
       FROM runs r, json_each(r.graph_json, '$.tasks') task
      WHERE r.id = ? AND json_extract(task.value, '$.key') = ?`,
  );
  const stampAttempts = db.prepare<[string, number, number]>(
    "UPDATE task_attempts SET spec_json = ?, spec_version = ? WHERE task_run_id = ? AND spec_json IS NULL",
  );
  const setDefinition = db.prepare<{
    id: number;
    kind: string;
    spec: string;
    version: number | null;
    params: string;
    priority: number;
    queue: string;
    concurrencyKey: string | null;
    concurrencyLimit: number | null;
    handler: string | null;
  }>(
    `UPDATE task_runs SET kind = @kind, spec_json = @spec, spec_version = @version, params_json = @params,
            priority = @priority, queue = @queue, concurrency_key = @concurrencyKey,
            concurrency_limit = @concurrencyLimit, handler = @handler
      WHERE id = @id`,
  );

  // A sweep retry runs its upstream again: the dependents its success had counted down wait for it again.
  const countAgain = db.prepare<[number]>(
    `UPDATE task_runs SET pending_deps = pending_deps + 1
      WHERE id IN (SELECT to_id FROM task_run_dependencies WHERE from_id = ?) AND status IN ('pending', 'blocked')`,
  );
  const clearOutputSource = db.prepare<[number]>(
    "UPDATE task_runs SET output_from = NULL, output_from_run_id = NULL WHERE id = ?",
  );

  /**
   * Puts one task run back on its way (`ready`, or `waiting` for an approval) with a renewed budget and the
   * chosen definition. Returns which definition it took.
   */
  function renew(
    run: RunRow,
    runId: string,
    taskKey: string,
    row: TaskRunRow,
    choice: RetryDefinition,
    now: number,
    data: Record<string, unknown>,
  ): string {
    const sweepRetry = sweepRetryOf(row, taskKey);
    const current =
      choice === "current" ? currentDefinition.get(run.plan_id, sweepRetry.definitionKey) : undefined;
    const frozen = frozenDefinition.get(runId, sweepRetry.definitionKey);
    // A run's graph always holds its own tasks; a row without one would be a corrupt run.
    if (!frozen) throw new NotFoundError("task definition", `${runId}/${taskKey}`);
    const decision = decideRetryDefinition({
      choice,
      current: current && {
        task: JSON.parse(current.spec_json) as TaskDefinition,
        planParams: JSON.parse(current.plan_params) as Record<string, ParamValue>,
        planVersion: run.latest_version,
      },
      frozen: {
        task: JSON.parse(frozen.spec_json) as TaskDefinition,
        planParams: JSON.parse(frozen.plan_params) as Record<string, ParamValue>,
      },
      held: {
        task: JSON.parse(row.spec_json) as TaskDefinition,
        version: row.spec_version ?? run.plan_version,
      },
      runPlanVersion: run.plan_version,
      runParams: JSON.parse(run.params_json) as Record<string, ParamValue>,
    });
    const { definition, change } = decision;
    if (change) {
      stampAttempts.run(row.spec_json, change.stampVersion, row.id);
      setDefinition.run({
        id: row.id,
        kind: definition.kind,
        spec: JSON.stringify(definition),
        version: change.specVersion,
        ...sweepRetry.columns(definition, change.params, runId, run.plan_slug),
        priority: definition.priority,
        queue: definition.queue,
        handler: handlerOf(definition),
      });
    }
    transitions.move(
      { id: row.id, runId, taskKey, status: row.status, attempt: row.attempt },
      "ready",
      now,
      retryMoveFields(row.attempt, decision, data),
    );
    // A rejected approval asks again: it waits for a new decision instead of being claimed.
    if (runnableStatus(definition) === "waiting") {
      transitions.move({ id: row.id, runId, taskKey, status: "ready", attempt: row.attempt }, "waiting", now);
    }
    return decision.used;
  }

  const retry = db.transaction(
    (runId: string, taskKey: string, now: number, choice: RetryDefinition, audit?: OperatorAudit) => {
      const run = findRun.get(runId);
      if (!run) throw new NotFoundError("run", runId);
      const row = findTaskRun.get(runId, taskKey);
      if (!row) throw new NotFoundError("task", `${runId}/${taskKey}`);
      const sourceKey = row.sweep_need === null ? null : sweepSourceOf(row, taskKey);
      if (row.status !== "failed") {
        throw new IllegalTransitionError(
          "task_run",
          row.status,
          "ready",
          "only a failed task can be retried",
        );
      }
      if (run.status === "cancelled") {
        throw new IllegalTransitionError("run", run.status, "running", "a cancelled run cannot be resumed");
      }
      let used: string;
      if (sourceKey === null) {
        used = renew(run, runId, taskKey, row, choice, now, { operator: "retry" });
      } else {
        // A sweep whose `itemsFrom` output could not be expanded: that upstream runs again, and the sweep
        // waits for it as at the start, to expand from its new output.
        const source = findTaskRun.get(runId, sourceKey);
        if (!source) throw new NotFoundError("task", `${runId}/${sourceKey}`);
        const data = sweepRetryData(taskKey, sourceKey);
        used = renew(run, runId, sourceKey, source, choice, now, data);
        clearOutputSource.run(source.id);
        transitions.move(
          { id: row.id, runId, taskKey, status: "failed", attempt: row.attempt },
          "pending",
          now,
          {
            reason: null,
            error: null,
            data,
          },
        );
        countAgain.run(source.id);
      }
      transitions.unblockDownstream(runId, row.id, now);
      if (run.status === "failed")
        transitions.moveRun(runId, "failed", "running", now, { operator: "retry" });
      if (audit) writeEvent(retryAuditEvent(row, runId, taskKey, audit, used, now, sourceKey));
    },
  );

  return (runId, taskKey, now, definition, audit) => retry.immediate(runId, taskKey, now, definition, audit);
}
