import { type ContextSnapshot, diffSnapshots, type SnapshotDiff } from "@taskloom/context";
import {
  BadInputError,
  type Clock,
  type ContextStore,
  type LlmAttemptSnapshot,
  NotFoundError,
  type RunWithSnapshot,
} from "@taskloom/core";
import { type ChatMessage, DRY_RUN_MODEL } from "@taskloom/llm";
import type { StoredSnapshotBody } from "./context-service.ts";

/** A stored snapshot as the monitor shows it: the bundle exactly as the model saw it, and the messages sent. */
export interface SnapshotView {
  hash: string;
  /** The model the bundle was built for (its tokenizer counted the tokens). */
  model: string;
  budget: number;
  usedTokens: number;
  /** Tokens of the system message, instructions and task section (outside the budget). */
  promptTokens: number;
  items: ContextSnapshot["items"];
  totals: ContextSnapshot["totals"];
  /** The compiled messages, exactly as sent to the provider. */
  messages: ChatMessage[];
}

/** What the task's approval meant for one attempt (`null` on the attempt when the task had none). */
export interface AttemptApproval {
  /** The approved snapshot's hash. */
  hash: string;
  /** True when the attempt sent the approved snapshot (its inputs were unchanged). */
  used: boolean;
  /** When not used: what changed from the approved snapshot to the one the attempt sent. */
  changes: SnapshotDiff | null;
}

/** The attempt a replay sent the snapshot of, and both answers, for the monitor to show side by side. */
export interface ReplayOrigin {
  runId: string;
  attempt: number;
  /** The task's output in the source run (null when it did not succeed there). */
  originalOutput: string | null;
  /** The task's output in the replay's run (null until it succeeded). */
  replayOutput: string | null;
}

/** One LLM attempt and the snapshot it sent. */
export interface AttemptSnapshotView {
  runId: string;
  taskKey: string;
  attempt: number;
  snapshot: SnapshotView;
  /** Token usage the provider reported (null before the answer ended, or when the attempt failed first). */
  usage: { promptTokens: number; completionTokens: number } | null;
  /** The model that answered (`dry-run` for the dry-run provider), else the one asked. */
  answeredBy: string | null;
  /** True when no provider was configured: the output is the compiled prompt, not an answer. */
  dryRun: boolean;
  approval: AttemptApproval | null;
  /** Set when this attempt replayed another attempt's stored snapshot. */
  replayOf: ReplayOrigin | null;
}

/** One side of a diff: an attempt (default: the task's last attempt with a snapshot in that run), or a hash. */
export type SnapshotRef = { runId: string; taskKey: string; attempt?: number } | { hash: string };

export interface SnapshotDiffView extends SnapshotDiff {
  a: { hash: string; runId: string | null; attempt: number | null };
  b: { hash: string; runId: string | null; attempt: number | null };
}

export interface SnapshotServiceOptions {
  context: ContextStore;
  clock: Clock;
  /** Reads a stored snapshot's body by hash (`ContextService.snapshotBody`). */
  snapshotBody: (hash: string) => Promise<StoredSnapshotBody | null>;
  /** The plan a run belongs to, null when the run is unknown. */
  planOfRun: (runId: string) => Promise<string | null>;
  /**
   * Creates the run of a replay: `taskKey` alone runs, everything else of `runId` is reused or skipped
   * (`OperatorService.replayTask`; it starts `queued`, the workers execute it).
   */
  startReplay: (
    runId: string,
    taskKey: string,
    actor: string,
    beforeCreate: () => Promise<void>,
  ) => Promise<{ runId: string }>;
}

/** Most runs offered as the other side of a run-to-run diff. */
const RUNS_LISTED = 50;

/**
 * The run monitor's view of context snapshots: each LLM attempt's snapshot (by attempt or by hash), what its
 * approval meant, diffs between attempts or runs, and replaying an attempt with exactly its stored bundle.
 */
export class SnapshotService {
  readonly #context: ContextStore;
  readonly #clock: Clock;
  readonly #snapshotBody: SnapshotServiceOptions["snapshotBody"];
  readonly #planOfRun: SnapshotServiceOptions["planOfRun"];
  readonly #startReplay: SnapshotServiceOptions["startReplay"];

  constructor(options: SnapshotServiceOptions) {
    this.#context = options.context;
    this.#clock = options.clock;
    this.#snapshotBody = options.snapshotBody;
    this.#planOfRun = options.planOfRun;
    this.#startReplay = options.startReplay;
  }

