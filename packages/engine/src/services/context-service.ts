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
  type Embedder,
  type EmbeddingCache,
  RetrievalIndex,
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
  type OutputVersion,
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
  providerEmbedder,
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

/** Plans whose output texts and retrieval index the service keeps (least recently used dropped first). */
const KEPT_PLANS = 8;

/**
 * What the service keeps per plan between bundles, so that a bundle of a big plan reads and indexes only
 * what changed since the last one: output texts by the task run that produced them (with its finish time,
 * so a re-run is read again), the plan's retrieval index, and the plan version's downstream map.
 */
interface PlanState {
  texts: Map<number, { finishedAt: number | null; text: string | null }>;
  index: RetrievalIndex;
  /** The stored plan last read, with its downstream map (task key → keys that require it directly). */
  plan: { definition: PlanDefinition; version: number; dependents: Map<string, string[]> } | null;
  /** The output versions last read, valid while the plan's outputs stamp is `stamp`. */
  versions: { stamp: string; latest: OutputVersion[]; run: { id: string; versions: OutputVersion[] } | null };
  /** The outputs last returned, for the same stamp and run: nothing to read or merge again. */
  outputs: { stamp: string; runId: string | null; byKey: Map<string, string | null> } | null;
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
  /**
   * The provider's embeddings model: retrieval is then hybrid (BM25 + embeddings by reciprocal rank), the
   * vectors stored in the database by content hash. Default none (BM25 only); ignored with no provider.
   */
  embeddingsModel?: string;
}

/** Vectors kept in memory besides the database, so that a big plan's bundles do not read them each time. */
const KEPT_EMBEDDINGS = 50_000;

interface BuildInput {
  plan: PlanDefinition;
  /** Task key → keys of the tasks that require it directly. */
  dependents: Map<string, string[]>;
  task: TaskDefinition & { spec: LlmSpec };
  /** Latest successful outputs by task key (this run's, for an attempt). Kept by the service: not changed. */
  outputs: ReadonlyMap<string, string | null>;
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
  readonly #plans = new Map<string, PlanState>();
  readonly #embedder: Embedder | undefined;
  readonly #embeddings: EmbeddingCache;

  constructor(options: ContextServiceOptions) {
    this.#store = options.store;
    this.#context = options.context;
    this.#clock = options.clock;
    this.#defaultModel = options.defaultModel ?? DEFAULT_LLM_MODEL;
    this.#provider = options.provider?.dryRun ? undefined : options.provider;
    this.#embedder =
      this.#provider && options.embeddingsModel
        ? providerEmbedder(this.#provider, options.embeddingsModel)
        : undefined;
    this.#embeddings = keptEmbeddings(this.#context, this.#clock);
  }

  /** The model a task asks: its own, else the engine's. */
  modelOf(spec: LlmSpec): string {
    return spec.model ?? this.#defaultModel;
  }

  async #build(planSlug: string, input: BuildInput): Promise<BuiltContext> {
    const { plan, task } = input;
    const state = this.#state(planSlug);
    // A task never sees outputs derived from its own: those of its `requires` descendants are left out.
    const downstream = descendantsOf(input.dependents, task.key);
    const outputOf = (key: string) => (downstream.has(key) ? null : (input.outputs.get(key) ?? null));
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
        output: outputOf(t.key),
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
        retrievalIndex: state.index,
        ...(this.#embedder ? { embedder: this.#embedder, embeddings: this.#embeddings } : {}),
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

  /** The kept state of a plan, marked as the most recently used. */
  #state(planSlug: string): PlanState {
    let state = this.#plans.get(planSlug);
    if (state) this.#plans.delete(planSlug);
    else {
      state = {
        texts: new Map(),
        index: new RetrievalIndex(),
        plan: null,
        versions: { stamp: "", latest: [], run: null },
        outputs: null,
      };
    }
    this.#plans.set(planSlug, state);
    for (const slug of this.#plans.keys()) {
      if (this.#plans.size <= KEPT_PLANS) break;
      this.#plans.delete(slug);
    }
    return state;
  }

  /**
   * The stored plan and its outputs' stamp. The parsed definition is kept per version: parsing a
   * 10,000-task plan on every bundle was the largest cost left. Callers must not change it.
   */
  async #plan(planSlug: string) {
    const stamp = await this.#context.planContextStamp(planSlug);
    const state = this.#state(planSlug);
    if (state.plan?.version !== stamp.planVersion) {
      const { definition, version } = await this.#store.getPlanDefinition(planSlug);
      const dependents = new Map<string, string[]>();
      for (const task of definition.tasks) {
        for (const upstream of task.requires) {
          const list = dependents.get(upstream);
          if (list) list.push(task.key);
          else dependents.set(upstream, [task.key]);
        }
      }
      state.plan = { definition, version, dependents };
    }
    return { ...state.plan, outputsStamp: stamp.outputs };
  }

  async #llmTask(planSlug: string, taskKey: string) {
    const plan = await this.#plan(planSlug);
    const task = plan.definition.tasks.find((t) => t.key === taskKey);
    if (!task) throw new NotFoundError("task", `${planSlug}/${taskKey}`);
    if (task.spec.kind !== "llm") {
      throw new BadInputError(`task ${taskKey} is a ${task.kind} task; only llm tasks have a context`);
    }
    return { ...plan, plan: plan.definition, task: task as TaskDefinition & { spec: LlmSpec } };
  }

