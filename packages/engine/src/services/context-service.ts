import {
  buildContextBundle,
  type ContextBundle,
  type ContextCandidates,
  type ContextPreview,
  type ContextSnapshot,
  checkApproval,
  compilePrompt,
  contextPreview,
  diffSnapshots,
  type SnapshotDiff,
  toSnapshot,
} from "@taskloom/context";
import {
  BadInputError,
  type Clock,
  type ContextStore,
  canonicalJson,
  effectiveParams,
  formatItemRef,
  type LlmSpec,
  NotFoundError,
  type OverrideAction,
  type PlanDefinition,
  parseItemRef,
  renderTemplate,
  type TaskDefinition,
  type TaskloomStore,
  type UpstreamOutput,
} from "@taskloom/core";
import type { LlmPrepared, LlmPrepareRequest, LlmUsageRecord } from "@taskloom/executor";
import {
  type ChatMessage,
  contextWindowFor,
  type LlmProvider,
  llmSummarizer,
  tokenizerForModel,
} from "@taskloom/llm";
import { type ItemSearchHit, type SearchableItem, searchItems } from "./context-item-search.ts";

/** The model when neither the task nor the engine names one. */
export const DEFAULT_LLM_MODEL = "gpt-4o-mini";

/** What the store keeps per snapshot hash: the bundle's snapshot and the exact messages sent. */
export interface StoredSnapshotBody {
  snapshot: ContextSnapshot;
  messages: ChatMessage[];
  model: string;
}

/** A task's approval as a person sees it next to the preview. */
export interface ContextApprovalState {
  hash: string;
  /** Epoch ms. */
  approvedAt: number;
  /** False when the inputs changed since: the next run uses the current bundle, not the approved one. */
  upToDate: boolean;
  /** What changed since the approval, in one line (`describeDiff`); null when up to date. */
  changes: string | null;
  /** The same, item by item; null when up to date or when the approved snapshot is missing. */
  diff: SnapshotDiff | null;
}

/** What the dashboard's Context tab shows: the preview, who steered it, and the approval. */
export interface ContextState extends ContextPreview {
  /** People's pins and excludes, oldest first. */
  overrides: { ref: string; action: OverrideAction }[];
  /** Pins and excludes written in the plan file (they cannot be unpinned from the dashboard). */
  planFile: { pin: string[]; exclude: string[] };
  approval: ContextApprovalState | null;
}

/** A built bundle with everything a run or a preview needs. */
export interface BuiltContext {
  bundle: ContextBundle;
  messages: ChatMessage[];
  promptText: string;
  model: string;
}

export interface ContextServiceOptions {
  store: TaskloomStore;
  context: ContextStore;
  clock: Clock;
  /** The engine's model (`TASKLOOM_LLM_MODEL`). Default `DEFAULT_LLM_MODEL`. */
  defaultModel?: string;
  /**
   * Writes the summaries of `context.summarize: llm` (cached by content hash in the store). Default none,
   * and the dry-run provider counts as none: such items get extractive summaries.
   */
  provider?: LlmProvider;
}

interface BuildInput {
  plan: PlanDefinition;
  task: TaskDefinition & { spec: LlmSpec };
  /** Latest successful outputs by task key (this run's, for an attempt). */
  outputs: Map<string, string | null>;
  prompt: string;
  system: string | null;
}

/**
 * The context engine wired to storage: gathers a task's candidates (INDEX, tasks with their links and
 * outputs, documents, notes), applies plan-file and people's pins and excludes, builds the bundle with the
 * tokenizer of the task's model, stores snapshots and approvals, and diffs what attempts saw.
 */
export class ContextService {
  readonly #store: TaskloomStore;
  readonly #context: ContextStore;
  readonly #clock: Clock;
  readonly #defaultModel: string;
  readonly #provider: LlmProvider | undefined;

  constructor(options: ContextServiceOptions) {
    this.#store = options.store;
    this.#context = options.context;
    this.#clock = options.clock;
    this.#defaultModel = options.defaultModel ?? DEFAULT_LLM_MODEL;
    this.#provider = options.provider?.dryRun ? undefined : options.provider;
  }

