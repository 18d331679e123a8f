import { describe, expect, it } from "vitest";
import { BadInputError } from "./errors.ts";
import {
  checkAudit,
  checkTaskAction,
  IllegalActionError,
  TASK_ACTION_RULES,
  TASK_ACTIONS,
} from "./operator-actions.ts";
import { canTransitionTaskRun, TASK_RUN_MOVES } from "./state-machine.ts";
import { TASK_RUN_STATUSES } from "./types.ts";

describe("checkTaskAction", () => {
  it("allows each action exactly in the statuses its rule lists", () => {
    for (const action of TASK_ACTIONS) {
      for (const taskStatus of TASK_RUN_STATUSES) {
        const check = () => checkTaskAction(action, { taskKey: "b", taskStatus, runStatus: "running" });
        if (TASK_ACTION_RULES[action].from.includes(taskStatus)) expect(check).not.toThrow();
        else expect(check).toThrow(IllegalActionError);
      }
    }
  });

  it("every status-changing action is a move of the transition table", () => {
    for (const action of TASK_ACTIONS) {
      const { move, from } = TASK_ACTION_RULES[action];
      if (move === null) continue;
      for (const status of from) expect(canTransitionTaskRun(status, TASK_RUN_MOVES[move].to)).toBe(true);
    }
  });

  it("says what the task is and what the action needs", () => {
    expect(() =>
      checkTaskAction("skip", { taskKey: "load", taskStatus: "running", runStatus: "running" }),
    ).toThrow("cannot skip task `load`: it is running (skip needs pending or ready)");
    expect(() =>
      checkTaskAction("reset-attempts", { taskKey: "load", taskStatus: "failed", runStatus: "failed" }),
    ).toThrow("(retry it instead)");
  });

  it("refuses every action in a cancelled or succeeded run", () => {
    expect(() =>
      checkTaskAction("resolve", { taskKey: "a", taskStatus: "blocked", runStatus: "cancelled" }),
    ).toThrow("cannot resolve task `a`: its run is cancelled");
    expect(() =>
      checkTaskAction("cancel", { taskKey: "a", taskStatus: "pending", runStatus: "succeeded" }),
    ).toThrow(IllegalActionError);
  });

  it("maps to a conflict code, not an internal error", () => {
    try {
      checkTaskAction("resolve", { taskKey: "a", taskStatus: "succeeded", runStatus: "running" });
      expect.unreachable();
    } catch (error) {
      expect((error as IllegalActionError).code).toBe("ILLEGAL_TRANSITION");
    }
  });
});

describe("checkAudit", () => {
  it("requires a reason to resolve or skip, and trims it", () => {
    expect(() => checkAudit("resolve", { actor: "cli:ana" })).toThrow(BadInputError);
    expect(() => checkAudit("skip", { actor: "cli:ana", reason: "   " })).toThrow(
      "a reason is required to skip",
    );
    expect(checkAudit("skip", { actor: "cli:ana", reason: " flaky " })).toEqual({
      actor: "cli:ana",
      reason: "flaky",
    });
  });

  it("takes no reason for cancel, reset, retry and rerun", () => {
    for (const action of ["cancel", "reset-attempts", "retry", "rerun"] as const) {
      expect(checkAudit(action, { actor: "dashboard" })).toEqual({ actor: "dashboard", reason: null });
    }
  });

  it("refuses an empty actor and an overlong reason", () => {
    expect(() => checkAudit("cancel", { actor: " " })).toThrow("needs an actor");
    expect(() => checkAudit("cancel", { actor: "x", reason: "y".repeat(501) })).toThrow("at most 500");
  });
});
