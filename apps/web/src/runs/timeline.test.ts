import { describe, expect, it } from "vitest";
import { buildTimeline, timelineTicks } from "./timeline.ts";

describe("buildTimeline", () => {
  it("spans first start to last finish, one bar per attempt, rows by first start", () => {
    const timeline = buildTimeline(
      [
        {
          key: "late",
          status: "succeeded",
          startedAt: 1500,
          finishedAt: 2000,
          attemptHistory: [{ attempt: 1, status: "succeeded", startedAt: 1500, finishedAt: 2000 }],
        },
        {
          key: "flaky",
          status: "succeeded",
          startedAt: 1000,
          finishedAt: 1400,
          attemptHistory: [
            { attempt: 1, status: "failed", startedAt: 1000, finishedAt: 1100 },
            { attempt: 2, status: "succeeded", startedAt: 1200, finishedAt: 1400 },
          ],
        },
        { key: "never", status: "blocked", startedAt: null, finishedAt: null, attemptHistory: [] },
      ],
      5000,
    );
    expect(timeline.start).toBe(1000);
    expect(timeline.end).toBe(2000);
    expect(timeline.rows.map((row) => row.key)).toEqual(["flaky", "late", "never"]);
    const flaky = timeline.rows[0];
    expect(flaky?.bars.map((bar) => [bar.attempt, bar.left, bar.width])).toEqual([
      [1, 0, 0.1],
      [2, 0.2, 0.2],
    ]);
    expect(timeline.rows[2]?.bars).toEqual([]);
  });

  it("shows a running task up to now before its attempt row arrives", () => {
    const timeline = buildTimeline(
      [{ key: "a", status: "running", startedAt: 1000, finishedAt: null, attemptHistory: [] }],
      3000,
    );
    expect(timeline.end).toBe(3000);
    expect(timeline.rows[0]?.bars).toMatchObject([{ attempt: 1, finishedAt: null, left: 0, width: 1 }]);
  });

  it("is empty before anything started", () => {
    const timeline = buildTimeline(
      [{ key: "a", status: "ready", startedAt: null, finishedAt: null, attemptHistory: [] }],
      10,
    );
    expect(timeline).toEqual({ start: 10, end: 10, rows: [{ key: "a", status: "ready", bars: [] }] });
  });
});

it("picks round tick steps", () => {
  const ticks = timelineTicks(0, 60_000);
  expect(ticks.map((tick) => tick.at)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
  expect(timelineTicks(0, 90_000).map((tick) => tick.at)).toEqual([
    0, 15_000, 30_000, 45_000, 60_000, 75_000, 90_000,
  ]);
});