  /** The model a task asks: its own, else the engine's. */
  modelOf(spec: LlmSpec): string {
    return spec.model ?? this.#defaultModel;
  }

  async #build(planSlug: string, input: BuildInput): Promise<BuiltContext> {
    const { plan, task } = input;
    // A task never sees outputs derived from its own: those of its `requires` descendants are left out.
    const downstream = descendantsOf(plan, task.key);
    const outputs = new Map([...input.outputs].filter(([key]) => !downstream.has(key)));
    const [documents, notes, overrides] = await Promise.all([
      this.#context.listDocuments(planSlug),
      this.#context.listNotes(planSlug),
      this.#context.listOverrides(planSlug, task.key),
    ]);
    const candidates: ContextCandidates = {
      index: plan.index,
      tasks: plan.tasks.map((t) => ({
        key: t.key,
        name: t.name,
        output: outputs.get(t.key) ?? null,
        requires: t.requires,
        refers: t.refers,
        duplicates: t.duplicates ?? [],
        relatesTo: t.relatesTo ?? [],
        parent: t.parent ?? null,
      })),
      documents: documents.map((doc) => ({ key: doc.key, title: doc.title, text: doc.text })),
      notes,
    };
    const pick = (action: OverrideAction) => overrides.filter((o) => o.action === action).map((o) => o.ref);
    const pins = unique([...task.spec.pin, ...pick("pin")]);
    const excludes = unique([...task.spec.exclude, ...pick("exclude")]);
    const model = this.modelOf(task.spec);
    const bundle = await buildContextBundle(
      candidates,
      {
        key: task.key,
        prompt: input.prompt,
        system: input.system,
        policy: task.spec.context,
        pins,
        excludes,
        contextWindow: contextWindowFor(model),
        maxTokens: task.spec.maxTokens,
      },
      {
        tokenizer: tokenizerForModel(model),
        cache: {
          get: (key) => this.#context.getCached(key),
          set: (key, value) => this.#context.setCached(key, value, this.#clock.now()),
        },
        ...(task.spec.context.summarize === "llm" && this.#provider
          ? { summarizer: llmSummarizer(this.#provider, model) }
          : {}),
      },
    );
    const compiled = compilePrompt(bundle, { key: task.key, prompt: input.prompt, system: input.system });
    return { bundle, messages: compiled.messages, promptText: compiled.text, model };
  }

  async #llmTask(planSlug: string, taskKey: string) {
    const { definition } = await this.#store.getPlanDefinition(planSlug);
    const task = definition.tasks.find((t) => t.key === taskKey);
    if (!task) throw new NotFoundError("task", `${planSlug}/${taskKey}`);
    if (task.spec.kind !== "llm") {
      throw new BadInputError(`task ${taskKey} is a ${task.kind} task; only llm tasks have a context`);
    }
    return { plan: definition, task: task as TaskDefinition & { spec: LlmSpec } };
  }

  /**
   * The bundle `taskKey` would get now: each task's latest successful output, the prompt rendered with the
   * plan's default params (left as written where a template cannot render yet).
   */
  async preview(planSlug: string, taskKey: string): Promise<BuiltContext> {
    const { plan, task } = await this.#llmTask(planSlug, taskKey);
    const outputs = await this.#outputs(planSlug, null);
    const upstream: Record<string, UpstreamOutput> = {};
    for (const key of task.requires) upstream[key] = { output: outputs.get(key) ?? null, json: null };
    const context = {
      params: effectiveParams(plan, task, {}),
      tasks: upstream,
      run: { id: "" },
      plan: { slug: planSlug },
    };
    const render = (text: string) => {
      try {
        return renderTemplate(text, context);
      } catch {
        return text;
      }
    };
    const system = task.spec.system === null ? null : render(task.spec.system);
    return this.#build(planSlug, { plan, task, outputs, prompt: render(task.spec.prompt), system });
  }

  /** `taskloom context TASK --json`. */
  async previewDocument(planSlug: string, taskKey: string): Promise<ContextPreview> {
    const built = await this.preview(planSlug, taskKey);
    return contextPreview(built.bundle, planSlug, built.promptText);
  }

