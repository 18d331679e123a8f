import { resolveContextPolicy } from "@taskloom/core";
import { tokenizerForModel } from "@taskloom/llm";
import { describe, expect, it } from "vitest";
import { buildContextBundle } from "./bundle.ts";
import { compilePrompt } from "./template.ts";
import type { ContextCandidates, ContextTarget, LlmSummarizer } from "./types.ts";

const tokenizer = tokenizerForModel("gpt-4o-mini");
const filler = (topic: string, n: number) =>
  Array.from(
    { length: n },
    (_, i) => `Paragraph ${i} about ${topic} goes on at some length without saying much of use.`,
  ).join("\n");

function plan(): ContextCandidates {
  return {
    index: "# Plan INDEX\nThis plan writes a pricing brief for the board.",
    tasks: [
      {
        key: "collect",
        name: "Collect sources",
        output: "Sources: the 2025 pricing survey and the churn dashboard.",
      },
      {
        key: "analyse",
        name: "Analyse churn",
        output: `${filler("dashboards", 40)}\nThe churn rate in March was 4.7% after the price change.`,
      },
      { key: "style", name: "Style guide", output: "Write in short sentences. Use British spelling." },
      { key: "scratch", name: "Scratch", output: "Temporary notes nobody should read." },
      {
        key: "legal",
        name: "Legal review",
        output: "Legal says the price change needs 30 days notice to customers.",
      },
      {
        key: "copy",
        name: "Copy of collect",
        output: "Sources: the 2025 pricing survey and the churn dashboard.",
        duplicates: ["collect"],
      },
      {
        key: "brief",
        name: "Write the brief",
        output: null,
        requires: ["collect", "analyse"],
        refers: ["style"],
        relatesTo: ["doc:faq"],
      },
    ],
    documents: [
      {
        key: "faq",
        title: "Pricing FAQ",
        text: "Customers ask whether annual plans keep the old price. They do until renewal.",
      },
      {
        key: "spec",
        title: "Product spec",
        text: "The notice period for a price change is stated in the terms of service.",
      },
    ],
    notes: [{ key: "audience", value: "the board, non-technical" }],
  };
}

function target(overrides: Partial<ContextTarget> = {}): ContextTarget {
  return {
    key: "brief",
    prompt:
      "Write the pricing brief: what was the churn rate after the price change, and what notice do customers need?",
    policy: resolveContextPolicy({ budget: 4000 }),
    ...overrides,
  };
}

const byRef = (bundle: Awaited<ReturnType<typeof buildContextBundle>>) =>
  new Map(bundle.items.map((item) => [item.ref, item]));

