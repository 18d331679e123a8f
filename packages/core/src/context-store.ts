import type { PlanDocument } from "./types.ts";

/**
 * Glossary (context storage; see `context-types.ts` for items and refs)
 * -------------------------------------------------------------------
 * - **override**: a person's `pin` or `exclude` of one ref for one task of a plan (plan-file pins and
 *   excludes live in the task's spec, not here).
 * - **stored snapshot**: what an LLM attempt saw, keyed by the bundle's hash; identical inputs share one.
 * - **approval**: a person locked the bundle of one task at one snapshot hash; runs use that snapshot while
 *   the bundle built from the current inputs has the same hash.
 */

export type OverrideAction = "pin" | "exclude";

export interface ContextOverrideRecord {
  ref: string;
  action: OverrideAction;
  /** Epoch ms; pins keep this order. */
  createdAt: number;
}

export interface StoredContextSnapshot {
  hash: string;
  /** The snapshot and the compiled messages, as canonical JSON text (the engine owns the shape). */
  json: string;
  budget: number;
  usedTokens: number;
  createdAt: number;
}

export interface ContextApprovalRecord {
  snapshotHash: string;
  approvedAt: number;
}

/** What an LLM attempt records on its attempt row; absent fields are left as they are. */
export interface LlmAttemptRecord {
  runId: string;
  taskKey: string;
  attempt: number;
  snapshotHash?: string;
  model?: string;
  promptTokens?: number;
  completionTokens?: number;
  /** The task's approved snapshot when the attempt was prepared (whether or not it was still up to date). */
  approvedSnapshotHash?: string;
}

/** What one LLM attempt recorded (`recordLlmAttempt`), as read back. */
export interface LlmAttemptSnapshot {
  attempt: number;
  snapshotHash: string;
  model: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  approvedSnapshotHash: string | null;
}

/** One run of a plan in which a task's attempts stored snapshots: the choices of a diff against another run. */
export interface RunWithSnapshot {
  runId: string;
  /** Epoch ms. */
  createdAt: number;
  status: string;
  /** The task's last attempt that stored a snapshot, and that snapshot. */
  attempt: number;
  snapshotHash: string;
}

/**
 * A request to replay one attempt's snapshot: the next attempt of the task in `runId` sends exactly the
 * stored messages. `runId` is null until the run started for the replay is bound to it.
 */
export interface ContextReplayRecord {
  id: number;
  planSlug: string;
  taskKey: string;
  snapshotHash: string;
  sourceRunId: string;
  sourceAttempt: number;
  runId: string | null;
  /** Epoch ms. */
  requestedAt: number;
}

export interface SuccessfulOutput {
  taskKey: string;
  outputText: string | null;
}

/**
 * Which output a task has, without its text: the task run that produced it and when it finished (a task
 * run that runs again, after an operator retry, finishes later). The engine keeps texts by these and reads
 * only the ones it has not seen.
 */
export interface OutputVersion {
  taskKey: string;
  taskRunId: number;
  /** Epoch ms; null only for rows finished without a time. */
  finishedAt: number | null;
}

/**
 * What a plan's context depends on, cheaply: its version, and a fingerprint of its runs that changes
 * whenever a task run of the plan changes (each change writes an event of its run) or a run is added or
 * deleted. Equal stamps mean the engine's kept outputs are still right.
 */
export interface PlanContextStamp {
  planVersion: number;
  outputs: string;
}

export interface OutputText {
  taskRunId: number;
  finishedAt: number | null;
  outputText: string | null;
}

/**
 * The storage the context engine needs: plan documents and notes, overrides, approvals, snapshots, and the
 * outputs of a run. Implemented with the Prisma client (portable across providers), off the hot path.
 * Unknown plans reject with `NotFoundError`.
 */
