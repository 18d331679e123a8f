import { describe, expect, it } from "vitest";
import { failure, useTestApi } from "./test-api.ts";

// No provider: the dry-run one, whose output is the compiled prompt.
const test = useTestApi("snapshots-router", (api) =>
  api.plans.import({
    text: "plan: demo\nindex: Demo.\ntasks:\n  facts: { run: echo 'A costs 5 euros' }\n  brief: { kind: llm, prompt: Sum up., requires: [facts] }\n",
  }),
);

describe("snapshots router", () => {
  it("returns an attempt's snapshot by attempt and by hash, labelled as a dry run, and diffs two runs", async () => {
    const { api, taskloom } = test;
    const first = await taskloom.run("demo");
    const view = await api.snapshots.attempt({ runId: first.runId, taskKey: "brief" });
    expect(view).toMatchObject({ attempt: 1, dryRun: true, approval: null, replayOf: null });
    expect(view.snapshot.items.map((item) => item.ref)).toContain("task:facts");
    expect(view.snapshot.messages.at(-1)?.content).toContain("Sum up.");
    expect(await api.snapshots.byHash({ hash: view.snapshot.hash })).toEqual(view.snapshot);
    const second = await taskloom.run("demo");
    const diff = await api.snapshots.diff({
      a: { runId: first.runId, taskKey: "brief" },
      b: { hash: view.snapshot.hash },
    });
    expect(diff.identical).toBe(true);
    expect((await api.snapshots.runs({ runId: second.runId, taskKey: "brief" })).map((r) => r.runId)).toEqual(
      [second.runId, first.runId],
    );
  });

  it("answers NOT_FOUND for unknown runs and snapshots, BAD_REQUEST for malformed input", async () => {
    const { api, taskloom } = test;
    const unknownRun = await failure(api.snapshots.attempt({ runId: "run_missing", taskKey: "brief" }));
    expect(unknownRun).toMatchObject({ code: "NOT_FOUND" });
    expect(unknownRun.message).toContain("run_missing");
    expect((await failure(api.snapshots.byHash({ hash: "a".repeat(64) }))).code).toBe("NOT_FOUND");
    const malformed = await failure(api.snapshots.byHash({ hash: "not-a-hash" }));
    expect(malformed.code).toBe("BAD_REQUEST");
    expect(malformed.message).toContain("64 lowercase hex digits");
    const { runId } = await taskloom.run("demo");
    expect((await failure(api.snapshots.attempt({ runId, taskKey: "facts" }))).code).toBe("NOT_FOUND");
    expect((await failure(api.snapshots.replay({ runId, taskKey: "brief", attempt: 0 }))).code).toBe(
      "BAD_REQUEST",
    );
  });
});
