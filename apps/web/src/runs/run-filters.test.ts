import { describe, expect, it } from "vitest";
import {
  emptyResultHint,
  NO_FILTERS,
  parseRunFilters,
  runFiltersToSearch,
  runListInput,
} from "./run-filters.ts";

describe("run filters", () => {
  it("round-trips through the URL and ignores nonsense", () => {
    const filters = parseRunFilters(
      new URLSearchParams("plan=etl&status=failed&trigger=nope&range=24h&q=clean"),
    );
    expect(filters).toEqual({ ...NO_FILTERS, plan: "etl", status: "failed", range: "24h", search: "clean" });
    expect(runFiltersToSearch(filters)).toBe("?plan=etl&status=failed&range=24h&q=clean");
    expect(runFiltersToSearch(NO_FILTERS)).toBe("");
  });

  it("builds the list input with relative and custom ranges", () => {
    const now = Date.UTC(2026, 10, 21, 12);
    expect(runListInput({ ...NO_FILTERS, range: "1h" }, now)).toEqual({ limit: 50, from: now - 3_600_000 });
    const custom = runListInput(
      { ...NO_FILTERS, range: "custom", from: "2026-11-01", to: "2026-11-02" },
      now,
    );
    expect(custom.from).toBe(new Date(2026, 10, 1).getTime());
    expect(custom.to).toBe(new Date(2026, 10, 3).getTime() - 1);
    expect(runListInput({ ...NO_FILTERS, search: "  fetch " }, now)).toEqual({ limit: 50, search: "fetch" });
  });
});

describe("the hint of an empty result", () => {
  it("names only the filters that are set", () => {
    expect(emptyResultHint({ ...NO_FILTERS, search: "zzz" })).toBe("No task key or output contains “zzz”.");
    expect(emptyResultHint({ ...NO_FILTERS, range: "24h", status: "failed" })).toBe(
      "Try a wider time range, another status.",
    );
    expect(emptyResultHint({ ...NO_FILTERS, plan: "etl", search: "x" })).toBe(
      "No task key or output contains “x” here. Try all plans, or another search.",
    );
  });
});
