import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { resolveContextPolicy, SUMMARIZE_MODES } from "@taskloom/core";
import { tokenizerForModel } from "@taskloom/llm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildContextBundle } from "./bundle.ts";
import { determinismFixture } from "./test-support/determinism-fixture.ts";
import type { ContextCandidates, ContextTarget } from "./types.ts";
import { entersPrompt } from "./types.ts";

const tokenizer = tokenizerForModel("gpt-4o-mini");
const here = path.dirname(fileURLToPath(import.meta.url));

const sentence = fc.lorem({ maxCount: 14, mode: "sentences" });
const text = fc
  .array(fc.oneof(sentence, fc.constantFrom("# Heading", "Revenue was 42% in Q3.", "")), { maxLength: 30 })
  .map((lines) => lines.join("\n"));

/** A plan of up to 12 tasks with random links, documents, notes, pins and excludes, and a random budget. */
const scenario = fc
  .record({
    outputs: fc.array(fc.option(text, { nil: null }), { minLength: 1, maxLength: 12 }),
    docs: fc.array(text, { maxLength: 4 }),
    notes: fc.array(fc.lorem({ maxCount: 6 }), { maxLength: 3 }),
    index: fc.oneof(fc.constant(""), text),
    prompt: fc.lorem({ maxCount: 20 }),
    budget: fc.integer({ min: 0, max: 2500 }),
    summarize: fc.constantFrom(...SUMMARIZE_MODES),
    seed: fc.array(fc.nat(100), { minLength: 40, maxLength: 40 }),
  })
  .map(({ outputs, docs, notes, index, prompt, budget, summarize, seed }) => {
    const pick = (i: number, n: number) => (seed[i % seed.length] ?? 0) % Math.max(1, n);
    const keys = outputs.map((_, i) => `t${i}`);
    const tasks = outputs.map((output, i) => ({
      key: `t${i}`,
      output,
      requires: keys.filter((_, j) => j !== i && pick(i + j, 3) === 0),
      refers: keys.filter((_, j) => j !== i && pick(i * 3 + j, 5) === 0),
      duplicates: keys.filter((_, j) => j !== i && pick(i * 7 + j, 9) === 0),
    }));
    const allRefs = [
      "index",
      ...keys.map((k) => `task:${k}`),
      ...docs.map((_, i) => `doc:d${i}`),
      ...notes.map((_, i) => `note:n${i}`),
    ];
    const pins = allRefs.filter((_, i) => pick(i + 11, 4) === 0);
    const excludes = allRefs.filter((_, i) => pick(i + 23, 5) === 0);
    const candidates: ContextCandidates = {
      index,
      tasks,
      documents: docs.map((t, i) => ({ key: `d${i}`, text: t })),
      notes: notes.map((value, i) => ({ key: `n${i}`, value })),
    };
    const target: ContextTarget = {
      key: "t0",
      prompt,
      policy: resolveContextPolicy({ budget, summarize }),
      pins,
      excludes,
    };
    return { candidates, target };
  });

const summarizer = { id: "fake", summarize: async (t: string) => t.split("\n").reverse().join("\n") };

describe("allocator properties", () => {
  it("never exceeds the budget, counting the whole context section", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ candidates, target }) => {
        const bundle = await buildContextBundle(candidates, target, { tokenizer, summarizer });
        const used = bundle.contextText === "" ? 0 : tokenizer.count(bundle.contextText);
        expect(used).toBe(bundle.usedTokens);
        expect(used).toBeLessThanOrEqual(bundle.budget);
        const sum = bundle.items.reduce((total, item) => total + item.tokens, 0);
        expect(sum).toBeLessThanOrEqual(bundle.budget);
      }),
      { numRuns: 60 },
    );
  });

  it("puts pinned items first and never lets an excluded item in", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ candidates, target }) => {
        const bundle = await buildContextBundle(candidates, target, { tokenizer });
        const entered = bundle.items.filter((item) => entersPrompt(item.decision));
        const firstUnpinned = entered.findIndex((item) => item.tier !== "pinned");
        if (firstUnpinned >= 0)
          expect(entered.slice(firstUnpinned).some((item) => item.tier === "pinned")).toBe(false);
        const excluded = new Set(target.excludes);
        for (const item of entered) expect(excluded.has(item.ref)).toBe(false);
        for (const ref of excluded) expect(bundle.contextText).not.toContain(`## [${ref}]`);
        // Every ref appears once; the task's own output never does.
        const refs = bundle.items.map((item) => item.ref);
        expect(new Set(refs).size).toBe(refs.length);
        expect(refs).not.toContain("task:t0");
        // Tiers never go back up in the prompt.
        const ranks = entered.map((item) => item.tierRank);
        expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
      }),
      { numRuns: 60 },
    );
  });

  it("is deterministic: the same inputs give the same bytes", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ candidates, target }) => {
        const a = await buildContextBundle(candidates, target, { tokenizer });
        const b = await buildContextBundle(structuredClone(candidates), structuredClone(target), {
          tokenizer,
        });
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 25 },
    );
  });

  it("gives the same hash in another node process", async () => {
    const { candidates, target } = determinismFixture();
    const bundle = await buildContextBundle(candidates, target, { tokenizer: tokenizerForModel("gpt-4o") });
    const tsx = createRequire(import.meta.url).resolve("tsx");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", tsx, path.join(here, "test-support/determinism-child.ts")],
      {
        cwd: here,
      },
    );
    expect(JSON.parse(stdout)).toEqual({ hash: bundle.hash, length: JSON.stringify(bundle).length });
    expect(bundle.hash).toMatch(/^[0-9a-f]{64}$/);
    // A fresh node process loads tsx and the tokenizer's tables: seconds on a busy machine.
  }, 60_000);
});
