import { parseItemRef } from "@taskloom/core";
import { scoreText, summarize } from "./extractive-summary.ts";
import { sha256 } from "./hash.ts";
import { compare, type RetrievalIndex } from "./retrieval.ts";
import type {
  BuildDependencies,
  ContextCandidates,
  ContextTarget,
  ContextTaskInput,
  EmbeddingCache,
  ItemType,
  Tier,
} from "./types.ts";
import { tierRank } from "./types.ts";

/**
 * Gathering: every candidate of every tier, each ref once (at its highest tier), excluded refs set apart
 * and never offered to retrieval (so they do not take one of the k slots).
 */

export interface Candidate {
  ref: string;
  tier: Tier;
  /** Position inside the tier: pin order, `requires` order, retrieval rank, … */
  order: number;
  type: ItemType;
  title: string;
  source: string;
  /** The whole text as it would enter the prompt. */
  body: string;
  contentHash: string;
  /** Set when the item is listed but cannot enter (no output yet, not found, duplicate). */
  unavailable?: string;
  /** For retrieval hits: the reason's wording. */
  detail?: string;
}

export interface Gathered {
  candidates: Candidate[];
  excluded: Candidate[];
}

/** Tokens of a sibling's short output. */
const SIBLING_SHORT_TOKENS = 48;
export const DEFAULT_SIBLING_LIMIT = 8;

export async function gatherCandidates(
  input: ContextCandidates,
  target: ContextTarget,
  deps: BuildDependencies,
  index: RetrievalIndex,
  embeddings: EmbeddingCache,
): Promise<Gathered> {
  const tasks = new Map(input.tasks.map((task) => [task.key, task]));
  const documents = new Map((input.documents ?? []).map((doc) => [doc.key, doc]));
  const notes = new Map((input.notes ?? []).map((note) => [note.key, note]));
  const self = tasks.get(target.key);
  const selfRef = `task:${target.key}`;
  const excludes = new Set((target.excludes ?? []).map(normalizeRef));
  const seen = new Set<string>([selfRef]);
  const candidates: Candidate[] = [];
  const excluded: Candidate[] = [];
  const query = `${self?.name ?? ""}\n${target.prompt}`;

  const resolve = (ref: string): Omit<Candidate, "tier" | "order" | "source"> => {
    const parsed = parseItemRef(ref);
    if (parsed.kind === "index") {
      return item(
        ref,
        "index",
        "INDEX",
        input.index,
        input.index.trim() === "" ? "dropped: the plan has no INDEX" : undefined,
      );
    }
    if (parsed.kind === "task") {
      const task = tasks.get(parsed.key);
      const missing = !task
        ? "dropped: no such task in the plan"
        : task.output === null
          ? "dropped: no output yet"
          : undefined;
      return item(ref, "task-output", task?.name ?? parsed.key, task?.output ?? "", missing);
    }
    if (parsed.kind === "doc") {
      const doc = documents.get(parsed.key);
      return item(
        ref,
        "document",
        doc?.title ?? parsed.key,
        doc?.text ?? "",
        doc ? undefined : "dropped: no such document",
      );
    }
    const note = notes.get(parsed.key);
    return item(
      ref,
      "note",
      parsed.key,
      note ? `${note.key}: ${note.value}` : "",
      note ? undefined : "dropped: no such note",
    );
  };

  const add = (ref: string, tier: Tier, source: string, order: number, extra: Partial<Candidate> = {}) => {
    if (seen.has(ref)) return;
    seen.add(ref);
    const candidate: Candidate = { ...resolve(ref), tier, source, order, ...extra };
    (excludes.has(ref) ? excluded : candidates).push(candidate);
  };

  for (const [i, ref] of (target.pins ?? []).map(normalizeRef).entries()) add(ref, "pinned", "pinned", i);
  add("index", "index", "index", 0);
  for (const [i, key] of (self?.requires ?? []).entries()) add(`task:${key}`, "requires", "requires", i);
  const loose = (key: string) => looseRef(key, tasks, documents);
  let order = 0;
  for (const key of self?.refers ?? []) add(loose(key), "refers", "refers", order++);
  for (const key of self?.relatesTo ?? []) add(loose(key), "refers", "relates_to", order++);

  const accept = (ref: string) => !seen.has(ref) && !excludes.has(ref);
  const wantsRetrieval = target.policy.include.retrieval && target.policy.k > 0;
  const lexical =
    wantsRetrieval || target.policy.include.siblings
      ? index.bm25(query, (ref) => ref !== selfRef && !excludes.has(ref))
      : [];
  if (wantsRetrieval) {
    const hits = await index.search(query, {
      limit: target.policy.k,
      accept,
      embedder: deps.embedder,
      embeddings,
      lexical,
    });
    const how = deps.embedder ? "BM25 + embeddings" : "BM25";
    for (const hit of hits) {
      add(hit.ref, "retrieval", `retrieval #${hit.rank}`, hit.rank, {
        detail: `retrieval hit #${hit.rank} for the task's prompt (${how})`,
      });
    }
  }

  if (target.policy.include.siblings) {
    const limit = deps.siblingLimit ?? DEFAULT_SIBLING_LIMIT;
    for (const [i, task] of pickSiblings(input.tasks, tasks, self, lexical, accept, limit).entries()) {
      add(`task:${task.key}`, "sibling", "sibling", i, {
        type: "task-summary",
        body: siblingShortForm(task, query, deps),
        unavailable: undefined,
      });
    }
  }

  if (target.policy.include.notes) {
    const keys = [...notes.keys()].sort(compare);
    for (const [i, key] of keys.entries()) add(`note:${key}`, "note", "note", i);
  }

  // Explicit excludes that no tier reached are still listed, so a person sees the exclusion took effect.
  for (const ref of [...excludes].sort(compare)) {
    if (seen.has(ref) || ref === selfRef) continue;
    const kind = parseItemRef(ref).kind;
    const tier: Tier =
      kind === "index" ? "index" : kind === "note" ? "note" : kind === "doc" ? "retrieval" : "sibling";
    add(ref, tier, "excluded", 0);
  }

  markDuplicates(candidates, tasks);
  const byTier = (a: Candidate, b: Candidate) =>
    tierRank(a.tier) - tierRank(b.tier) || a.order - b.order || compare(a.ref, b.ref);
  return { candidates: candidates.sort(byTier), excluded: excluded.sort(byTier) };
}

