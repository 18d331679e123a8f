import { sha256 } from "./hash.ts";
import { termOf, words } from "./terms.ts";
import type { ContextCandidates, Embedder, EmbeddingCache } from "./types.ts";

/**
 * Tier 5: BM25 over the plan's task outputs and documents (title and text, the title weighing double),
 * queried with the task's prompt. With an embedder, hybrid: the BM25 ranking and the cosine ranking of
 * embeddings are fused by reciprocal rank (RRF, k = 60), which needs no score normalisation and is stable
 * when one ranking is noisy.
 *
 * The index is our own rather than a search library's because it is kept per plan state and updated in
 * place as outputs change, and the bundle's determinism rests on its scores: every statistic it scores
 * with is an integer (document count, document frequencies, summed field lengths) and a document's score
 * is summed in query-term order, so a ranking depends only on the documents held, never on the order in
 * which they were added, replaced or removed.
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

/** BM25+ parameters (those of minisearch, which this index replaced, so rankings stayed as they were). */
const BM25_K = 1.2;
const BM25_B = 0.7;
const BM25_D = 0.5;
const NONE: ReadonlySet<string> = new Set();
const FIELDS = [
  { name: "title", boost: 2 },
  { name: "text", boost: 1 },
] as const;

interface IndexedDoc {
  doc: RetrievalDoc;
  /** Per field: term frequencies. */
  frequencies: Map<string, number>[];
  /** Per field: distinct words (stop words included), the length BM25 normalises by. */
  lengths: number[];
  /** Distinct terms over all fields. */
  terms: string[];
}

