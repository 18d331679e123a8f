import MiniSearch from "minisearch";
import { sha256 } from "./hash.ts";
import { termOf, words } from "./terms.ts";
import type { ContentCache, ContextCandidates, Embedder } from "./types.ts";

/**
 * Tier 5: BM25 (minisearch) over the plan's task outputs and documents, queried with the task's prompt.
 * With an embedder, hybrid: the BM25 ranking and the cosine ranking of embeddings are fused by reciprocal
 * rank (RRF, k = 60), which needs no score normalisation and is stable when one ranking is noisy.
 */

export interface RetrievalDoc {
  /** `task:<key>` or `doc:<key>`. */
  ref: string;
  title: string;
  text: string;
}

export interface RetrievalHit {
  ref: string;
  /** 1-based position in the final ranking. */
  rank: number;
}

/**
 * In a corpus of at least this many documents, query terms found in more than `COMMON_SHARE` of them are
 * left out of the search: their BM25 weight is near zero, and scanning their postings is what a search
 * over a big plan spends its time on.
 */
const COMMON_MIN_DOCS = 200;
const COMMON_SHARE = 0.5;

/** How far down each ranking the fusion looks. */
const FUSION_DEPTH = 50;
const RRF_K = 60;

export class RetrievalIndex {
  readonly #search: MiniSearch<RetrievalDoc>;
  readonly #docs = new Map<string, RetrievalDoc>();
  /** Document frequency of each term, and each document's distinct terms (to undo on delete). */
  readonly #df = new Map<string, number>();
  readonly #docTerms = new Map<string, string[]>();
  #collecting: Set<string> | null = null;

  constructor(docs: Iterable<RetrievalDoc> = []) {
    this.#search = new MiniSearch<RetrievalDoc>({
      idField: "ref",
      fields: ["title", "text"],
      tokenize: words,
      processTerm: (word) => {
        const term = termOf(word);
        if (term !== null) this.#collecting?.add(term);
        return term ?? false;
      },
      searchOptions: { boost: { title: 2 }, combineWith: "OR" },
    });
    for (const doc of docs) this.set(doc);
  }

  /** The outputs (non-empty) and documents of a plan. */
  static fromCandidates(candidates: ContextCandidates): RetrievalIndex {
    return new RetrievalIndex(retrievalDocs(candidates));
  }

  /** Adds or replaces one document. */
  set(doc: RetrievalDoc): void {
    this.delete(doc.ref);
    this.#docs.set(doc.ref, doc);
    this.#collecting = new Set();
    try {
      this.#search.add(doc);
    } finally {
      const terms = [...this.#collecting];
      this.#collecting = null;
      this.#docTerms.set(doc.ref, terms);
      for (const term of terms) this.#df.set(term, (this.#df.get(term) ?? 0) + 1);
    }
  }

  delete(ref: string): void {
    if (!this.#docs.delete(ref)) return;
    this.#search.discard(ref);
    for (const term of this.#docTerms.get(ref) ?? []) {
      const left = (this.#df.get(term) ?? 1) - 1;
      if (left > 0) this.#df.set(term, left);
      else this.#df.delete(term);
    }
    this.#docTerms.delete(ref);
  }

  get size(): number {
    return this.#docs.size;
  }

  /** Documents matching the query, best first; ties broken by ref so the order never depends on insertion. */
  bm25(query: string, accept: (ref: string) => boolean): string[] {
    const size = this.#docs.size;
    const terms = [
      ...new Set(
        words(query)
          .map(termOf)
          .filter((t): t is string => t !== null),
      ),
    ];
    const common = (term: string) =>
      size >= COMMON_MIN_DOCS && (this.#df.get(term) ?? 0) > size * COMMON_SHARE;
    const selective = terms.filter((term) => !common(term));
    // Terms are already index terms: the search must not stem them again.
    return this.#search
      .search((selective.length > 0 ? selective : terms).join(" "), {
        tokenize: (text) => text.split(" "),
        processTerm: (t) => t,
      })
      .filter((result) => accept(String(result.id)))
      .sort((a, b) => b.score - a.score || compare(String(a.id), String(b.id)))
      .map((result) => String(result.id));
  }

  async search(
    query: string,
    options: {
      limit: number;
      accept: (ref: string) => boolean;
      embedder?: Embedder;
      cache: ContentCache;
      /** A BM25 ranking of the same query already computed; it is filtered with `accept`. */
      lexical?: string[];
    },
  ): Promise<RetrievalHit[]> {
    const lexical = options.lexical
      ? options.lexical.filter(options.accept)
      : this.bm25(query, options.accept);
    if (!options.embedder) return lexical.slice(0, options.limit).map((ref, i) => ({ ref, rank: i + 1 }));
    const docs = [...this.#docs.values()].filter((doc) => options.accept(doc.ref));
    const semantic = await rankByEmbedding(query, docs, options.embedder, options.cache);
    const fused = new Map<string, number>();
    const add = (refs: string[]) => {
      for (const [i, ref] of refs.slice(0, FUSION_DEPTH).entries()) {
        fused.set(ref, (fused.get(ref) ?? 0) + 1 / (RRF_K + i + 1));
      }
    };
    add(lexical);
    add(semantic);
    return [...fused.entries()]
      .sort((a, b) => b[1] - a[1] || compare(a[0], b[0]))
      .slice(0, options.limit)
      .map(([ref], i) => ({ ref, rank: i + 1 }));
  }
}

export function retrievalDocs(candidates: ContextCandidates): RetrievalDoc[] {
  const docs: RetrievalDoc[] = [];
  for (const task of candidates.tasks) {
    if (task.output) docs.push({ ref: `task:${task.key}`, title: task.name ?? task.key, text: task.output });
  }
  for (const doc of candidates.documents ?? [])
    docs.push({ ref: `doc:${doc.key}`, title: doc.title ?? doc.key, text: doc.text });
  return docs;
}

async function rankByEmbedding(query: string, docs: RetrievalDoc[], embedder: Embedder, cache: ContentCache) {
  const texts = [query, ...docs.map((doc) => `${doc.title}\n${doc.text}`)];
  const vectors = await embedAll(texts, embedder, cache);
  const [queryVector, ...docVectors] = vectors;
  if (!queryVector) return [];
  return docs
    .map((doc, i) => ({ ref: doc.ref, similarity: cosine(queryVector, docVectors[i] ?? []) }))
    .sort((a, b) => b.similarity - a.similarity || compare(a.ref, b.ref))
    .map((entry) => entry.ref);
}

/** Embeds only the texts the cache does not hold, in one request. */
async function embedAll(texts: string[], embedder: Embedder, cache: ContentCache): Promise<number[][]> {
  const keys = texts.map((text) => `embedding:${embedder.id}:${sha256(text)}`);
  const vectors: Array<number[] | undefined> = await Promise.all(
    keys.map(async (key) => {
      const hit = await cache.get(key);
      return hit === undefined ? undefined : (JSON.parse(hit) as number[]);
    }),
  );
  const missing = vectors.flatMap((vector, i) => (vector === undefined ? [i] : []));
  if (missing.length > 0) {
    const fresh = await embedder.embed(missing.map((i) => texts[i] ?? ""));
    for (const [j, i] of missing.entries()) {
      const vector = fresh[j] ?? [];
      vectors[i] = vector;
      await cache.set(keys[i] ?? "", JSON.stringify(vector));
    }
  }
  return vectors.map((vector) => vector ?? []);
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** Code-unit order, the same on every machine (unlike `localeCompare`). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