export interface ContextStore {
  /**
   * Makes the stored context follow the plan's definition, in one transaction:
   * - `documents` is the plan's whole set: they are upserted and every other document of the plan is deleted
   *   (documents exist only in plan definitions);
   * - `notes` are upserted and the keys in `removed.notes` deleted (notes the definition had before and has
   *   no longer); other notes are kept, so notes written at run time (`setNote`) survive;
   * - `removed.documents` are deleted (already implied by `documents`; default none).
   *
   * The steering (overrides, approvals) of tasks the plan no longer has is not this: the plan's import
   * deletes it in its own transaction (`ImportPlanOptions.renamedTasks`).
   */
  syncPlanContext(
    planSlug: string,
    input: {
      documents: PlanDocument[];
      notes: Record<string, string>;
      removed?: { documents: string[]; notes: string[] };
    },
    now: number,
  ): Promise<void>;
  listDocuments(planSlug: string): Promise<PlanDocument[]>;
  /** Notes by key, in key order. */
  listNotes(planSlug: string): Promise<{ key: string; value: string }[]>;
  setNote(planSlug: string, key: string, value: string, now: number): Promise<void>;
  /** Oldest first. */
  listOverrides(planSlug: string, taskKey: string): Promise<ContextOverrideRecord[]>;
  /** Sets one ref's override (replacing the other action), or removes it when `action` is null. */
  setOverride(
    planSlug: string,
    taskKey: string,
    ref: string,
    action: OverrideAction | null,
    now: number,
  ): Promise<void>;
  /** Removes every override and the approval of one task. */
  clearTask(planSlug: string, taskKey: string): Promise<void>;
  getApproval(planSlug: string, taskKey: string): Promise<ContextApprovalRecord | null>;
  /** Stores the snapshot (when new) and records it as the task's approved bundle. */
  approve(planSlug: string, taskKey: string, snapshot: StoredContextSnapshot, now: number): Promise<void>;
  /** Stores a snapshot unless one with its hash exists (same hash, same content). */
  saveSnapshot(snapshot: StoredContextSnapshot): Promise<void>;
  getSnapshot(hash: string): Promise<StoredContextSnapshot | null>;
  /** Writes snapshot hash, model and usage on the attempt row of `runId`/`taskKey`/`attempt`. */
  recordLlmAttempt(record: LlmAttemptRecord): Promise<void>;
  /** Each task's latest successful output over all the plan's runs (by finish time). */
  latestOutputs(planSlug: string): Promise<SuccessfulOutput[]>;
  /** The latest output of every task run of `runId` that succeeded. */
  successfulOutputs(runId: string): Promise<SuccessfulOutput[]>;
  planContextStamp(planSlug: string): Promise<PlanContextStamp>;
  /** `latestOutputs` without the texts: which task run holds each task's latest successful output. */
  latestOutputVersions(planSlug: string): Promise<OutputVersion[]>;
  /** `successfulOutputs` without the texts. */
  successfulOutputVersions(runId: string): Promise<OutputVersion[]>;
  /** The outputs of these task runs as they are now, in id order; ids that do not exist are left out. */
  outputTexts(taskRunIds: number[]): Promise<OutputText[]>;
  /** A cached LLM summary (or embedding) by content-hash key; undefined when absent. */
  getCached(key: string): Promise<string | undefined>;
  setCached(key: string, value: string, now: number): Promise<void>;
  /** Stored embeddings of one embedder among `contentHashes` (sha256 of the embedded texts), by hash. */
  getEmbeddings(embedder: string, contentHashes: string[]): Promise<Map<string, number[]>>;
  /** Stores embeddings; a hash already stored keeps its vector (same text, same embedder, same vector). */
  saveEmbeddings(
    embedder: string,
    entries: Array<{ hash: string; vector: number[] }>,
    now: number,
  ): Promise<void>;
  /** The snapshot hash each attempt of one task in one run used, in attempt order (nulls left out). */
  attemptSnapshots(runId: string, taskKey: string): Promise<{ attempt: number; snapshotHash: string }[]>;
  /** What each LLM attempt of one task in one run recorded, in attempt order (attempts without a snapshot left out). */
  llmAttempts(runId: string, taskKey: string): Promise<LlmAttemptSnapshot[]>;
  /** Runs of the plan in which `taskKey` stored a snapshot, newest first, at most `limit`. */
  runsWithSnapshots(planSlug: string, taskKey: string, limit: number): Promise<RunWithSnapshot[]>;
  /** Records a replay request (unbound: `runId` null); returns its id. */
  requestReplay(
    input: Omit<ContextReplayRecord, "id" | "runId" | "requestedAt">,
    now: number,
  ): Promise<number>;
  /** Binds an unbound replay request to the run started for it (no-op once bound). */
  bindReplay(id: number, runId: string): Promise<void>;
  /**
   * The replay the attempt of `taskKey` in `runId` must send: the request bound to that run, else the oldest
   * unbound request of the task made no later than the run's creation (then bound to it, atomically, so one
   * request serves one run). Null when there is none.
   */
  takeReplay(runId: string, taskKey: string): Promise<ContextReplayRecord | null>;
  /** The replay request bound to `runId`/`taskKey`, if any (read only). */
  replayOf(runId: string, taskKey: string): Promise<ContextReplayRecord | null>;
}
