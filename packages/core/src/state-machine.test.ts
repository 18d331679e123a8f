import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IllegalTransitionError } from "./errors.ts";
import {
  assertRunTransition,
  assertTaskRunTransition,
  canTransitionTaskRun,
  isTerminalTaskRunStatus,
  RUN_TRANSITIONS,
  TASK_RUN_MOVES,
  TASK_RUN_TRANSITIONS,
  type TaskRunMove,
} from "./state-machine.ts";
import { TASK_RUN_STATUSES, type TaskRunStatus } from "./types.ts";

/** Statuses reachable from `from` through the table. */
function reachable(from: TaskRunStatus): Set<TaskRunStatus> {
  const seen = new Set<TaskRunStatus>([from]);
  const todo = [from];
  for (let status = todo.pop(); status !== undefined; status = todo.pop()) {
    for (const next of TASK_RUN_TRANSITIONS[status]) {
      if (!seen.has(next)) {
        seen.add(next);
        todo.push(next);
      }
    }
  }
  return seen;
}

const moveNames = Object.keys(TASK_RUN_MOVES) as TaskRunMove[];
/** The moves an operator makes; every other move is the engine's own. */
const OPERATOR_MOVES: readonly TaskRunMove[] = [
  "operatorRetry",
  "unblock",
  "resolve",
  "sweepRetry",
  "sweepSourceRetry",
];

describe("task run state machine", () => {
  it("walks any sequence of engine moves from pending to an end, never leaving a terminal status", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...moveNames), { maxLength: 60 }), (picks) => {
        let status: TaskRunStatus = "pending";
        for (const name of picks) {
          const move = TASK_RUN_MOVES[name];
          // A move that does not apply to the current status is simply not made.
          if (!(move.from as readonly TaskRunStatus[]).includes(status)) continue;
          const wasTerminal = isTerminalTaskRunStatus(status);
          assertTaskRunTransition(status, move.to);
          // Only an operator takes a task run out of a terminal status.
          if (wasTerminal) expect(OPERATOR_MOVES).toContain(name);
          status = move.to;
        }
        // From wherever the walk stopped, the engine alone can still end the task run.
        expect([...reachable(status)].some(isTerminalTaskRunStatus)).toBe(true);
      }),
    );
  });

  it("refuses every pair the moves do not name, with a typed error", () => {
    for (const from of TASK_RUN_STATUSES) {
      for (const to of TASK_RUN_STATUSES) {
        const named = Object.values(TASK_RUN_MOVES).some(
          (m) => m.to === to && (m.from as readonly TaskRunStatus[]).includes(from),
        );
        if (named) expect(() => assertTaskRunTransition(from, to)).not.toThrow();
        else expect(() => assertTaskRunTransition(from, to)).toThrow(IllegalTransitionError);
      }
    }
    expect(() => assertTaskRunTransition("pending", "running")).toThrow(/pending -> running/);
  });

  it("keeps succeeded and cancelled final, and lets a lost lease requeue a running task", () => {
    expect(reachable("cancelled")).toEqual(new Set(["cancelled"]));
    // A success is undone only by an operator's retry of a sweep that could not expand from its output.
    expect(TASK_RUN_TRANSITIONS.succeeded).toEqual(["ready"]);
    const withSuccess = Object.entries(TASK_RUN_MOVES).filter(([, move]) =>
      (move.from as readonly TaskRunStatus[]).includes("succeeded"),
    );
    expect(withSuccess.map(([name]) => name)).toEqual(["sweepSourceRetry"]);
    expect(canTransitionTaskRun("running", "ready")).toBe(true);
    // A task never runs without being claimed from ready.
    for (const from of TASK_RUN_STATUSES) {
      if (from !== "ready") expect(canTransitionTaskRun(from, "running")).toBe(false);
    }
  });

  it("reaches every status from pending", () => {
    const fromPending = reachable("pending");
    expect(TASK_RUN_STATUSES.filter((s) => !fromPending.has(s))).toEqual([]);
  });

  it("lets an operator resolve only a failed or blocked task run, and skip only one that has not started", () => {
    const into = (to: TaskRunStatus) => TASK_RUN_STATUSES.filter((from) => canTransitionTaskRun(from, to));
    expect(into("skipped")).toEqual(["pending", "ready"]);
    expect(into("succeeded").sort()).toEqual(["blocked", "failed", "pending", "ready", "running", "waiting"]);
  });

  it("parks an approval without a lease and lets only a decision or a cancel take it out of waiting", () => {
    const into = (to: TaskRunStatus) => TASK_RUN_STATUSES.filter((from) => canTransitionTaskRun(from, to));
    expect(into("waiting")).toEqual(["pending", "ready"]);
    expect([...TASK_RUN_TRANSITIONS.waiting].sort()).toEqual(["cancelled", "failed", "succeeded"]);
    expect(TASK_RUN_MOVES.approve).toEqual({ from: ["waiting"], to: "succeeded" });
    expect(TASK_RUN_MOVES.reject).toEqual({ from: ["waiting"], to: "failed" });
    // A waiting approval is never claimed: nothing goes from waiting to running (or back to ready).
    expect(canTransitionTaskRun("waiting", "running")).toBe(false);
    expect(canTransitionTaskRun("waiting", "ready")).toBe(false);
    expect(isTerminalTaskRunStatus("waiting")).toBe(false);
    expect(() => assertTaskRunTransition("succeeded", "waiting")).toThrow(IllegalTransitionError);
  });
});

describe("run state machine", () => {
  it("ends every run from queued, and only re-opens a failed one", () => {
    expect(() => assertRunTransition("succeeded", "running")).toThrow(IllegalTransitionError);
    const reopening = Object.entries(RUN_TRANSITIONS).filter(([from, to]) =>
      ["succeeded", "failed", "cancelled"].includes(from) ? to.length > 0 : false,
    );
    expect(reopening).toEqual([["failed", ["running"]]]);
  });
});