  /**
   * The llm executor's `prepare`: builds the bundle from this run's outputs, uses the approved snapshot when
   * it still matches (else logs that the approval is stale and what changed), stores the snapshot and
   * records its hash on the attempt, all before the provider is called.
   */
  async prepareAttempt(request: LlmPrepareRequest): Promise<LlmPrepared> {
    const { request: req, spec } = request;
    const replayed = await this.#replayed(request);
    if (replayed !== null) return replayed;
    const { definition: plan } = await this.#store.getPlanDefinition(req.planSlug);
    const outputs = await this.#outputs(req.planSlug, req.runId);
    const task = { ...req.definition, spec } as TaskDefinition & { spec: LlmSpec };
    const built = await this.#build(req.planSlug, {
      plan,
      task,
      outputs,
      prompt: request.prompt,
      system: request.system,
    });
    let messages = built.messages;
    let approvedSnapshotHash: string | undefined;
    const approval = await this.#context.getApproval(req.planSlug, req.taskKey);
    if (approval !== null) {
      const approved = await this.snapshotBody(approval.snapshotHash);
      if (approved === null) {
        request.log(`approved context ${short(approval.snapshotHash)} is missing; using the current bundle`);
      } else {
        approvedSnapshotHash = approval.snapshotHash;
        const check = checkApproval(approved.snapshot, built.bundle);
        if (check.upToDate) {
          messages = approved.messages;
          request.log(`using the approved context ${short(approval.snapshotHash)}`);
        } else {
          request.log(
            `approval is stale: the inputs changed since context ${short(approval.snapshotHash)} was approved (${describeDiff(check.diff)}); using the current bundle ${short(built.bundle.hash)}`,
          );
        }
      }
    }
    await this.#saveSnapshot(built, messages);
    await this.#context.recordLlmAttempt({
      runId: req.runId,
      taskKey: req.taskKey,
      attempt: req.attempt,
      snapshotHash: built.bundle.hash,
      model: built.model,
      ...(approvedSnapshotHash !== undefined ? { approvedSnapshotHash } : {}),
    });
    return { messages, snapshotHash: built.bundle.hash, model: built.model };
  }

  /**
   * A replay (`SnapshotService.replay`) of this task in this run: the stored snapshot's messages and model
   * exactly, no bundle built. Null when the attempt is not a replay, or its snapshot is gone (then the
   * attempt says so and builds the bundle as usual).
   */
  async #replayed(request: LlmPrepareRequest): Promise<LlmPrepared | null> {
    const { request: req } = request;
    const replay = await this.#context.takeReplay(req.runId, req.taskKey);
    if (replay === null) return null;
    const stored = await this.snapshotBody(replay.snapshotHash);
    const source = `run ${replay.sourceRunId} attempt ${replay.sourceAttempt}`;
    if (stored === null) {
      request.log(
        `cannot replay context ${short(replay.snapshotHash)} of ${source}: it is missing; using the current bundle`,
      );
      return null;
    }
    request.log(`replaying context ${short(replay.snapshotHash)} of ${source}: its stored bundle, exactly`);
    await this.#context.recordLlmAttempt({
      runId: req.runId,
      taskKey: req.taskKey,
      attempt: req.attempt,
      snapshotHash: replay.snapshotHash,
      model: stored.model,
    });
    return { messages: stored.messages, snapshotHash: replay.snapshotHash, model: stored.model };
  }

  /**
   * Outputs by task key: each task's latest successful one over the plan's runs, overlaid with `runId`'s
   * (so `requires` upstreams are always this run's). Tasks that have not run yet in this run show their
   * previous output, as the preview does: that is what lets an approval hold from one run to the next.
   */
  async #outputs(planSlug: string, runId: string | null): Promise<Map<string, string | null>> {
    const outputs = new Map<string, string | null>();
    for (const row of await this.#context.latestOutputs(planSlug)) outputs.set(row.taskKey, row.outputText);
    if (runId !== null) {
      for (const row of await this.#context.successfulOutputs(runId))
        outputs.set(row.taskKey, row.outputText);
    }
    return outputs;
  }

  /** The llm executor's `recordUsage`. */
  async recordUsage(usage: LlmUsageRecord): Promise<void> {
    await this.#context.recordLlmAttempt({
      runId: usage.request.runId,
      taskKey: usage.request.taskKey,
      attempt: usage.request.attempt,
      model: usage.model,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
    });
  }

  async #saveSnapshot(built: BuiltContext, messages: ChatMessage[]): Promise<void> {
    await this.#context.saveSnapshot(this.#stored(built, messages));
  }

  #stored(built: BuiltContext, messages: ChatMessage[]) {
    const body: StoredSnapshotBody = { snapshot: toSnapshot(built.bundle), messages, model: built.model };
    return {
      hash: built.bundle.hash,
      json: canonicalJson(body),
      budget: built.bundle.budget,
      usedTokens: built.bundle.usedTokens,
      createdAt: this.#clock.now(),
    };
  }

  async snapshotBody(hash: string): Promise<StoredSnapshotBody | null> {
    const stored = await this.#context.getSnapshot(hash);
    return stored === null ? null : (JSON.parse(stored.json) as StoredSnapshotBody);
  }

  /** Pins, excludes or removes a person's override of `ref` for an llm task; the ref must name something. */
  async setOverride(planSlug: string, taskKey: string, ref: string, action: OverrideAction | null) {
    const { plan } = await this.#llmTask(planSlug, taskKey);
    const normalized = await this.#checkRef(planSlug, plan, taskKey, ref);
    await this.#context.setOverride(planSlug, taskKey, normalized, action, this.#clock.now());
    return normalized;
  }

  /** Removes every override and the approval of a task. */
  async clear(planSlug: string, taskKey: string): Promise<void> {
    await this.#llmTask(planSlug, taskKey);
    await this.#context.clearTask(planSlug, taskKey);
  }

  /** Approves the bundle the task would get now; returns its hash. */
  async approve(planSlug: string, taskKey: string): Promise<string> {
    const built = await this.preview(planSlug, taskKey);
    await this.#context.approve(planSlug, taskKey, this.#stored(built, built.messages), this.#clock.now());
    return built.bundle.hash;
  }

  /** The preview with the task's overrides and its approval, saying whether the approval still holds. */
  async state(planSlug: string, taskKey: string): Promise<ContextState> {
    const [{ task }, built, overrides, approval] = await Promise.all([
      this.#llmTask(planSlug, taskKey),
      this.preview(planSlug, taskKey),
      this.#context.listOverrides(planSlug, taskKey),
      this.#context.getApproval(planSlug, taskKey),
    ]);
    return {
      ...contextPreview(built.bundle, planSlug, built.promptText),
      overrides: overrides.map(({ ref, action }) => ({ ref, action })),
      planFile: { pin: [...task.spec.pin], exclude: [...task.spec.exclude] },
      approval: approval === null ? null : await this.#approvalState(approval, built.bundle),
    };
  }

  async #approvalState(
    approval: { snapshotHash: string; approvedAt: number },
    current: ContextBundle,
  ): Promise<ContextApprovalState> {
    const base = { hash: approval.snapshotHash, approvedAt: approval.approvedAt };
    const approved = await this.snapshotBody(approval.snapshotHash);
    if (approved === null) {
      return { ...base, upToDate: false, changes: "the approved snapshot is missing", diff: null };
    }
    const check = checkApproval(approved.snapshot, current);
    return check.upToDate
      ? { ...base, upToDate: true, changes: null, diff: null }
      : { ...base, upToDate: false, changes: describeDiff(check.diff), diff: check.diff };
  }

  /**
   * Items a person may add to `taskKey`'s context (the INDEX, documents, notes, other tasks' latest
   * outputs), matching `query`; see `searchItems`.
   */
  async searchItems(
    planSlug: string,
    taskKey: string,
    query: string,
    limit: number,
  ): Promise<ItemSearchHit[]> {
    const { plan } = await this.#llmTask(planSlug, taskKey);
    const [outputs, documents, notes] = await Promise.all([
      this.#outputs(planSlug, null),
      this.#context.listDocuments(planSlug),
      this.#context.listNotes(planSlug),
    ]);
    const items: SearchableItem[] = [
      ...(plan.index === ""
        ? []
        : [{ ref: "index", type: "index" as const, title: "INDEX", text: plan.index }]),
      ...documents.map((doc) => ({
        ref: `doc:${doc.key}`,
        type: "document" as const,
        title: doc.title,
        text: doc.text,
      })),
      ...notes.map((note) => ({
        ref: `note:${note.key}`,
        type: "note" as const,
        title: note.key,
        text: note.value,
      })),
      ...plan.tasks
        .filter((t) => t.key !== taskKey)
        .map((t) => ({
          ref: `task:${t.key}`,
          type: "task" as const,
          title: t.name,
          text: outputs.get(t.key) ?? "",
        })),
    ];
    return searchItems(items, query, limit);
  }

  /** What changed for `taskKey` between the last LLM attempts of two runs. */
  async diffRuns(
    runA: string,
    runB: string,
    taskKey: string,
  ): Promise<SnapshotDiff & { a: string; b: string }> {
    const [a, b] = await Promise.all([this.#lastSnapshot(runA, taskKey), this.#lastSnapshot(runB, taskKey)]);
    return { ...diffSnapshots(a.snapshot, b.snapshot), a: a.snapshot.hash, b: b.snapshot.hash };
  }

  async #lastSnapshot(runId: string, taskKey: string): Promise<StoredSnapshotBody> {
    const attempts = await this.#context.attemptSnapshots(runId, taskKey);
    const last = attempts.at(-1);
    if (!last) throw new NotFoundError("context snapshot", `run ${runId}, task ${taskKey}`);
    const body = await this.snapshotBody(last.snapshotHash);
    if (!body) throw new NotFoundError("context snapshot", last.snapshotHash);
    return body;
  }

  async #checkRef(planSlug: string, plan: PlanDefinition, taskKey: string, text: string): Promise<string> {
    const ref = parseItemRef(text);
    const normalized = formatItemRef(ref);
    if (ref.kind === "task") {
      if (ref.key === taskKey)
        throw new BadInputError(`a task cannot put its own output in its context (${text})`);
      if (!plan.tasks.some((t) => t.key === ref.key))
        throw new BadInputError(`unknown task in ${text}: no task ${ref.key} in plan ${planSlug}`);
    } else if (ref.kind === "doc") {
      const documents = await this.#context.listDocuments(planSlug);
      if (!documents.some((d) => d.key === ref.key))
        throw new BadInputError(`unknown document in ${text}: plan ${planSlug} has no document ${ref.key}`);
    } else if (ref.kind === "note") {
      const notes = await this.#context.listNotes(planSlug);
      if (!notes.some((n) => n.key === ref.key))
        throw new BadInputError(`unknown note in ${text}: plan ${planSlug} has no note ${ref.key}`);
    }
    return normalized;
  }
}

