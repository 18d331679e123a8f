import { describe, expect, it } from "vitest";
import { failure, useTestApi } from "./test-api.ts";

const test = useTestApi("sweeps-router");

const swept = `plan: swept
tasks:
  train:
    run: echo '{{params.n}}' 
    output: json
    sweep: { items: [{ n: 1 }, { n: 2 }], need: any, maxParallel: 1 }
`;

describe("runs router and sweeps", () => {
  it("shows a swept task with its need and point count, and each point with its params", async () => {
    const { api, taskloom } = test;
    await api.plans.import({ text: swept });
    const { runId } = await api.runs.start({ planSlug: "swept" });
    expect((await taskloom.executeRun(runId, { pollMs: 20 })).status).toBe("succeeded");
    const run = await api.runs.get({ runId });
    expect(run.tasks.map((task) => [task.key, task.status, task.sweep ?? task.point])).toEqual([
      ["train", "succeeded", { need: "any", pointCount: 2 }],
      ["train[0]", "succeeded", { taskKey: "train", index: 0, params: { n: 1 } }],
      // One point at a time: the first success satisfies `need: any`, so the second never starts.
      ["train[1]", "skipped", { taskKey: "train", index: 1, params: { n: 2 } }],
    ]);
    expect(run.tasks.find((task) => task.key === "train[0]")?.outputJson).toBe(1);
    // A group never runs: retrying it is refused with a 4xx that says what to retry instead.
    expect(await failure(api.runs.retryTask({ runId, taskKey: "train" }))).toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("retry its failed points"),
    });
  });
});
