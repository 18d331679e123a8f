import MiniSearch from "minisearch";
import { sha256 } from "./hash.ts";
import { termOf, termsOf, words } from "./terms.ts";
import type { ContextCandidates, Embedder, EmbeddingCache } from "./types.ts";

/**
 * Tier 5: BM25 (minisearch's BM25+) over the plan's task outputs and documents (title and text, the title
 * weighing double), queried with the task's prompt. With an embedder, hybrid: the BM25 ranking and the
 * cosine ranking of embeddings are fused by reciprocal rank (RRF, k = 60), which needs no score
 * normalisation and is stable when one ranking is noisy.
 *
 * One index is kept per plan state and updated in place as outputs change. The bundle's determinism rests
 * on its rankings, which must depend only on the documents held, never on the order in which they were
 * added, replaced or removed. Three things make that so:
 * - a document leaves with `discard` (cheap: a bundle of a big plan leaves out its task's descendants,
 *   often hundreds), whose postings minisearch drops lazily, when a search meets them, and a search counts
 *   a term's document frequency before dropping them, so the documents it scores before meeting one get
 *   another weight. So the query's terms that a discarded document held are first swept by a search
 *   that scores nothing (`boostDocument` 0), and only then searched;
 * - minisearch keeps each field's average length as a running floating-point average, which after adds
 *   and removes can differ from a fresh index's in the last bits: scores are compared rounded to
 *   `SCORE_STEP`;
 * - equal scores are ordered by ref.
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
 * over a big plan spends its time on (every task's title holds the words of every other's name).
 */
const COMMON_MIN_DOCS = 200;
const COMMON_SHARE = 0.5;

/** How far down each ranking the fusion looks. */
const FUSION_DEPTH = 50;
const RRF_K = 60;

/** Far coarser than the drift of a running average, far finer than any real difference of relevance. */
const SCORE_STEP = 1e-9;

const FIELDS = ["title", "text"];

