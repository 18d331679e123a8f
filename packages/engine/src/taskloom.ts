import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  type Clock,
  type CreatedRun,
  type EventRecord,
  type FunctionTaskDefinition,
  handlerMap,
  handlerWait,
  isTerminalRunStatus,
  type Logger,
  liveHandlers,
  NotFoundError,
  type ParamValue,
  type PlanDefinition,
  parsePlanObject,
  parsePlanText,
  type ReadModel,
  type RetryDefinition,
  type RunDetail,
  type RunStatus,
  type RunTrigger,
  resolveRunParams,
  serializePlan,
  silentLogger,
  systemClock,
  type TaskloomError,
  type TaskloomStore,
  type WorkerStatus,
  workerState,
} from "@taskloom/core";
import { openDatabase, type TaskloomDatabase } from "@taskloom/db";
import {
  createExecutor,
  createFunctionExecutor,
  createLlmExecutor,
  endAttemptsOf,
  type TaskExecutor,
} from "@taskloom/executor";
import { DryRunProvider, type LlmProvider, OpenAICompatibleProvider } from "@taskloom/llm";
import {
  ApprovalTimeoutSystem,
  type ExecuteAttempt,
  isProcessAlive,
  ScheduleSystem,
  type ScheduleSystemOptions,
  Worker,
  type WorkerOptions,
} from "@taskloom/scheduler";
import { ApprovalService } from "./services/approval-service.ts";
import { ContextService } from "./services/context-service.ts";
import { documentReader } from "./services/document-reader.ts";
import { DraftService } from "./services/draft-service.ts";
import { EventFollower, type EventSubscription } from "./services/event-follower.ts";
import { OperatorService } from "./services/operator-service.ts";
import { planContextSync } from "./services/plan-context-sync.ts";
import { PlanDrafter } from "./services/plan-drafter.ts";
import { PlanEditor } from "./services/plan-editor.ts";
import { QueueAdmin } from "./services/queue-admin.ts";
import { paramTexts, ScheduleService } from "./services/schedule-service.ts";
import { SnapshotService } from "./services/snapshot-service.ts";
import { withWarnings } from "./services/warning-logger.ts";

export interface TaskloomOptions {
  /**
   * `file:path.db` or a bare path selects the embedded SQLite store. Default `file:.taskloom/taskloom.db`
   * under `cwd`.
   */
  databaseUrl?: string;
  /** Directory relative paths resolve against. Default `process.cwd()`. */
  cwd?: string;
  /** Default: silent. */
  logger?: Logger;
  /** Default: the system clock. */
  clock?: Clock;
  /**
   * Called with one short line when the engine hits trouble it keeps retrying (a full or read-only disk, a
   * lost lease), each distinct problem at most every 30 s. Default: nothing (the logger still gets it all).
   */
  onWarning?: (line: string) => void;
  /** Jitter source returning [0, 1). Default `Math.random`. */
  random?: () => number;
  /** How often event subscribers and run waiters look for commits of other processes, in ms. Default 200. */
  pollMs?: number;
  /**
   * Environment shell steps start from. Pass a filtered copy to keep the engine's own secrets (database
   * URL, API keys) away from task processes. Default: the executor's default, this process's environment.
   */
  taskEnv?: Record<string, string | undefined>;
  /**
   * The OpenAI-compatible server `kind: llm` tasks talk to (OpenAI, Ollama, vLLM, llama.cpp, LM Studio).
   * Default none: LLM tasks run with the dry-run provider, whose output is the compiled prompt. Never
   * passed to task processes.
   */
  llm?: LlmOptions;
}

export interface LlmOptions {
  /** `http://127.0.0.1:11434/v1`; without it the dry-run provider is used. */
  baseUrl?: string;
  /** Default none (local servers need none). */
  apiKey?: string;
  /** The model of tasks that name none. Default `gpt-4o-mini`. */
  model?: string;
  /**
   * The server's embeddings model (`TASKLOOM_EMBEDDINGS_MODEL`): retrieval becomes hybrid, BM25 and
   * embeddings fused by reciprocal rank, vectors stored by content hash. Default none: BM25 only (and
   * always with the dry-run provider).
   */
  embeddingsModel?: string;
  /** Instead of a provider built from `baseUrl` (tests, custom transports). Default none. */
  provider?: LlmProvider;
}