export class RetrievalIndex {
  readonly #docs = new Map<string, IndexedDoc>();
  /** Per field: term → ref → frequency. */
  readonly #postings: Map<string, Map<string, number>>[] = FIELDS.map(() => new Map());
  /** Per field: the sum of the documents' lengths. */
  readonly #lengthSums: number[] = FIELDS.map(() => 0);
  /** Document frequency of each term over all fields. */
  readonly #df = new Map<string, number>();

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
    const frequencies: Map<string, number>[] = [];
    const lengths: number[] = [];
    const terms = new Set<string>();
    for (const [field, value] of [doc.title, doc.text].entries()) {
      const tokens = words(value);
      const counts = new Map<string, number>();
      for (const word of tokens) {
        const term = termOf(word);
        if (term === null) continue;
        counts.set(term, (counts.get(term) ?? 0) + 1);
        terms.add(term);
      }
      frequencies.push(counts);
      const length = new Set(tokens).size;
      lengths.push(length);
      this.#lengthSums[field] = (this.#lengthSums[field] ?? 0) + length;
      const postings = this.#postings[field];
      if (!postings) continue;
      for (const [term, count] of counts) {
        let posting = postings.get(term);
        if (!posting) {
          posting = new Map();
          postings.set(term, posting);
        }
        posting.set(doc.ref, count);
      }
    }
    for (const term of terms) this.#df.set(term, (this.#df.get(term) ?? 0) + 1);
    this.#docs.set(doc.ref, { doc, frequencies, lengths, terms: [...terms] });
  }

  delete(ref: string): void {
    const held = this.#docs.get(ref);
    if (!held) return;
    this.#docs.delete(ref);
    for (const [field, counts] of held.frequencies.entries()) {
      this.#lengthSums[field] = (this.#lengthSums[field] ?? 0) - (held.lengths[field] ?? 0);
      const postings = this.#postings[field];
      for (const term of counts.keys()) {
        const posting = postings?.get(term);
        posting?.delete(ref);
        if (posting?.size === 0) postings?.delete(term);
      }
    }
    for (const term of held.terms) {
      const left = (this.#df.get(term) ?? 1) - 1;
      if (left > 0) this.#df.set(term, left);
      else this.#df.delete(term);
    }
  }

  get size(): number {
    return this.#docs.size;
  }

  /**
   * Brings the index up to `docs` for one bundle: documents missing or changed are set, and the refs of
   * held documents that are not among `docs` are returned, to be passed as `hidden`. Searching with them
   * hidden scores exactly as an index of `docs` alone would (every statistic is an integer), so an index
   * kept per plan can serve bundles whose candidates differ (a task never sees its downstream's outputs).
   */
  align(docs: Iterable<RetrievalDoc>): Set<string> {
    const wanted = new Set<string>();
    for (const doc of docs) {
      wanted.add(doc.ref);
      this.set(doc);
    }
    const hidden = new Set<string>();
    for (const ref of this.#docs.keys()) if (!wanted.has(ref)) hidden.add(ref);
    return hidden;
  }

  /**
   * Documents matching the query, best first; ties broken by ref so the order never depends on insertion.
   * `hidden` documents are scored as if they were not in the index (see `align`). Default none.
   */
  bm25(query: string, accept: (ref: string) => boolean, hidden: ReadonlySet<string> = NONE): string[] {
    const hiddenDocs = [...hidden].flatMap((ref) => this.#docs.get(ref) ?? []);
    const size = this.#docs.size - hiddenDocs.length;
    if (size <= 0) return [];
    const terms = [
      ...new Set(
        words(query)
          .map(termOf)
          .filter((t): t is string => t !== null),
      ),
    ];
    const df = (term: string) =>
      (this.#df.get(term) ?? 0) -
      hiddenDocs.filter((held) => held.frequencies.some((counts) => counts.has(term))).length;
    const common = (term: string) => size >= COMMON_MIN_DOCS && df(term) > size * COMMON_SHARE;
    const selective = terms.filter((term) => !common(term));
    const scores = new Map<string, { score: number; terms: number; last: number }>();
    for (const [t, term] of (selective.length > 0 ? selective : terms).entries()) {
      for (const [field, { boost }] of FIELDS.entries()) {
        const posting = this.#postings[field]?.get(term);
        if (!posting) continue;
        const matching = posting.size - hiddenDocs.filter((held) => posting.has(held.doc.ref)).length;
        if (matching <= 0) continue;
        const idf = Math.log(1 + (size - matching + 0.5) / (matching + 0.5));
        const lengthSum = hiddenDocs.reduce(
          (sum, held) => sum - (held.lengths[field] ?? 0),
          this.#lengthSums[field] ?? 0,
        );
        const average = lengthSum / size;
        for (const [ref, frequency] of posting) {
          if (hidden.has(ref)) continue;
          const length = this.#docs.get(ref)?.lengths[field] ?? 0;
          const norm = 1 - BM25_B + (BM25_B * length) / average;
          const score = boost * idf * (BM25_D + (frequency * (BM25_K + 1)) / (frequency + BM25_K * norm));
          const entry = scores.get(ref);
          if (entry === undefined) scores.set(ref, { score, terms: 1, last: t });
          else {
            entry.score += score;
            if (entry.last !== t) {
              entry.terms++;
              entry.last = t;
            }
          }
        }
      }
    }
    // Documents matching more query terms rank higher: the sum is multiplied by how many matched.
    const ranked: Array<{ ref: string; score: number }> = [];
    for (const [ref, entry] of scores) {
      if (accept(ref)) ranked.push({ ref, score: entry.score * entry.terms });
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
      /** Documents searched as if absent (see `align`). Default none. */
      hidden?: ReadonlySet<string>;
    },
  ): Promise<RetrievalHit[]> {
    const hidden = options.hidden ?? NONE;
    const lexical = options.lexical
      ? options.lexical.filter(options.accept)
      : this.bm25(query, options.accept, hidden);
    if (!options.embedder) return lexical.slice(0, options.limit).map((ref, i) => ({ ref, rank: i + 1 }));
    const docs = this.docs().filter((doc) => !hidden.has(doc.ref) && options.accept(doc.ref));
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
