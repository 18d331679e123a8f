import { describe, expect, it } from "vitest";
import {
  chartSeries,
  numericFields,
  outputFields,
  paramNames,
  type SweepTaskRun,
  sortRows,
  sweepProgress,
  sweepRows,
} from "./sweep-results.ts";

const point = (
  index: number,
  params: Record<string, string | number>,
  output: unknown,
  status = "succeeded",
) =>
  ({
    key: `train[${index}]`,
    status,
    startedAt: 1_000,
    finishedAt: 1_000 + index * 10,
    outputText: null,
    outputJson: output,
    point: { taskKey: "train", index, params },
  }) as SweepTaskRun;

const tasks: SweepTaskRun[] = [
  {
    key: "train",
    status: "pending",
    startedAt: null,
    finishedAt: null,
    outputText: null,
    outputJson: null,
    sweep: { need: "all", pointCount: 4 },
  },
  point(2, { lr: 0.1, opt: "sgd" }, { loss: 0.5, note: "x" }),
  point(0, { lr: 0.001, opt: "adam" }, { loss: 0.9 }),
  point(1, { lr: 0.01, opt: "sgd" }, { loss: 0.2 }),
  point(3, { lr: 1, opt: "adam" }, null, "running"),
];

describe("sweep results", () => {
  it("makes a row per point in point order, with the params and output fields they have", () => {
    const rows = sweepRows(tasks, "train");
    expect(rows.map((row) => row.key)).toEqual(["train[0]", "train[1]", "train[2]", "train[3]"]);
    expect(rows[2]?.durationMs).toBe(20);
    expect(paramNames(rows)).toEqual(["lr", "opt"]);
    expect(outputFields(rows)).toEqual(["loss", "note"]);
    expect(numericFields(rows)).toEqual(["loss"]);
  });

  it("sorts by a field or a param in both directions, missing values last", () => {
    const rows = sweepRows(tasks, "train");
    const byLoss = sortRows(rows, { column: "output", descending: false }, "loss");
    expect(byLoss.map((row) => row.index)).toEqual([1, 2, 0, 3]);
    const byLossDown = sortRows(rows, { column: "output", descending: true }, "loss");
    expect(byLossDown.map((row) => row.index)).toEqual([0, 2, 1, 3]);
    const byOpt = sortRows(rows, { column: "param:opt", descending: false }, null);
    expect(byOpt.map((row) => row.index)).toEqual([0, 3, 1, 2]);
  });

  it("charts a numeric field against a numeric param, or a text param as categories", () => {
    const rows = sweepRows(tasks, "train");
    expect(chartSeries(rows, "lr", "loss")).toEqual({
      categories: null,
      points: [
        { x: 0.001, y: 0.9, key: "train[0]" },
        { x: 0.01, y: 0.2, key: "train[1]" },
        { x: 0.1, y: 0.5, key: "train[2]" },
      ],
    });
    expect(chartSeries(rows, "opt", "loss").categories).toEqual(["adam", "sgd"]);
  });

  it("counts the points done of each swept task", () => {
    expect(sweepProgress(tasks)).toEqual({ train: "3/4" });
  });
});