export interface ImportedPlan {
  slug: string;
  version: number;
  changed: boolean;
  definition: PlanDefinition;
}

/** A worker's options in the engine: the scheduler's, with the function handlers themselves. */
export interface EngineWorkerOptions extends Omit<WorkerOptions, "handlers"> {
  /**
   * Function handlers this worker runs (`defineTask(…)` of `@taskloom/sdk`): it advertises their names and
   * claims the function task runs that name them. Default none.
   */
  handlers?: readonly FunctionTaskDefinition[];
}

export interface RunOptions extends EngineWorkerOptions {
  /** `--param k=v` values, checked against the plan's declared params. Default none. */
  params?: Record<string, string>;
  /** Default `api`. */
  trigger?: RunTrigger;
  /** Called for every event of the run, in order. */
  onEvent?: (event: EventRecord) => void;
  /** Aborting it cancels the run. */
  signal?: AbortSignal;
}

export interface RunOutcome {
  runId: string;
  status: RunStatus;
}

/**
 * The embeddable engine: open a database, import plans, start runs, execute them in this process, wait for
 * them and follow their events. The CLI is a thin shell around this class.
 *
 * ```ts
 * const taskloom = await Taskloom.open({ databaseUrl: "file:./my.db" });
 * const plan = await taskloom.importPlanFile("examples/etl.yaml");
 * const { status } = await taskloom.run(plan.slug, { concurrency: 4 });
 * await taskloom.close();
 * ```
 */
export class Taskloom {
  readonly database: TaskloomDatabase;
  readonly #cwd: string;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #pollMs: number;
  readonly #execute: ExecuteAttempt;
  /** The executor overrides every worker shares; a worker with handlers adds its `function` executor. */
  readonly #executors: Partial<Record<string, TaskExecutor>>;
  readonly #taskEnv: Record<string, string | undefined> | undefined;
  readonly #workers = new Set<Worker>();
  readonly #events: EventFollower;
  /** Edits stored plans the way the graph editor does. */
  readonly editor: PlanEditor;
  /** Context bundles of LLM tasks: preview, pins and excludes, approvals, snapshots. */
  readonly context: ContextService;
  /** "Draft plan from goal": the model proposes a plan, validated like a plan file (needs a provider). */
  readonly drafter: PlanDrafter;
  /** Stored drafts from a goal: created, approved, discarded; a draft never runs. */
  readonly drafts: DraftService;
  /** The provider LLM tasks use; `llm.dryRun` is true when no server is configured. */
  readonly llm: LlmProvider;
  /** Queue admin: depth, peek in claim order, move, reschedule, cancel, pause and resume. */
  readonly queues: QueueAdmin;
  /** LLM attempts' snapshots for the run monitor: views, diffs, replays. */
  readonly snapshots: SnapshotService;
  /** Lists and changes schedules (`startSchedules` is what fires them). */
  readonly schedules: ScheduleService;
  /** Operator actions with an audit: rerun, retry, resolve, skip, reset attempts, cancel one task. */
  readonly operator: OperatorService;
  /** Approval tasks: the waiting ones, and the decisions. */
  readonly approvals: ApprovalService;
  readonly #scheduleSystems = new Set<ScheduleSystem>();
  /** Applies approval timeouts while this engine runs workers (started by the first `createWorker`). */
  #approvalTimeouts: ApprovalTimeoutSystem | null = null;
  /** Set once the database was lost (its file deleted or replaced): every wait rejects with it. */
  #lost: TaskloomError | null = null;
  readonly #lostListeners = new Set<(error: TaskloomError) => void>();
  readonly #stopWatching: () => void;

