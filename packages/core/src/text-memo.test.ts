import { describe, expect, it } from "vitest";
import { TextMemo } from "./text-memo.ts";

describe("TextMemo", () => {
  it("computes a long text once, short texts every time, and forgets everything when full", () => {
    const seen: string[] = [];
    const memo = new TextMemo(
      (text) => {
        seen.push(text);
        return text.length;
      },
      { minLength: 4, maxChars: 10 },
    );
    expect([memo.get("abcdef"), memo.get("abcdef"), memo.get("ab"), memo.get("ab")]).toEqual([6, 6, 2, 2]);
    expect(seen).toEqual(["abcdef", "ab", "ab"]);
    memo.get("ghijkl"); // 6 + 6 > 10: the memo starts over
    memo.get("abcdef");
    expect(seen).toEqual(["abcdef", "ab", "ab", "ghijkl", "abcdef"]);
  });
});
