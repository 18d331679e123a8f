import { describe, expect, it } from "vitest";
import { compareChoices, diffSummary, shortHash, signedTokens } from "./snapshot-labels.ts";

const time = (at: number) => `t${at}`;

describe("snapshot labels", () => {
  it("writes hashes as the log does and token deltas with their sign", () => {
    expect(shortHash("0123456789abcdef0123")).toBe("0123456789ab");
    expect([signedTokens(12), signedTokens(-3), signedTokens(0)]).toEqual(["+12", "−3", "±0"]);
  });

  it("sums a diff up in one line", () => {
    const none = { identical: false, added: [], removed: [], changed: [], promptChanged: false };
    expect(diffSummary({ ...none, identical: true, usedTokens: { delta: 0 } })).toBe("identical");
    expect(diffSummary({ ...none, added: [1, 2], changed: [1], usedTokens: { delta: 40 } })).toBe(
      "2 added, 1 changed · +40 tokens",
    );
    expect(diffSummary({ ...none, usedTokens: { delta: 0 } })).toBe(
      "a dropped or excluded item changed · ±0 tokens",
    );
  });

  it("offers the other attempts, then the other runs, defaulting to the run before this one", () => {
    const runs = [
      { runId: "r3", createdAt: 30, status: "running", attempt: 1 },
      { runId: "r2", createdAt: 20, status: "succeeded", attempt: 2 },
      { runId: "r1", createdAt: 10, status: "failed", attempt: 1 },
    ];
    const { choices, defaultId } = compareChoices({ runId: "r2", attempt: 2 }, [1, 2], runs, time);
    expect(choices.map((c) => c.id)).toEqual(["attempt:1", "run:r3", "run:r1"]);
    expect(choices[2]).toEqual({ id: "run:r1", label: "Run r1 · t10 · failed", runId: "r1", attempt: 1 });
    expect(defaultId).toBe("run:r1");
  });

  it("falls back to the attempt before, then to nothing", () => {
    const only = [{ runId: "r1", createdAt: 10, status: "succeeded", attempt: 3 }];
    expect(compareChoices({ runId: "r1", attempt: 3 }, [1, 2, 3], only, time).defaultId).toBe("attempt:2");
    expect(compareChoices({ runId: "r1", attempt: 1 }, [1], only, time)).toEqual({
      choices: [],
      defaultId: null,
    });
  });
});