  private constructor(database: TaskloomDatabase, options: TaskloomOptions, cwd: string) {
    this.database = database;
    this.#cwd = cwd;
    this.#clock = options.clock ?? systemClock;
    const logger = options.logger ?? silentLogger;
    this.#logger = options.onWarning ? withWarnings(logger, options.onWarning, this.#clock) : logger;
    this.#random = options.random ?? Math.random;
    this.#pollMs = options.pollMs ?? 200;
    this.llm = options.llm?.provider ?? providerOf(options.llm);
    this.context = new ContextService({
      store: database.store,
      context: database.context,
      clock: this.#clock,
      provider: this.llm,
      ...(options.llm?.model ? { defaultModel: options.llm.model } : {}),
      ...(options.llm?.embeddingsModel ? { embeddingsModel: options.llm.embeddingsModel } : {}),
    });
    this.drafter = new PlanDrafter({
      provider: this.llm,
      ...(options.llm?.model ? { model: options.llm.model } : {}),
    });
    this.drafts = new DraftService({
      drafter: this.drafter,
      drafts: database.drafts,
      clock: this.#clock,
      planExists: (slug) =>
        this.store.getPlanDefinition(slug).then(
          () => true,
          (error: unknown) => (error instanceof NotFoundError ? false : Promise.reject(error)),
        ),
      importPlan: (definition) => this.importPlan(definition, null),
      getPlan: (slug) => this.store.getPlanDefinition(slug),
      approveInto: async (draftSlug, definition, baseDir, expectedVersion) => {
        // The draft's documents and notes join the plan's in the import's transaction: no sync after it.
        await this.store.importPlan(definition, {
          baseDir,
          now: this.#clock.now(),
          reason: "edit",
          expectedVersion,
          approvingDraft: draftSlug,
        });
      },
    });
    const context = this.context;
    this.#executors = {
      llm: createLlmExecutor({
        provider: this.llm,
        prepare: (request) => context.prepareAttempt(request),
        recordUsage: (usage) => context.recordUsage(usage),
      }),
    };
    this.#taskEnv = options.taskEnv;
    this.#execute = this.#executeWith(this.#executors);
    this.#events = new EventFollower({
      store: database.store,
      planOfRun: (runId) => database.queries.planOfRun(runId),
      pollMs: this.#pollMs,
      logger: this.#logger,
    });
    this.editor = new PlanEditor(database.store, this.#clock, {
      onContextChange: (slug, change) => database.context.syncPlanContext(slug, change, this.#clock.now()),
    });
    this.queues = new QueueAdmin(database.store, this.#clock);
    this.operator = new OperatorService({
      store: database.store,
      queries: database.queries,
      clock: this.#clock,
    });
    this.snapshots = new SnapshotService({
      context: database.context,
      clock: this.#clock,
      snapshotBody: (hash) => context.snapshotBody(hash),
      planOfRun: (runId) => database.queries.planOfRun(runId),
      startReplay: (runId, taskKey, actor, beforeCreate) =>
        this.operator.replayTask(runId, taskKey, { actor }, beforeCreate),
    });
    this.approvals = new ApprovalService({
      store: database.store,
      queries: database.queries,
      clock: this.#clock,
    });
    this.schedules = new ScheduleService({
      schedules: database.schedules,
      store: database.store,
      clock: this.#clock,
      startRun: (planSlug, params) => this.startRun(planSlug, { params, trigger: "schedule" }),
    });
    const stopWatchingLoss = database.watchForLoss((error) => void this.#lose(error));
    // One line when the connection is lost and one when it is back; the store reconnects by itself, and the
    // loops that failed meanwhile log at debug (`logRetriedFailure`).
    const stopWatchingConnection = database.watchConnection({
      lost: (error) => this.#logger.warn({ err: error }, "the database is unreachable"),
      restored: (downMs) =>
        this.#logger.info(
          { notice: true, downMs },
          `reconnected to the database after ${(downMs / 1000).toFixed(1)} s`,
        ),
    });
    this.#stopWatching = () => {
      stopWatchingLoss();
      stopWatchingConnection();
    };
  }

  /**
   * Calls `listener` once if the database is lost while open (its file deleted or replaced): the engine
   * has stopped its workers, and waits for runs reject with the same error. Returns an unsubscribe.
   */
  onDatabaseLost(listener: (error: TaskloomError) => void): () => void {
    if (this.#lost) {
      listener(this.#lost);
      return () => {};
    }
    this.#lostListeners.add(listener);
    return () => this.#lostListeners.delete(listener);
  }

  async #lose(error: TaskloomError): Promise<void> {
    this.#lost = error;
    // Debug only: the error itself reaches the caller through every wait and `onDatabaseLost`.
    this.#logger.debug({ err: error }, "database lost");
    for (const listener of this.#lostListeners) listener(error);
    this.#lostListeners.clear();
    for (const worker of this.#workers) await worker.stop({ graceMs: 0 });
    for (const system of this.#scheduleSystems) await system.stop();
    await this.#approvalTimeouts?.stop();
  }

  /** Opens (creating and migrating when needed) the database the URL names. */
  static async open(options: TaskloomOptions = {}): Promise<Taskloom> {
    const cwd = options.cwd ?? process.cwd();
    const database = await openDatabase({
      cwd,
      ...(options.databaseUrl ? { url: options.databaseUrl } : {}),
    });
    return new Taskloom(database, options, cwd);
  }

  /** The injected clock; services built on this engine share it. */
  get clock(): Clock {
    return this.#clock;
  }

  /** How often cross-process followers poll, in ms. */
  get pollMs(): number {
    return this.#pollMs;
  }

  get store(): TaskloomStore {
    return this.database.store;
  }

  get queries(): ReadModel {
    return this.database.queries;
  }

  /**
   * Every registered worker that has not stopped, on any host: its queues, concurrency, running attempts,
   * last heartbeat and state (`lost` once its heartbeat is older than `WORKER_LOST_AFTER_MS`, by this
   * engine's clock). A worker that died without stopping (kill -9, a lost host) stays listed as lost; its
   * leases are taken back by the others once they expire.
   */
  async listWorkers(): Promise<WorkerStatus[]> {
    const now = this.#clock.now();
    const workers = await this.database.queries.listWorkers();
    return workers.map((worker) => ({ ...worker, state: workerState(worker, now) }));
  }

  /**
   * A run with every task run and attempt (`queries.getRun`), where each ready function task that no live
   * worker can take says so in `waitingFor` (`waiting for a worker with handler \`resize\``). What the run
   * monitor, the REST API and `taskloom runs show` read.
   */
  async getRun(runId: string): Promise<RunDetail> {
    const run = await this.database.queries.getRun(runId);
    const waiting = run.tasks.filter((task) => task.kind === "function" && task.status === "ready");
    if (waiting.length === 0) return run;
    const live = liveHandlers(await this.database.queries.listWorkers(), this.#clock.now());
    const frozen = new Map(run.graph.tasks.map((task) => [task.key, task]));
    for (const task of waiting) {
      const definition = task.definition ?? frozen.get(task.key);
      const message = definition ? handlerWait({ status: task.status, definition }, live) : null;
      if (message !== null) task.waitingFor = message;
    }
    return run;
  }

  /**
   * Imports a plan file (YAML or JSON). Relative task `cwd`s and document `path`s resolve against the
   * file's folder.
   */
  async importPlanFile(file: string): Promise<ImportedPlan> {
    const absolute = path.resolve(this.#cwd, file);
    const text = await fs.readFile(absolute, "utf8");
    const definition = parsePlanText(text, {
      format: absolute.endsWith(".json") ? "json" : "yaml",
      readDocument: documentReader(path.dirname(absolute)),
    });
    return this.importPlan(definition, path.dirname(absolute));
  }

  /**
   * Imports a plan from text (YAML or JSON) or from an already-parsed object (a `definePlan(…).document`).
   * With a `baseDir`, relative task `cwd`s and document `path`s resolve against it.
   */
  async importPlanSource(source: string | object, baseDir: string | null = null): Promise<ImportedPlan> {
    const options = baseDir === null ? {} : { readDocument: documentReader(baseDir) };
    const definition =
      typeof source === "string" ? parsePlanText(source, options) : parsePlanObject(source, options);
    return this.importPlan(definition, baseDir);
  }

  /**
   * Stores the plan, then reconciles its `schedules:` with the stored ones (see `ScheduleService.reconcile`).
   * Schedules live in their own table, not in the plan's definition: changing only them keeps the version.
   */
  async importPlan(definition: PlanDefinition, baseDir: string | null): Promise<ImportedPlan> {
    const { schedules = [], ...plan } = definition;
    const before = await this.store.getPlanDefinition(plan.slug).then(
      (stored) => stored.definition,
      (error: unknown) => (error instanceof NotFoundError ? null : Promise.reject(error)),
    );
    const result = await this.store.importPlan(plan, { baseDir, now: this.#clock.now() });
    await this.database.context.syncPlanContext(
      result.slug,
      planContextSync(before, plan),
      this.#clock.now(),
    );
    await this.schedules.reconcile(result.slug, schedules);
    return { slug: result.slug, version: result.version, changed: result.changed, definition };
  }

  /** The plan file of a stored plan, with every schedule of the plan (file and API ones) under `schedules:`. */
  async exportPlan(slug: string, format: "yaml" | "json" = "yaml"): Promise<string> {
    const { definition } = await this.store.getPlanDefinition(slug);
    const schedules = await this.schedules.definitionsOf(slug);
    return serializePlan(schedules.length > 0 ? { ...definition, schedules } : definition, format);
  }

  /** Creates a run (it starts `queued`; any worker on this database may execute it). */
  async startRun(
    planSlug: string,
    options: { params?: Record<string, string>; trigger?: RunTrigger } = {},
  ): Promise<CreatedRun> {
    const { definition } = await this.store.getPlanDefinition(planSlug);
    await this.drafts.assertRunnable(planSlug);
    const params: Record<string, ParamValue> = resolveRunParams(definition, options.params ?? {});
    return this.store.createRun({
      planSlug,
      trigger: options.trigger ?? "api",
      params,
      now: this.#clock.now(),
    });
  }

  /** Creates a run and executes it in this process until it ends. */
  async run(planSlug: string, options: RunOptions = {}): Promise<RunOutcome> {
    const created = await this.startRun(planSlug, {
      ...(options.params ? { params: options.params } : {}),
      trigger: options.trigger ?? "api",
    });
    return this.executeRun(created.runId, options);
  }

  /**
   * Executes an existing run in this process until it ends: a new run, or one left behind by a process that
   * died (`--resume`). Leases of dead workers are taken back first, so the interrupted tasks run again.
   */
  async executeRun(runId: string, options: RunOptions = {}): Promise<RunOutcome> {
    const status = await this.store.getRunStatus(runId);
    if (isTerminalRunStatus(status)) return { runId, status };
    const worker = this.createWorker({ ...options, runId });
    const onAbort = () => void this.cancelRun(runId);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const unsubscribe = options.onEvent ? this.subscribe(options.onEvent, { runId }) : null;
    try {
      await worker.start();
      const final = await this.waitForRun(runId);
      return { runId, status: final };
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
      await worker.stop();
      // Deliver the events written by the last completions before returning.
      if (unsubscribe) await unsubscribe.drain();
      unsubscribe?.();
    }
  }

  #executeWith(overrides: Partial<Record<string, TaskExecutor>>): ExecuteAttempt {
    const executor = createExecutor(overrides);
    const taskEnv = this.#taskEnv;
    return taskEnv
      ? (request) => executor.execute({ ...request, baseEnv: taskEnv })
      : (request) => executor.execute(request);
  }

  /**
   * A worker on this database; call `start()` and later `stop()`. With `handlers`, it runs function tasks
   * that name them (a duplicate or invalid name is a `BadInputError`).
   */
  createWorker(options: EngineWorkerOptions = {}): Worker {
    const { handlers: definitions, ...workerOptions } = options;
    const handlers = handlerMap(definitions ?? []);
    const execute =
      handlers.size === 0
        ? this.#execute
        : this.#executeWith({ ...this.#executors, function: createFunctionExecutor(handlers) });
    const pid = process.pid;
    const host = os.hostname();
    const worker = new Worker(
      {
        store: this.store,
        execute,
        clock: this.#clock,
        random: this.#random,
        logger: this.#logger,
        workerId: `${host}:${pid}:${randomBytes(4).toString("hex")}`,
        host,
        pid,
        isPidAlive: isProcessAlive,
        endAttemptsOf,
      },
      { ...workerOptions, handlers: [...handlers.keys()] },
    );
    this.#workers.add(worker);
    this.startApprovalTimeouts();
    return worker;
  }

  /**
   * Applies the `onTimeout` outcome of waiting approvals whose timeout passed, from this process until
   * `close()`, alongside any other process doing the same (each timeout is applied once). Every worker this
   * engine creates starts it; call it alone in a process that runs no worker. Idempotent.
   */
  startApprovalTimeouts(): ApprovalTimeoutSystem {
    if (this.#approvalTimeouts === null) {
      this.#approvalTimeouts = new ApprovalTimeoutSystem({
        approvals: this.store,
        clock: this.#clock,
        logger: this.#logger,
      });
      this.#approvalTimeouts.start();
    }
    return this.#approvalTimeouts;
  }

  /**
   * Fires this database's due schedules from this process until `close()` (or the returned system's
   * `stop()`), alongside any other process doing the same: each fire starts one run. `taskloom worker` and
   * `taskloom start` call it.
   */
  startSchedules(options: ScheduleSystemOptions = {}): ScheduleSystem {
    const system = new ScheduleSystem(
      {
        schedules: this.database.schedules,
        clock: this.#clock,
        logger: this.#logger,
        startRun: (planSlug, params) =>
          this.startRun(planSlug, { params: paramTexts(params), trigger: "schedule" }),
        runStatus: async (runId) => {
          try {
            return await this.store.getRunStatus(runId);
          } catch (error) {
            if (error instanceof NotFoundError) return null;
            throw error;
          }
        },
      },
      options,
    );
    this.#scheduleSystems.add(system);
    system.start();
    return system;
  }

  /** Requests a cancel; attempts running in this process are stopped at once, others at their next heartbeat. */
  async cancelRun(runId: string): Promise<RunStatus> {
    const { status } = await this.store.requestCancel(runId, this.#clock.now());
    for (const worker of this.#workers) worker.abortRun(runId);
    return status;
  }

  /**
   * Operator move: retries a failed task of a run (its blocked dependents run after it), with the plan's
   * current definition of the task unless `definition` is `"frozen"` (see `RetryDefinition`).
   */
  async retryTask(runId: string, taskKey: string, definition: RetryDefinition = "current"): Promise<void> {
    await this.store.retryTaskRun(runId, taskKey, this.#clock.now(), definition);
  }

  /**
   * Resolves with the run's final status, whichever process executes it. It listens for the run's own
   * `run.status` events (through the process's one event reader) instead of re-reading the run after every
   * commit, which cost a query per completion batch on big runs.
   */
  async waitForRun(runId: string): Promise<RunStatus> {
    if (this.#lost) throw this.#lost;
    let settle: ((status: RunStatus | Error) => void) | null = null;
    const settled = new Promise<RunStatus | Error>((resolve) => {
      settle = resolve;
    });
    const done = (outcome: RunStatus | Error) => settle?.(outcome);
    const unsubscribe = this.subscribe(
      (event) => {
        const to = event.toStatus as RunStatus | null;
        if (event.type === "run.status" && to !== null && isTerminalRunStatus(to)) done(to);
      },
      { runId },
    );
    const offLost = this.onDatabaseLost((error) => done(error));
    // The waiter holds the process open: the engine's own timers are unref'd (an idle engine must not keep a
    // process alive), so when another process runs every task of this run, nothing else would, and Node
    // would exit in the middle of the await with nothing printed.
    const keepAlive = setInterval(() => {}, 60_000);
    try {
      // Subscribed first, then read: a run that ended before the subscription is seen here, one that ends
      // after it by the listener.
      const status = await this.store.getRunStatus(runId);
      if (isTerminalRunStatus(status)) return status;
      const outcome = await settled;
      if (outcome instanceof Error) throw outcome;
      return outcome;
    } finally {
      clearInterval(keepAlive);
      offLost();
      unsubscribe();
    }
  }

  /**
   * Follows the event log from `afterId` (default: from now), in order, across processes. Returns an
   * unsubscribe function; its `drain()` delivers what is already committed.
   */
  subscribe(
    listener: (event: EventRecord) => void,
    options: { runId?: string; planSlug?: string; afterId?: number } = {},
  ): EventSubscription {
    return this.#events.subscribe(listener, options);
  }

  /**
   * The live event feed as an async iterator of batches in id order (what the SSE endpoint yields: one
   * message per batch); ends when `signal` aborts.
   */
  streamEvents(
    options: { runId?: string; planSlug?: string; afterId?: number },
    signal?: AbortSignal,
  ): AsyncGenerator<EventRecord[]> {
    return this.#events.stream(options, signal);
  }

  async close(): Promise<void> {
    this.#stopWatching();
    this.#events.close();
    for (const system of this.#scheduleSystems) await system.stop();
    this.#scheduleSystems.clear();
    await this.#approvalTimeouts?.stop();
    for (const worker of this.#workers) await worker.stop({ graceMs: 0 });
    this.#workers.clear();
    await this.database.close();
  }
}

function providerOf(options: LlmOptions | undefined): LlmProvider {
  if (!options?.baseUrl) return new DryRunProvider();
  return new OpenAICompatibleProvider({
    baseURL: options.baseUrl,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    ...(options.model ? { model: options.model } : {}),
  });
}