describe("buildContextBundle tiers", () => {
  it("orders items pinned, index, requires, refers, retrieval, sibling, note, each with its reason", async () => {
    const bundle = await buildContextBundle(plan(), target({ pins: ["doc:spec"] }), { tokenizer });
    const entered = bundle.items.filter((item) => item.tokens > 0);
    expect(entered.map((item) => [item.ref, item.tier])).toEqual([
      ["doc:spec", "pinned"],
      ["index", "index"],
      ["task:collect", "requires"],
      ["task:analyse", "requires"],
      ["task:style", "refers"],
      ["doc:faq", "refers"],
      ["task:legal", "retrieval"],
      ["task:scratch", "sibling"],
      ["note:audience", "note"],
    ]);
    const items = byRef(bundle);
    expect(items.get("doc:spec")?.reason).toBe("pinned");
    expect(items.get("index")?.reason).toBe("included: INDEX is always included");
    expect(items.get("task:collect")?.reason).toBe("included: output of a direct requires upstream");
    expect(items.get("doc:faq")?.source).toBe("relates_to");
    expect(items.get("task:legal")?.reason).toMatch(
      /^included: retrieval hit #1 for the task's prompt \(BM25\)$/,
    );
    expect(items.get("task:scratch")?.type).toBe("task-summary");
    expect(items.get("task:scratch")?.text).toBe("scratch — Scratch: Temporary notes nobody should read.");
    expect(items.get("note:audience")?.text).toBe("audience: the board, non-technical");
    // The duplicate of an included output is listed but does not enter.
    expect(items.get("task:copy")).toMatchObject({
      decision: "dropped",
      reason: "dropped: duplicate of task:collect",
    });
    // The task's own output is never a candidate.
    expect(items.has("task:brief")).toBe(false);
  });

  it("keeps an item that qualifies for several tiers once, at its highest tier", async () => {
    const bundle = await buildContextBundle(plan(), target({ pins: ["task:analyse"] }), { tokenizer });
    const analyse = bundle.items.filter((item) => item.ref === "task:analyse");
    expect(analyse).toHaveLength(1);
    expect(analyse[0]?.tier).toBe("pinned");
  });

  it("never lets an excluded item in, even when pinned or required, and says so", async () => {
    const bundle = await buildContextBundle(
      plan(),
      target({
        pins: ["task:scratch"],
        excludes: ["task:scratch", "task:collect", "doc:faq", "note:audience"],
      }),
      { tokenizer },
    );
    const items = byRef(bundle);
    for (const ref of ["task:scratch", "task:collect", "doc:faq", "note:audience"]) {
      expect(items.get(ref)).toMatchObject({
        decision: "excluded",
        reason: "excluded by user",
        tokens: 0,
        text: "",
      });
    }
    expect(bundle.contextText).not.toContain("Temporary notes");
    expect(bundle.contextText).not.toContain("[task:collect]");
  });

  it("lists a required upstream without output as dropped, and a missing pin as not found", async () => {
    const input = plan();
    const collect = input.tasks.find((task) => task.key === "collect");
    if (collect) collect.output = null;
    const bundle = await buildContextBundle(input, target({ pins: ["doc:nope"] }), { tokenizer });
    const items = byRef(bundle);
    expect(items.get("task:collect")).toMatchObject({
      decision: "dropped",
      reason: "dropped: no output yet",
    });
    expect(items.get("doc:nope")).toMatchObject({ decision: "dropped", reason: "dropped: no such document" });
  });

  it("turns tiers off through the policy", async () => {
    const policy = resolveContextPolicy({
      budget: 4000,
      include: { siblings: false, notes: false, retrieval: false },
    });
    const bundle = await buildContextBundle(plan(), target({ policy }), { tokenizer });
    expect(new Set(bundle.items.map((item) => item.tier))).toEqual(new Set(["index", "requires", "refers"]));
  });

  it("summarizes an upstream that does not fit, keeping the sentence the prompt asks about", async () => {
    const bundle = await buildContextBundle(
      plan(),
      target({ policy: resolveContextPolicy({ budget: 420 }) }),
      { tokenizer },
    );
    const analyse = byRef(bundle).get("task:analyse");
    expect(analyse?.decision).toBe("summarized");
    expect(analyse?.reason).toMatch(
      /^summarized: \d+ → \d+ tokens to fit the budget \(query-focused extractive\)$/,
    );
    expect(analyse?.text).toContain("The churn rate in March was 4.7% after the price change.");
    expect(bundle.usedTokens).toBeLessThanOrEqual(420);
    expect(tokenizer.count(bundle.contextText)).toBe(bundle.usedTokens);
  });

  it("summarizes a pinned item too long for the budget without crowding out the upstreams' facts", async () => {
    const input = plan();
    input.documents?.push({
      key: "manual",
      title: "Pricing manual",
      text: `${filler("pricing", 200)}\nThe price change took effect on 3 March.`,
    });
    const bundle = await buildContextBundle(
      input,
      target({ pins: ["doc:manual"], policy: resolveContextPolicy({ budget: 700 }) }),
      { tokenizer },
    );
    const items = byRef(bundle);
    expect(items.get("doc:manual")).toMatchObject({ tier: "pinned", decision: "summarized" });
    expect(items.get("doc:manual")?.reason).toMatch(/^pinned; summarized: /);
    expect(bundle.contextText).toContain("4.7%");
    expect(bundle.usedTokens).toBeLessThanOrEqual(700);
  });

  it("derives the budget from the window, the prompt and the output reserve", async () => {
    const t = target({ policy: resolveContextPolicy(), contextWindow: 3000, maxTokens: 500 });
    const bundle = await buildContextBundle(plan(), t, { tokenizer });
    expect(bundle.budget).toBe(3000 - 500 - bundle.promptTokens);
    const prompt = compilePrompt(bundle, t);
    expect(tokenizer.count(prompt.system) + tokenizer.count(prompt.user)).toBeLessThanOrEqual(3000 - 500);
    // An explicit budget stands, except past what a known window leaves.
    const capped = await buildContextBundle(
      plan(),
      { ...t, policy: resolveContextPolicy({ budget: 100_000 }) },
      { tokenizer },
    );
    expect(capped.budget).toBe(bundle.budget);
    const free = await buildContextBundle(
      plan(),
      target({ policy: resolveContextPolicy({ budget: 100_000 }) }),
      { tokenizer },
    );
    expect(free.budget).toBe(100_000);
  });

  it("trims instead of summarizing when summaries are off", async () => {
    const policy = resolveContextPolicy({ budget: 300, summarize: "off" });
    const bundle = await buildContextBundle(plan(), target({ policy }), { tokenizer });
    const analyse = byRef(bundle).get("task:analyse");
    expect(analyse?.decision).toBe("trimmed");
    expect(analyse?.text.endsWith("[… trimmed]")).toBe(true);
  });

  it("uses an LLM summarizer in llm mode, cached by content hash", async () => {
    const calls: string[] = [];
    const summarizer: LlmSummarizer = {
      id: "fake-model",
      summarize: async (text) => {
        calls.push(text);
        return "Churn was 4.7% in March.";
      },
    };
    const store = new Map<string, string>();
    const cache = {
      get: async (k: string) => store.get(k),
      set: async (k: string, v: string) => void store.set(k, v),
    };
    const policy = resolveContextPolicy({ budget: 420, summarize: "llm" });
    const first = await buildContextBundle(plan(), target({ policy }), { tokenizer, summarizer, cache });
    const second = await buildContextBundle(plan(), target({ policy }), { tokenizer, summarizer, cache });
    expect(byRef(first).get("task:analyse")).toMatchObject({
      decision: "summarized",
      text: "Churn was 4.7% in March.",
    });
    expect(byRef(first).get("task:analyse")?.reason).toContain("LLM summary");
    expect(second.hash).toBe(first.hash);
    expect(calls.filter((text) => text.includes("4.7%"))).toHaveLength(1);
  });

  it("falls back to extractive summaries when the LLM summarizer fails, and says so", async () => {
    const summarizer: LlmSummarizer = {
      id: "broken",
      summarize: async () => {
        throw new Error("server down");
      },
    };
    const policy = resolveContextPolicy({ budget: 420, summarize: "llm" });
    const bundle = await buildContextBundle(plan(), target({ policy }), { tokenizer, summarizer });
    const analyse = byRef(bundle).get("task:analyse");
    expect(analyse?.text).toContain("4.7%");
    expect(analyse?.reason).toContain(
      "query-focused extractive; LLM summary failed (server down), extractive instead",
    );
  });

  it("renders the documented template: context by priority, instructions, then the task", async () => {
    const t = target({ system: "You are precise." });
    const bundle = await buildContextBundle(plan(), t, { tokenizer });
    const prompt = compilePrompt(bundle, t);
    expect(prompt.system).toBe("You are precise.");
    const user = prompt.user;
    expect(user.indexOf("# Context")).toBe(0);
    expect(user.indexOf("## [index] INDEX · index · plan index")).toBeGreaterThan(0);
    expect(user.indexOf("## [task:collect] Collect sources · requires · task output")).toBeGreaterThan(
      user.indexOf("## [index]"),
    );
    expect(user.indexOf("# Instructions")).toBeGreaterThan(user.indexOf("## [note:audience]"));
    expect(user).toContain("requires > index > pinned > refers");
    expect(user.endsWith(`# Task: brief\n\n${t.prompt}`)).toBe(true);
    expect(prompt.text).toBe(`You are precise.\n\n${user}`);
    expect(prompt.messages.map((m) => m.role)).toEqual(["system", "user"]);
  });

  it("gives byte-identical bundles for equal inputs, and another hash when an input changes", async () => {
    const a = await buildContextBundle(plan(), target(), { tokenizer });
    const b = await buildContextBundle(plan(), target(), { tokenizer });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const changed = plan();
    const legal = changed.tasks.find((task) => task.key === "legal");
    if (legal) legal.output = "Legal says 60 days notice.";
    const c = await buildContextBundle(changed, target(), { tokenizer });
    expect(c.hash).not.toBe(a.hash);
  });
});
