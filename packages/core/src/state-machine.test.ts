import { describe, expect, it } from "vitest";
import { IllegalTransitionError } from "./errors.ts";
import {
  assertRunTransition,
  assertTaskRunTransition,
  RUN_TRANSITIONS,
  TASK_RUN_TRANSITIONS,
  TERMINAL_TASK_RUN_STATUSES,
  taskRunSourcesOf,
} from "./state-machine.ts";
import { TASK_RUN_STATUSES } from "./types.ts";

describe("task run state machine", () => {
  it("allows the lifecycle the design describes", () => {
    for (const [from, to] of [
      ["pending", "ready"],
      ["ready", "running"],
      ["running", "succeeded"],
      ["running", "retrying"],
      ["retrying", "ready"],
      ["pending", "blocked"],
      ["failed", "ready"],
      ["blocked", "succeeded"],
    ] as const) {
      expect(() => assertTaskRunTransition(from, to)).not.toThrow();
    }
  });

  it("refuses illegal moves with a typed error", () => {
    expect(() => assertTaskRunTransition("succeeded", "running")).toThrow(IllegalTransitionError);
    expect(() => assertTaskRunTransition("pending", "running")).toThrow(/pending -> running/);
    expect(() => assertRunTransition("succeeded", "running")).toThrow(IllegalTransitionError);
  });

  it("only lets failed and blocked leave the terminal states (operator moves)", () => {
    for (const status of TERMINAL_TASK_RUN_STATUSES) {
      const exits = TASK_RUN_TRANSITIONS[status];
      if (status === "failed" || status === "blocked") expect(exits.length).toBeGreaterThan(0);
      else expect(exits).toEqual([]);
    }
    expect(RUN_TRANSITIONS.succeeded).toEqual([]);
  });

  it("derives the legal sources of every status from the one table", () => {
    for (const to of TASK_RUN_STATUSES) {
      for (const from of taskRunSourcesOf(to)) expect(TASK_RUN_TRANSITIONS[from]).toContain(to);
    }
    expect(taskRunSourcesOf("running").sort()).toEqual(["ready", "retrying"]);
  });
});