  /** The stored snapshot with this hash. */
  async byHash(hash: string): Promise<SnapshotView> {
    return viewOf(await this.#body(hash));
  }

  /** Every LLM attempt of a task in a run that stored a snapshot, in attempt order. */
  async attempts(runId: string, taskKey: string): Promise<AttemptSnapshotView[]> {
    await this.#planOf(runId);
    const [attempts, replay] = await Promise.all([
      this.#context.llmAttempts(runId, taskKey),
      this.#context.replayOf(runId, taskKey),
    ]);
    return Promise.all(attempts.map((attempt) => this.#attemptView(runId, taskKey, attempt, replay)));
  }

  /** One attempt's snapshot (default: the task's last attempt that stored one). */
  async attempt(runId: string, taskKey: string, attempt?: number): Promise<AttemptSnapshotView> {
    const attempts = await this.attempts(runId, taskKey);
    const found = attempt === undefined ? attempts.at(-1) : attempts.find((a) => a.attempt === attempt);
    if (!found) {
      const which = attempt === undefined ? "any attempt" : `attempt ${attempt}`;
      throw new NotFoundError("context snapshot", `run ${runId}, task ${taskKey}, ${which}`);
    }
    return found;
  }

  /** The plan's runs in which the task stored a snapshot, newest first: the other side of a run diff. */
  async runs(runId: string, taskKey: string): Promise<RunWithSnapshot[]> {
    const planSlug = await this.#planOf(runId);
    return this.#context.runsWithSnapshots(planSlug, taskKey, RUNS_LISTED);
  }

  /** What changed from snapshot `a` to snapshot `b` (items added, removed, changed; token deltas). */
  async diff(a: SnapshotRef, b: SnapshotRef): Promise<SnapshotDiffView> {
    const [before, after] = await Promise.all([this.#resolve(a), this.#resolve(b)]);
    return {
      ...diffSnapshots(before.body.snapshot, after.body.snapshot),
      a: before.side,
      b: after.side,
    };
  }

  /**
   * Runs `taskKey` again, alone, in a new run whose attempt sends exactly the stored snapshot of `attempt` (its
   * messages, its model), whatever the inputs are now; every other task of the run is reused (or skipped,
   * with nothing to reuse), so nothing else runs. The request is stored before the run is created and bound
   * to it right after, so the run's attempt finds it however fast a worker claims it.
   * @param actor who asked, for the audit trail (default `api`).
   */
  async replay(
    runId: string,
    taskKey: string,
    attempt: number,
    actor = "api",
  ): Promise<{ runId: string; hash: string }> {
    const planSlug = await this.#planOf(runId);
    const source = (await this.#context.llmAttempts(runId, taskKey)).find((a) => a.attempt === attempt);
    if (!source) {
      throw new NotFoundError("context snapshot", `run ${runId}, task ${taskKey}, attempt ${attempt}`);
    }
    await this.#body(source.snapshotHash);
    // Requested only once the replay run can be created (the task is still in the plan): an unbound
    // request left behind would be taken by the task's next ordinary run.
    let requestId: number | null = null;
    const created = await this.#startReplay(runId, taskKey, actor, async () => {
      requestId = await this.#context.requestReplay(
        { planSlug, taskKey, snapshotHash: source.snapshotHash, sourceRunId: runId, sourceAttempt: attempt },
        this.#clock.now(),
      );
    });
    if (requestId !== null) await this.#context.bindReplay(requestId, created.runId);
    return { runId: created.runId, hash: source.snapshotHash };
  }

  async #planOf(runId: string): Promise<string> {
    const planSlug = await this.#planOfRun(runId);
    if (planSlug === null) throw new NotFoundError("run", runId);
    return planSlug;
  }

  async #body(hash: string): Promise<StoredSnapshotBody> {
    if (!/^[0-9a-f]{64}$/.test(hash)) {
      throw new BadInputError(`not a snapshot hash: ${hash} (expected 64 lowercase hex digits)`);
    }
    const body = await this.#snapshotBody(hash);
    if (!body) throw new NotFoundError("context snapshot", hash);
    return body;
  }

  async #resolve(ref: SnapshotRef): Promise<{ body: StoredSnapshotBody; side: SnapshotDiffView["a"] }> {
    if ("hash" in ref) {
      return { body: await this.#body(ref.hash), side: { hash: ref.hash, runId: null, attempt: null } };
    }
    const view = await this.attempt(ref.runId, ref.taskKey, ref.attempt);
    const body = await this.#body(view.snapshot.hash);
    return { body, side: { hash: view.snapshot.hash, runId: ref.runId, attempt: view.attempt } };
  }

  async #attemptView(
    runId: string,
    taskKey: string,
    attempt: LlmAttemptSnapshot,
    replay: Awaited<ReturnType<ContextStore["replayOf"]>>,
  ): Promise<AttemptSnapshotView> {
    const body = await this.#body(attempt.snapshotHash);
    const usage =
      attempt.promptTokens !== null && attempt.completionTokens !== null
        ? { promptTokens: attempt.promptTokens, completionTokens: attempt.completionTokens }
        : null;
    const replayed = replay !== null && replay.snapshotHash === attempt.snapshotHash;
    const replayOf: ReplayOrigin | null = replayed
      ? {
          runId: replay.sourceRunId,
          attempt: replay.sourceAttempt,
          originalOutput: await this.#outputOf(replay.sourceRunId, taskKey),
          replayOutput: await this.#outputOf(runId, taskKey),
        }
      : null;
    return {
      runId,
      taskKey,
      attempt: attempt.attempt,
      snapshot: viewOf(body),
      usage,
      answeredBy: attempt.model,
      dryRun: attempt.model === DRY_RUN_MODEL,
      approval: await this.#approval(attempt, body),
      replayOf,
    };
  }

  /** The task's successful output in a run, null when it has none (yet). */
  async #outputOf(runId: string, taskKey: string): Promise<string | null> {
    const version = (await this.#context.successfulOutputVersions(runId)).find((v) => v.taskKey === taskKey);
    if (!version) return null;
    const [text] = await this.#context.outputTexts([version.taskRunId]);
    return text?.outputText ?? null;
  }

  async #approval(attempt: LlmAttemptSnapshot, sent: StoredSnapshotBody): Promise<AttemptApproval | null> {
    const hash = attempt.approvedSnapshotHash;
    if (hash === null) return null;
    if (hash === attempt.snapshotHash) return { hash, used: true, changes: null };
    const approved = await this.#snapshotBody(hash);
    return {
      hash,
      used: false,
      changes: approved === null ? null : diffSnapshots(approved.snapshot, sent.snapshot),
    };
  }
}

function viewOf(body: StoredSnapshotBody): SnapshotView {
  const { snapshot } = body;
  return {
    hash: snapshot.hash,
    model: body.model,
    budget: snapshot.budget,
    usedTokens: snapshot.usedTokens,
    promptTokens: snapshot.promptTokens,
    items: snapshot.items,
    totals: snapshot.totals,
    messages: body.messages,
  };
}
