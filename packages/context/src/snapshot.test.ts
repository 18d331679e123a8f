import { resolveContextPolicy } from "@taskloom/core";
import { tokenizerForModel } from "@taskloom/llm";
import { describe, expect, it } from "vitest";
import { buildContextBundle } from "./bundle.ts";
import { checkApproval, contextPreview, diffSnapshots, toSnapshot } from "./snapshot.ts";
import { compilePrompt } from "./template.ts";
import type { ContextCandidates } from "./types.ts";

const tokenizer = tokenizerForModel("gpt-4o-mini");
const plan = (analysis: string): ContextCandidates => ({
  index: "INDEX: market study.",
  tasks: [
    { key: "collect", output: "Collected 12 interviews." },
    { key: "analyse", output: analysis },
    { key: "extra", output: "Extra material on the market." },
    { key: "study", output: null, requires: ["collect", "analyse"] },
  ],
  notes: [{ key: "tone", value: "formal" }],
});
const target = (excludes: string[] = []) => ({
  key: "study",
  prompt: "Summarize the market study.",
  policy: resolveContextPolicy({ budget: 2000 }),
  excludes,
});

describe("snapshots", () => {
  it("records hash, items, budget and totals", async () => {
    const bundle = await buildContextBundle(plan("Market grew 8%."), target(["note:tone"]), { tokenizer });
    const snapshot = toSnapshot(bundle);
    expect(snapshot).toMatchObject({
      hash: bundle.hash,
      task: "study",
      budget: 2000,
      usedTokens: bundle.usedTokens,
    });
    expect(snapshot.totals).toMatchObject({ candidates: bundle.items.length, excluded: 1, trimmed: 0 });
    expect(snapshot.items.map((i) => i.ref)).toEqual(bundle.items.map((i) => i.ref));
  });

  it("diffs two snapshots: added, removed, changed with token deltas", async () => {
    const a = toSnapshot(await buildContextBundle(plan("Market grew 8%."), target(), { tokenizer }));
    const b = toSnapshot(
      await buildContextBundle(
        plan("Market grew 8% in 2025, led by the north region."),
        target(["task:collect"]),
        { tokenizer },
      ),
    );
    const diff = diffSnapshots(a, b);
    expect(diff.identical).toBe(false);
    expect(diff.removed.map((i) => i.ref)).toEqual(["task:collect"]);
    expect(diff.added).toEqual([]);
    const analyse = diff.changed.find((c) => c.ref === "task:analyse");
    expect(analyse?.changes).toEqual(["text", "source"]);
    expect(analyse?.tokenDelta).toBeGreaterThan(0);
    expect(diff.usedTokens.delta).toBe(b.usedTokens - a.usedTokens);
    expect(diffSnapshots(a, a)).toMatchObject({ identical: true, added: [], removed: [], changed: [] });
  });

  it("an approval stays current until an input changes, even of a dropped item", async () => {
    const tight = { ...target(), policy: resolveContextPolicy({ budget: 60 }) };
    const approved = toSnapshot(await buildContextBundle(plan("Market grew 8%."), tight, { tokenizer }));
    const same = await buildContextBundle(plan("Market grew 8%."), tight, { tokenizer });
    expect(checkApproval(approved, same).upToDate).toBe(true);
    expect(same.items.find((item) => item.ref === "task:extra")?.decision).toBe("dropped");
    const input = plan("Market grew 8%.");
    const extra = input.tasks.find((task) => task.key === "extra");
    if (extra) extra.output = "Extra material, revised.";
    const changed = await buildContextBundle(input, tight, { tokenizer });
    expect(checkApproval(approved, changed).upToDate).toBe(false);
  });

  it("previews in the CLI's JSON shape", async () => {
    const t = target();
    const bundle = await buildContextBundle(plan("Market grew 8%."), t, { tokenizer });
    const prompt = compilePrompt(bundle, t).text;
    const preview = contextPreview(bundle, "market", prompt);
    expect(preview).toMatchObject({ task: "study", plan: "market", hash: bundle.hash, budget: 2000, prompt });
    expect(preview.items[0]).toEqual({
      ref: "index",
      tier: "index",
      type: "index",
      title: "INDEX",
      source: "index",
      tokens: bundle.items[0]?.tokens,
      fullTokens: bundle.items[0]?.fullTokens,
      decision: "full",
      reason: "included: INDEX is always included",
      text: "INDEX: market study.",
    });
    expect(JSON.parse(JSON.stringify(preview))).toEqual(preview);
  });
});