  /**
   * The bundle `taskKey` would get now: each task's latest successful output, the prompt rendered with the
   * plan's default params (left as written where a template cannot render yet).
   */
  async preview(planSlug: string, taskKey: string): Promise<BuiltContext> {
    const { plan, dependents, outputsStamp, task } = await this.#llmTask(planSlug, taskKey);
    const outputs = await this.#outputs(planSlug, null, outputsStamp);
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
    return this.#build(planSlug, {
      plan,
      dependents,
      task,
      outputs,
      prompt: render(task.spec.prompt),
      system,
    });
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
    const { definition: plan, dependents, outputsStamp } = await this.#plan(req.planSlug);
    const outputs = await this.#outputs(req.planSlug, req.runId, outputsStamp);
    const task = { ...req.definition, spec } as TaskDefinition & { spec: LlmSpec };
    const built = await this.#build(req.planSlug, {
      plan,
      dependents,
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
  async #outputs(
    planSlug: string,
    runId: string | null,
    stamp: string,
  ): Promise<ReadonlyMap<string, string | null>> {
    const state = this.#state(planSlug);
    if (state.outputs?.stamp === stamp && state.outputs.runId === runId) return state.outputs.byKey;
    // Versions are read again only when the plan's outputs changed (or for another run).
    if (state.versions.stamp !== stamp) {
      state.versions = { stamp, latest: await this.#context.latestOutputVersions(planSlug), run: null };
    }
    if (runId !== null && state.versions.run?.id !== runId) {
      state.versions.run = { id: runId, versions: await this.#context.successfulOutputVersions(runId) };
    }
    const versions = new Map<string, OutputVersion>();
    for (const version of state.versions.latest) versions.set(version.taskKey, version);
    if (runId !== null)
      for (const version of state.versions.run?.versions ?? []) versions.set(version.taskKey, version);
    // Only texts not seen yet (or of a task run that finished again since) are read.
    const { texts } = state;
    const missing = [...versions.values()]
      .filter((version) => texts.get(version.taskRunId)?.finishedAt !== version.finishedAt)
      .map((version) => version.taskRunId);
    if (missing.length > 0) {
      for (const row of await this.#context.outputTexts(missing)) {
        texts.set(row.taskRunId, { finishedAt: row.finishedAt, text: row.outputText });
      }
    }
    const used = new Set<number>();
    const outputs = new Map<string, string | null>();
    for (const [taskKey, version] of versions) {
      used.add(version.taskRunId);
      outputs.set(taskKey, texts.get(version.taskRunId)?.text ?? null);
    }
    for (const id of texts.keys()) if (!used.has(id)) texts.delete(id);
    state.outputs = { stamp, runId, byKey: outputs };
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
    const { plan, outputsStamp } = await this.#llmTask(planSlug, taskKey);
    const [outputs, documents, notes] = await Promise.all([
      this.#outputs(planSlug, null, outputsStamp),
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
function descendantsOf(dependents: Map<string, string[]>, key: string): Set<string> {
  const found = new Set<string>();
  const queue = [key];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const dependent of dependents.get(next) ?? []) {
      if (found.has(dependent)) continue;
      found.add(dependent);
      queue.push(dependent);
    }
  }
  return found;
}

/** The store's embeddings behind a bounded in-memory layer (dropped whole when full). */
function keptEmbeddings(context: ContextStore, clock: Clock): EmbeddingCache {
  let kept = new Map<string, number[]>();
  const remember = (embedder: string, hash: string, vector: number[]) => {
    if (kept.size >= KEPT_EMBEDDINGS) kept = new Map();
    kept.set(`${embedder}:${hash}`, vector);
  };
  return {
    async get(embedder, hashes) {
      const found = new Map<string, number[]>();
      const missing: string[] = [];
      for (const hash of hashes) {
        const vector = kept.get(`${embedder}:${hash}`);
        if (vector) found.set(hash, vector);
        else missing.push(hash);
      }
      if (missing.length > 0) {
        for (const [hash, vector] of await context.getEmbeddings(embedder, missing)) {
          found.set(hash, vector);
          remember(embedder, hash, vector);
        }
      }
      return found;
    },
    async set(embedder, entries) {
      await context.saveEmbeddings(embedder, entries, clock.now());
      for (const { hash, vector } of entries) remember(embedder, hash, vector);
    },
  };
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
