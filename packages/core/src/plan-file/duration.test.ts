import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BadInputError } from "../errors.ts";
import { formatDuration, parseDuration } from "./duration.ts";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["1h30m", 5_400_000],
    ["2m30s", 150_000],
    ["1s500ms", 1_500],
    ["1h2m3s4ms", 3_723_004],
    ["0", 0],
    ["250", 250],
    [" 10s ", 10_000],
    ["1d", 86_400_000],
    ["2d12h", 216_000_000],
  ])("parses %j", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it("takes a non-negative integer as ms", () => {
    expect(parseDuration(1500)).toBe(1500);
    expect(Object.is(parseDuration(-0), 0)).toBe(true);
  });

  it.each([
    "",
    "5 minutes",
    "30 s",
    "1.5s",
    "-1s",
    "5M",
    "1m1h",
    "1s1s",
    "ms",
    "1h1d",
    "1w",
    "9999999999999999999ms",
  ])("rejects %j", (text) => {
    expect(() => parseDuration(text)).toThrow(BadInputError);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])("rejects the number %s", (value) => {
    expect(() => parseDuration(value)).toThrow(BadInputError);
  });

  it("names the bad text in its message", () => {
    expect(() => parseDuration("5 minutes")).toThrow(
      "invalid duration `5 minutes` (expected e.g. 500ms, 30s, 5m, 1h or 1h30m, or a whole number of milliseconds)",
    );
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0ms"],
    [500, "500ms"],
    [1_500, "1500ms"],
    [30_000, "30s"],
    [90_000, "90s"],
    [300_000, "5m"],
    [3_600_000, "1h"],
    [5_400_000, "90m"],
  ])("formats %d as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("rejects what is not a non-negative whole number", () => {
    expect(() => formatDuration(-1)).toThrow(BadInputError);
    expect(() => formatDuration(0.5)).toThrow(BadInputError);
  });

  it("round-trips through parseDuration", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.nat(),
          fc.maxSafeNat(),
          fc.nat({ max: 1000 }).map((n) => n * 60_000),
        ),
        (ms) => {
          expect(parseDuration(formatDuration(ms))).toBe(ms);
        },
      ),
    );
  });
});