/**
 * Siblings in this order: tasks that share an upstream or the parent with the target (in plan order),
 * then the others by BM25 rank for the task's prompt, then in plan order; `limit` at most. Linear in the
 * plan's size: no sort over all tasks.
 */
function pickSiblings(
  tasks: ContextTaskInput[],
  byKey: Map<string, ContextTaskInput>,
  self: ContextTaskInput | undefined,
  lexical: string[],
  accept: (ref: string) => boolean,
  limit: number,
): ContextTaskInput[] {
  const picked: ContextTaskInput[] = [];
  const taken = new Set<string>();
  const take = (task: ContextTaskInput | undefined) => {
    if (
      !task ||
      picked.length >= limit ||
      taken.has(task.key) ||
      task.key === self?.key ||
      !accept(`task:${task.key}`)
    )
      return;
    picked.push(task);
    taken.add(task.key);
  };
  const upstreams = new Set(self?.requires ?? []);
  const parent = self?.parent ?? null;
  for (const task of tasks) {
    if (picked.length >= limit) break;
    if (
      (parent !== null && task.parent === parent) ||
      (task.requires ?? []).some((key) => upstreams.has(key))
    )
      take(task);
  }
  for (const ref of lexical) {
    if (picked.length >= limit) break;
    if (ref.startsWith("task:")) take(byKey.get(ref.slice(5)));
  }
  for (const task of tasks) {
    if (picked.length >= limit) break;
    take(task);
  }
  return picked;
}

function item(ref: string, type: ItemType, title: string, body: string, unavailable: string | undefined) {
  return { ref, type, title, body, contentHash: sha256(body), ...(unavailable ? { unavailable } : {}) };
}

/** `doc:spec` stays as is; a bare `style-guide` is the task of that key, else the document of that key. */
function looseRef(key: string, tasks: Map<string, unknown>, documents: Map<string, unknown>): string {
  if (key.includes(":") || key === "index") return normalizeRef(key);
  if (tasks.has(key)) return `task:${key}`;
  return documents.has(key) ? `doc:${key}` : `task:${key}`;
}

function normalizeRef(ref: string): string {
  const parsed = parseItemRef(ref);
  return parsed.kind === "index" ? "index" : `${parsed.kind}:${parsed.key}`;
}

/** `key — name: short output`, the output cut to what matches the query (its opening when nothing does). */
function siblingShortForm(task: ContextTaskInput, query: string, deps: BuildDependencies): string {
  const name = task.name && task.name !== task.key ? ` — ${task.name}` : "";
  if (task.output === null || task.output.trim() === "") return `${task.key}${name}: (no output yet)`;
  const { tokenizer } = deps;
  const whole = tokenizer.count(task.output) <= SIBLING_SHORT_TOKENS;
  const short = whole
    ? task.output.trim()
    : summarize(
        scoreText(task.output, query, tokenizer),
        { maxTokens: SIBLING_SHORT_TOKENS, minRelative: 0.3 },
        tokenizer,
      ) || `${tokenizer.truncate(task.output.trim(), SIBLING_SHORT_TOKENS)} …`;
  return `${task.key}${name}: ${short}`;
}

/** A task whose output duplicates another candidate's is dropped in its favour. */
function markDuplicates(candidates: Candidate[], tasks: Map<string, ContextTaskInput>): void {
  const present = new Set(candidates.filter((c) => !c.unavailable).map((c) => c.ref));
  for (const candidate of candidates) {
    if (!candidate.ref.startsWith("task:") || candidate.unavailable || candidate.tier === "pinned") continue;
    const task = tasks.get(candidate.ref.slice(5));
    const original = (task?.duplicates ?? []).map((key) => `task:${key}`).find((ref) => present.has(ref));
    if (original) {
      candidate.unavailable = `dropped: duplicate of ${original}`;
      present.delete(candidate.ref);
    }
  }
}