/** Keys of every task that requires `key`, directly or through others. */
function descendantsOf(plan: PlanDefinition, key: string): Set<string> {
  const found = new Set<string>();
  const queue = [key];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const task of plan.tasks) {
      if (task.requires.includes(next) && !found.has(task.key)) {
        found.add(task.key);
        queue.push(task.key);
      }
    }
  }
  return found;
}

function unique(refs: string[]): string[] {
  return [...new Set(refs)];
}

function short(hash: string): string {
  return hash.slice(0, 12);
}

/** `added doc:x; removed task:y; changed task:z (source)`, for one log line. */
export function describeDiff(diff: SnapshotDiff): string {
  const parts: string[] = [];
  if (diff.promptChanged) parts.push("the prompt changed");
  if (diff.added.length) parts.push(`added ${diff.added.map((i) => i.ref).join(", ")}`);
  if (diff.removed.length) parts.push(`removed ${diff.removed.map((i) => i.ref).join(", ")}`);
  if (diff.changed.length) {
    parts.push(`changed ${diff.changed.map((i) => `${i.ref} (${i.changes.join(", ")})`).join(", ")}`);
  }
  if (diff.budget.delta !== 0) parts.push(`budget ${diff.budget.before} → ${diff.budget.after}`);
  return parts.length > 0 ? parts.join("; ") : "a dropped or excluded item changed";
}
