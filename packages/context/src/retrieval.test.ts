import { resolveContextPolicy, seededRandom } from "@taskloom/core";
import { tokenizerForModel } from "@taskloom/llm";
import { fakeEmbedding } from "@taskloom/llm/testing";
import { describe, expect, it } from "vitest";
import { buildContextBundle } from "./bundle.ts";
import { memoryEmbeddingCache, RetrievalIndex } from "./retrieval.ts";
import type { ContextCandidates, Embedder } from "./types.ts";

const tokenizer = tokenizerForModel("gpt-4o-mini");

const plan: ContextCandidates = {
  index: "",
  tasks: [
    {
      key: "churn",
      name: "Churn study",
      output: "Churn in the enterprise segment fell to 2.1% after onboarding changes.",
    },
    { key: "pricing", name: "Pricing", output: "The Pro plan costs $49 per seat." },
    { key: "hiring", name: "Hiring", output: "We hire 18 engineers next year." },
    { key: "brief", output: null },
  ],
  documents: [
    { key: "faq", title: "Churn FAQ", text: "Churn counts accounts that cancel within the month." },
  ],
};

describe("retrieval", () => {
  it("ranks by BM25 with stemming, over outputs and documents", () => {
    const index = RetrievalIndex.fromCandidates(plan);
    expect(index.bm25("enterprise onboarding changed", () => true)).toEqual(["task:churn"]);
    expect(index.bm25("why do churning accounts cancel", () => true)).toEqual(["doc:faq", "task:churn"]);
    expect(index.bm25("seat price of the pro plan", (ref) => ref !== "task:pricing")).toEqual([]);
  });

  it("follows updates: set replaces a document, delete removes it", () => {
    const index = RetrievalIndex.fromCandidates(plan);
    index.set({ ref: "task:hiring", title: "Hiring", text: "Churn of new hires is 9%." });
    expect(index.bm25("churn", () => true)).toContain("task:hiring");
    index.delete("task:hiring");
    expect(index.bm25("churn", () => true)).not.toContain("task:hiring");
    expect(index.size).toBe(3);
  });

  it("ranks the same whatever the order of updates; aligning removes what the candidates lack", () => {
    const docs = Array.from({ length: 60 }, (_, i) => ({
      ref: `task:t${i}`,
      title: `Package ${i}`,
      text: `Churn ${i % 7 === 0 ? "rose" : "fell"} in region ${i % 5}; the owner of the rollout is team ${i % 3}.`,
    }));
    const query = "who owns the rollout in region 3 and did churn rise";
    const fresh = new RetrievalIndex(docs.slice(0, 40));
    const expected = fresh.bm25(query, () => true);
    expect(expected.length).toBeGreaterThan(10);

    const kept = new RetrievalIndex([...docs].reverse());
    for (const doc of docs.slice(10, 30)) kept.set({ ...doc, text: `${doc.text} Replaced.` });
    for (const doc of docs.slice(10, 30)) kept.set(doc);
    expect(kept.bm25(query, () => true)).not.toEqual(expected);
    kept.align(docs.slice(0, 40));
    expect(kept.size).toBe(40);
    expect(kept.bm25(query, () => true)).toEqual(expected);

    // Many histories that end holding the same documents: shuffled adds, removes and re-adds.
    const random = seededRandom(7);
    for (let history = 0; history < 5; history++) {
      const index = new RetrievalIndex();
      for (let step = 0; step < 400; step++) {
        const doc = docs[Math.floor(random() * docs.length)];
        if (!doc) continue;
        if (random() < 0.4) index.delete(doc.ref);
        else index.set(random() < 0.3 ? { ...doc, text: `${doc.text} Step ${step}.` } : doc);
      }
      index.align(docs.slice(0, 40));
      expect(index.bm25(query, () => true)).toEqual(expected);
    }
  });

  it("is hybrid with an embedder: reciprocal-rank fusion, embeddings cached by content hash", async () => {
    const calls: string[][] = [];
    const embedder: Embedder = {
      id: "fake-embedding",
      embed: async (texts) => {
        calls.push(texts);
        return texts.map(fakeEmbedding);
      },
    };
    const embeddings = memoryEmbeddingCache();
    const target = {
      key: "brief",
      prompt: "How much does a seat on the Pro plan cost?",
      policy: resolveContextPolicy({ budget: 2000, k: 2 }),
    };
    const first = await buildContextBundle(plan, target, { tokenizer, embedder, embeddings });
    const hits = first.items.filter((item) => item.tier === "retrieval");
    expect(hits[0]?.ref).toBe("task:pricing");
    expect(hits[0]?.reason).toBe("included: retrieval hit #1 for the task's prompt (BM25 + embeddings)");
    expect(hits).toHaveLength(2);
    // Query + 4 documents embedded once; the second bundle reads every vector from the cache.
    expect(calls.flat()).toHaveLength(5);
    const second = await buildContextBundle(plan, target, { tokenizer, embedder, embeddings });
    expect(calls).toHaveLength(1);
    expect(second.hash).toBe(first.hash);
  });
});
