import { describe, expect, it } from "vitest";
import { highlightParts, matchingLines } from "./highlight.ts";

describe("log search highlighting", () => {
  it("marks every match ignoring case, keeping the text as written", () => {
    expect(highlightParts("Error: an error", "ERROR")).toEqual([
      { text: "Error", match: true },
      { text: ": an ", match: false },
      { text: "error", match: true },
    ]);
    expect(highlightParts("nothing", "x")).toEqual([{ text: "nothing", match: false }]);
    expect(highlightParts("aaa", "aa")).toEqual([
      { text: "aa", match: true },
      { text: "a", match: false },
    ]);
  });

  it("keeps only the matching lines of chunks", () => {
    const chunks = [
      { seq: 3, attempt: 1, text: "ok\nfailed here\n" },
      { seq: 4, attempt: 2, text: "FAILED again" },
    ];
    expect(matchingLines(chunks, "failed")).toEqual([
      { key: "3:1", attempt: 1, line: "failed here" },
      { key: "4:0", attempt: 2, line: "FAILED again" },
    ]);
  });
});
