import { ApprovalInputError } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import { failure, useTestApi } from "./test-api.ts";

const test = useTestApi("approvals-router", async (api) => {
  await api.plans.import({
    text: `plan: gated
tasks:
  gate:
    kind: approval
    prompt: Release?
    form:
      properties:
        env: { type: string, enum: [staging, prod] }
        replicas: { type: integer, minimum: 1, maximum: 5 }
      required: [env]
  after: { kind: noop, requires: [gate] }
`,
  });
});

describe("approvals router", () => {
  it("lists what waits and approves as the dashboard with the form's values", async () => {
    const { api } = test;
    const { runId } = await api.runs.start({ planSlug: "gated", params: {} });
    const waiting = await api.approvals.list();
    expect(waiting.map((a) => [a.runId, a.taskKey, a.prompt])).toEqual([[runId, "gate", "Release?"]]);
    expect(await api.approvals.list({ runId })).toHaveLength(1);
    const decided = await api.approvals.decide({
      runId,
      taskKey: "gate",
      decision: "approve",
      values: { env: "prod", replicas: 2 },
    });
    expect(decided).toMatchObject({ status: "succeeded", values: { env: "prod", replicas: 2 } });
    expect(await api.approvals.list()).toEqual([]);
    const [entry] = await api.taskRuns.auditTrail({ runId });
    expect(entry).toMatchObject({
      action: "approve",
      actor: "dashboard",
      details: { values: { env: "prod", replicas: 2 } },
    });
  });

  it("refuses bad values with BAD_REQUEST naming the field, and a second decision with CONFLICT", async () => {
    const { api } = test;
    const { runId } = await api.runs.start({ planSlug: "gated", params: {} });
    const bad = api.approvals.decide({
      runId,
      taskKey: "gate",
      decision: "approve",
      values: { replicas: 9 },
    });
    // The field messages reach clients as `data.formErrors` (the error formatter reads them from this cause).
    await expect(bad).rejects.toMatchObject({
      cause: expect.objectContaining({
        fields: [
          { field: "env", message: "is required" },
          { field: "replicas", message: "must be at most 5" },
        ],
      }),
    });
    await expect(bad).rejects.toMatchObject({ cause: expect.any(ApprovalInputError) });
    expect(await failure(bad)).toEqual({
      code: "BAD_REQUEST",
      message: "the input of approval `gate` is invalid: env: is required; replicas: must be at most 5",
    });
    await api.approvals.decide({ runId, taskKey: "gate", decision: "reject", comment: "not now" });
    expect(await failure(api.approvals.decide({ runId, taskKey: "gate", decision: "approve" }))).toEqual({
      code: "CONFLICT",
      message: "cannot decide task `gate`: it was already decided (it is failed)",
    });
    expect((await failure(api.approvals.decide({ runId, taskKey: "after", decision: "approve" }))).code).toBe(
      "CONFLICT",
    );
    expect(
      (await failure(api.approvals.decide({ runId: "nope", taskKey: "gate", decision: "approve" }))).code,
    ).toBe("NOT_FOUND");
  });
});
