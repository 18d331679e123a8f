import {
  type Clock,
  type CreatedRun,
  checkAudit,
  type ParamValue,
  planReplay,
  planRerun,
  type ReadModel,
  type RerunFrom,
  type RerunSourceTask,
  type RetryDefinition,
  type RunTrigger,
  type TaskAction,
  type TaskloomStore,
  type TaskRunStatus,
} from "@taskloom/core";

/** Who acts and why, as a client gives them (checked by core's `checkAudit`). */
export interface ActorInput {
  /** The CLI user (`cli:<login>`), the token identity, or `dashboard`. */
  actor: string;
  /** Why; required to resolve or skip. Default none. */
  reason?: string | null;
}

export interface RerunInput extends ActorInput {
  /** `{ task }`: rerun that task and its downstream; `"failure"`: rerun what did not succeed. */
  from: RerunFrom;
  /** The new run's trigger. Default `manual`. */
  trigger?: RunTrigger;
}

export interface RerunResult extends CreatedRun {
  /** Tasks whose output was taken from the source run. */
  reused: string[];
  /** Tasks that run again. */
  rerun: string[];
}

/**
 * Operator actions for every client (CLI, API, library): each checks its audit with core's rules and
 * delegates to the store, which applies the state rules, moves and events in one transaction.
 */
export class OperatorService {
  readonly #store: TaskloomStore;
  readonly #queries: ReadModel;
  readonly #clock: Clock;

  constructor(deps: { store: TaskloomStore; queries: ReadModel; clock: Clock }) {
    this.#store = deps.store;
    this.#queries = deps.queries;
    this.#clock = deps.clock;
  }

  /** Resolve, skip, reset the attempts of, or cancel one task of a run (see `OperatorStore.applyTaskAction`). */
  async applyTaskAction(
    input: { runId: string; taskKey: string; action: TaskAction; output?: string | null } & ActorInput,
  ): Promise<void> {
    const audit = checkAudit(input.action, input);
    await this.#store.applyTaskAction({
      action: input.action,
      runId: await this.#queries.resolveRunId(input.runId),
      taskKey: input.taskKey,
      output: input.output ?? null,
      audit,
      now: this.#clock.now(),
    });
  }

  /** Retries a failed task in its run (in place), recording who and why. */
  async retry(runId: string, taskKey: string, definition: RetryDefinition, who: ActorInput): Promise<void> {
    const audit = checkAudit("retry", who);
    const id = await this.#queries.resolveRunId(runId);
    await this.#store.retryTaskRun(id, taskKey, this.#clock.now(), definition, audit);
  }

  /**
   * A new run of the plan's current version with the source run's params, reusing the outputs core's
   * `planRerun` picks: from a task, everything upstream of it (unless changed); from failure, everything that
   * succeeded and does not depend on what failed.
   */
  async rerun(runId: string, input: RerunInput): Promise<RerunResult> {
    const audit = checkAudit("rerun", input);
    const source = await this.#queries.getRun(runId);
    const { definition } = await this.#store.getPlanDefinition(source.planSlug);
    const ran = new Map<string, RerunSourceTask>();
    const frozen = new Map(source.graph.tasks.map((task) => [task.key, task]));
    for (const task of source.tasks) {
      const held = task.definition ?? frozen.get(task.key);
      if (held) ran.set(task.key, { status: task.status, definition: held });
    }
    const plan = planRerun({
      sourceRunId: source.id,
      sourceStatus: source.status,
      tasks: definition.tasks,
      source: ran,
      from: input.from,
    });
    const created = await this.#store.createRun({
      planSlug: source.planSlug,
      trigger: input.trigger ?? "manual",
      params: rerunParams(definition.params, source.params),
      now: this.#clock.now(),
      reuse: {
        sourceRunId: source.id,
        taskKeys: plan.reuse,
        fromTask: input.from === "failure" ? null : input.from.task,
        audit,
      },
    });
    return { ...created, reused: plan.reuse, rerun: plan.run };
  }

  /**
   * A new run of the plan's current version that runs `taskKey` alone (core's `planReplay`): every other task
   * reuses its output from the source run, or is skipped when it has none. With the source run's params.
   * `beforeCreate` (default none) runs once the replay is known to be possible, just before the run is
   * created: what the run's task must find when it is claimed is stored there.
   */
  async replayTask(
    runId: string,
    taskKey: string,
    who: ActorInput,
    beforeCreate?: () => Promise<void>,
  ): Promise<ReplayRunResult> {
    const audit = checkAudit("replay", who);
    const source = await this.#queries.getRun(runId);
    const { definition } = await this.#store.getPlanDefinition(source.planSlug);
    const statuses = new Map<string, TaskRunStatus>(source.tasks.map((task) => [task.key, task.status]));
    const plan = planReplay({ taskKey, tasks: definition.tasks, source: statuses });
    await beforeCreate?.();
    const created = await this.#store.createRun({
      planSlug: source.planSlug,
      trigger: "manual",
      params: rerunParams(definition.params, source.params),
      now: this.#clock.now(),
      reuse: {
        sourceRunId: source.id,
        taskKeys: plan.reuse,
        fromTask: taskKey,
        audit,
        skipTaskKeys: plan.skip,
        action: "replay",
      },
    });
    return { ...created, reused: plan.reuse, skipped: plan.skip };
  }
}

export interface ReplayRunResult extends CreatedRun {
  /** Tasks whose output was taken from the source run. */
  reused: string[];
  /** Tasks left out (skipped): no output to reuse. */
  skipped: string[];
}

/** The source run's params that the plan still declares (a param removed since is dropped). */
function rerunParams(
  declared: Record<string, ParamValue>,
  source: Record<string, unknown>,
): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = {};
  for (const [name, fallback] of Object.entries(declared)) {
    const value = source[name];
    params[name] =
      typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : fallback;
  }
  return params;
}
