import { tokenizerForModel } from "@taskloom/llm";
import { describe, expect, it } from "vitest";
import { scoreText, splitUnits, summarize } from "./extractive-summary.ts";

const tokenizer = tokenizerForModel("gpt-4o-mini");

/** About 3,000 tokens of plausible report text with one needed fact in the middle. */
function longReport(fact: string): string {
  const topics = [
    "hiring",
    "office moves",
    "the intranet",
    "travel policy",
    "the offsite",
    "laptops",
    "parking",
  ];
  const lines: string[] = ["# Operations report", ""];
  for (let i = 0; i < 120; i++) {
    const topic = topics[i % topics.length];
    lines.push(
      `The team discussed ${topic} again this week and agreed to revisit ${topic} at the next meeting.`,
    );
    if (i === 60) lines.push("## Customers", fact);
  }
  return lines.join("\n");
}

describe("query-focused extractive summary", () => {
  it("keeps a fact buried in a long text when the prompt asks about it", () => {
    const fact = "Net revenue retention for enterprise customers reached 118% in the third quarter.";
    const text = longReport(fact);
    expect(tokenizer.count(text)).toBeGreaterThan(2000);
    const scored = scoreText(text, "What was the net revenue retention of enterprise customers?", tokenizer);
    const summary = summarize(scored, { maxTokens: 80, minRelative: 0 }, tokenizer);
    expect(summary).toContain(fact);
    // Its section heading comes with it, and the omitted text is marked.
    expect(summary).toContain("## Customers");
    expect(summary).toContain("…");
    expect(tokenizer.count(summary)).toBeLessThanOrEqual(80);
  });

  it("is not the first lines: the opening is left out when it does not match", () => {
    const text = longReport("The churn rate fell to 2.1% after the onboarding change.");
    const summary = summarize(
      scoreText(text, "churn rate after onboarding", tokenizer),
      { maxTokens: 60, minRelative: 0 },
      tokenizer,
    );
    expect(summary).not.toContain("hiring");
    expect(summary).toContain("2.1%");
  });

  it("prefers the sentence with the number and the most query terms", () => {
    const text = [
      "Pricing was discussed at length.",
      "The pricing committee met twice.",
      "The new pricing raises the Pro plan to $49 per seat from March.",
    ].join(" ");
    const scored = scoreText(text, "new pricing of the Pro plan", tokenizer);
    const best = [...scored.units].sort((a, b) => b.score - a.score)[0];
    expect(best?.text).toContain("$49 per seat");
    const summary = summarize(scored, { maxTokens: 22, minRelative: 0 }, tokenizer);
    expect(summary).toContain("$49 per seat");
    expect(summary).not.toContain("committee");
  });

  it("keeps original order and returns nothing when nothing matches", () => {
    const text = "Alpha beta gamma. Delta 3 epsilon. Zeta eta theta 7.";
    const scored = scoreText(text, "delta zeta", tokenizer);
    const summary = summarize(scored, { maxTokens: 100, minRelative: 0 }, tokenizer);
    expect(summary.indexOf("Delta")).toBeLessThan(summary.indexOf("Zeta"));
    expect(
      summarize(scoreText(text, "unrelated words", tokenizer), { maxTokens: 100, minRelative: 0 }, tokenizer),
    ).toBe("");
  });

  it("splits headings, list items and sentences, but not decimals or abbreviations", () => {
    const units = splitUnits(
      "# Title\n- item one. Item two.\nRevenue was 4.2 m, e.g. in Q3. Next one.",
      tokenizer,
    );
    expect(units.map((u) => [u.text, u.heading])).toEqual([
      ["# Title", true],
      ["- item one.", false],
      ["Item two.", false],
      ["Revenue was 4.2 m, e.g. in Q3.", false],
      ["Next one.", false],
    ]);
    expect(units[1]?.section).toBe(0);
  });
});