export class RetrievalIndex {
  /** The documents held, with their terms. */
  readonly #docs = new Map<string, { doc: RetrievalDoc; terms: string[] }>();
  /** How many documents hold each term (in any field), to leave common terms out of a query. */
  readonly #documentFrequency = new Map<string, number>();
  /** Terms whose postings may still hold a discarded document (see above). */
  readonly #unswept = new Set<string>();
  /** The terms of the document being added, collected as minisearch processes its words. */
  #adding: Set<string> | null = null;
  readonly #search = new MiniSearch<RetrievalDoc>({
    idField: "ref",
    fields: FIELDS,
    storeFields: [],
    // Words and terms as the extractive summarizer sees them (stems, no stop words); a field's length is
    // its number of distinct words.
    tokenize: words,
    processTerm: (word) => {
      const term = termOf(word);
      if (term !== null) this.#adding?.add(term);
      return term ?? false;
    },
    searchOptions: { boost: { title: 2 }, combineWith: "OR", prefix: false, fuzzy: false },
    // The default vacuuming (in the background, after many discards) keeps the postings from growing.
  });

  constructor(docs: Iterable<RetrievalDoc> = []) {
    for (const doc of docs) this.set(doc);
  }

  /** The outputs (non-empty) and documents of a plan. */
  static fromCandidates(candidates: ContextCandidates): RetrievalIndex {
    return new RetrievalIndex(retrievalDocs(candidates));
  }

  /** Adds or replaces one document; a document equal to the one held is left as it is. */
  set(doc: RetrievalDoc): void {
    const held = this.#docs.get(doc.ref);
    if (held && held.doc.title === doc.title && held.doc.text === doc.text) return;
    if (held) this.delete(doc.ref);
    // A copy: what is held must stay what was indexed, whatever the caller does with its object later.
    const copy = { ref: doc.ref, title: doc.title, text: doc.text };
    const terms = new Set<string>();
    this.#adding = terms;
    try {
      this.#search.add(copy);
    } finally {
      this.#adding = null;
    }
    for (const term of terms) this.#documentFrequency.set(term, (this.#documentFrequency.get(term) ?? 0) + 1);
    this.#docs.set(doc.ref, { doc: copy, terms: [...terms] });
  }

  delete(ref: string): void {
    const held = this.#docs.get(ref);
    if (!held) return;
    this.#search.discard(ref);
    this.#docs.delete(ref);
    for (const term of held.terms) {
      this.#unswept.add(term);
      const left = (this.#documentFrequency.get(term) ?? 1) - 1;
      if (left > 0) this.#documentFrequency.set(term, left);
      else this.#documentFrequency.delete(term);
    }
  }

  get size(): number {
    return this.#docs.size;
  }

  /**
   * Brings the index to exactly `docs` for one bundle: documents missing or changed are set, held ones
   * not among `docs` are removed. A kept index then ranks as a fresh index of `docs` would, so one index
   * per plan can serve bundles whose candidates differ (a task never sees its downstream's outputs); the
   * work is what differs from the previous bundle's candidates.
   */
  align(docs: Iterable<RetrievalDoc>): void {
    const wanted = new Set<string>();
    for (const doc of docs) {
      wanted.add(doc.ref);
      this.set(doc);
    }
    for (const ref of [...this.#docs.keys()]) if (!wanted.has(ref)) this.delete(ref);
  }

  /** Documents matching the query, best first; ties broken by ref so the order never depends on insertion. */
  bm25(query: string, accept: (ref: string) => boolean): string[] {
    // Each distinct term once: a repeated word (or two words of one stem) must not count twice.
    const terms = [...new Set(termsOf(query))];
    const size = this.#docs.size;
    const common = (term: string) =>
      size >= COMMON_MIN_DOCS && (this.#documentFrequency.get(term) ?? 0) > size * COMMON_SHARE;
    const selective = terms.filter((term) => !common(term));
    const searched = selective.length > 0 ? selective : terms;
    if (searched.length === 0 || size === 0) return [];
    const asTerms = { tokenize: (text: string) => text.split(" "), processTerm: (term: string) => term };
    const unswept = searched.filter((term) => this.#unswept.has(term));
    if (unswept.length > 0) {
      this.#search.search(unswept.join(" "), { ...asTerms, boostDocument: () => 0 });
      for (const term of unswept) this.#unswept.delete(term);
    }
    const results = this.#search.search(searched.join(" "), asTerms);
    const ranked: Array<{ ref: string; score: number }> = [];
    for (const result of results) {
      const ref = String(result.id);
      if (accept(ref)) ranked.push({ ref, score: Math.round(result.score / SCORE_STEP) });
    }
    return ranked.sort((a, b) => b.score - a.score || compare(a.ref, b.ref)).map((entry) => entry.ref);
  }

  /** The documents held, in ref order. */
  docs(): RetrievalDoc[] {
    return [...this.#docs.values()].map((held) => held.doc).sort((a, b) => compare(a.ref, b.ref));
  }

  async search(
    query: string,
    options: {
      limit: number;
      accept: (ref: string) => boolean;
      embedder?: Embedder;
      embeddings: EmbeddingCache;
      /** A BM25 ranking of the same query already computed; it is filtered with `accept`. */
      lexical?: string[];
    },
  ): Promise<RetrievalHit[]> {
    const lexical = options.lexical
      ? options.lexical.filter(options.accept)
      : this.bm25(query, options.accept);
    if (!options.embedder) return lexical.slice(0, options.limit).map((ref, i) => ({ ref, rank: i + 1 }));
    const docs = this.docs().filter((doc) => options.accept(doc.ref));
    const semantic = await rankByEmbedding(query, docs, options.embedder, options.embeddings);
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

async function rankByEmbedding(
  query: string,
  docs: RetrievalDoc[],
  embedder: Embedder,
  cache: EmbeddingCache,
) {
  const texts = [query, ...docs.map((doc) => `${doc.title}\n${doc.text}`)];
  const vectors = await embedAll(texts, embedder, cache);
  const [queryVector, ...docVectors] = vectors;
  if (!queryVector) return [];
  return docs
    .map((doc, i) => ({ ref: doc.ref, similarity: cosine(queryVector, docVectors[i] ?? []) }))
    .sort((a, b) => b.similarity - a.similarity || compare(a.ref, b.ref))
    .map((entry) => entry.ref);
}

/** Embeds only the texts the cache does not hold (by sha256), in one request, and caches them. */
async function embedAll(texts: string[], embedder: Embedder, cache: EmbeddingCache): Promise<number[][]> {
  const hashes = texts.map(sha256);
  const known = await cache.get(embedder.id, [...new Set(hashes)]);
  const missing = [...new Set(hashes.filter((hash) => !known.has(hash)))];
  if (missing.length > 0) {
    const textOf = new Map(hashes.map((hash, i) => [hash, texts[i] ?? ""]));
    const fresh = await embedder.embed(missing.map((hash) => textOf.get(hash) ?? ""));
    const entries = missing.map((hash, i) => ({ hash, vector: fresh[i] ?? [] }));
    for (const { hash, vector } of entries) known.set(hash, vector);
    await cache.set(embedder.id, entries);
  }
  return hashes.map((hash) => known.get(hash) ?? []);
}

/** An embedding cache that lives as long as the object, used when the caller passes none. */
export function memoryEmbeddingCache(): EmbeddingCache {
  const vectors = new Map<string, number[]>();
  return {
    get: async (embedder, hashes) => {
      const found = new Map<string, number[]>();
      for (const hash of hashes) {
        const vector = vectors.get(`${embedder}:${hash}`);
        if (vector) found.set(hash, vector);
      }
      return found;
    },
    set: async (embedder, entries) => {
      for (const { hash, vector } of entries) vectors.set(`${embedder}:${hash}`, vector);
    },
  };
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
