import { describe, expect, it } from "vitest";
import { finalRunStatus, runStepsToFinish } from "./run-finalization.ts";
import { canTransitionRun } from "./state-machine.ts";
import { RUN_STATUSES } from "./types.ts";

const state = { status: "running" as const, anyOpen: false, anyFailing: false, cancelRequested: false };

describe("run finalization", () => {
  it("keeps a run open while any task run can still do something", () => {
    expect(finalRunStatus({ ...state, anyOpen: true, cancelRequested: true })).toBeNull();
  });

  it("ends cancelled over failed over succeeded", () => {
    expect(finalRunStatus({ ...state, anyFailing: true, cancelRequested: true })).toBe("cancelled");
    expect(finalRunStatus({ ...state, anyFailing: true })).toBe("failed");
    expect(finalRunStatus(state)).toBe("succeeded");
  });

  it("never ends a run twice", () => {
    for (const status of ["succeeded", "failed", "cancelled"] as const) {
      expect(finalRunStatus({ ...state, status })).toBeNull();
    }
  });

  it("finishes from any open status through legal run transitions only", () => {
    for (const current of RUN_STATUSES) {
      for (const final of ["succeeded", "failed", "cancelled"] as const) {
        if (finalRunStatus({ ...state, status: current }) === null) continue;
        const steps = runStepsToFinish(current, final);
        expect(steps[0]?.[0]).toBe(current);
        expect(steps.at(-1)?.[1]).toBe(final);
        for (const [from, to] of steps) expect(canTransitionRun(from, to)).toBe(true);
      }
    }
  });
});
