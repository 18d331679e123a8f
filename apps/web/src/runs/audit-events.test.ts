import type { EventRecord } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import { touchesAuditTrail } from "./audit-events.ts";

const event = (id: number, type: string, runId: string | null): EventRecord => ({
  id,
  type,
  runId,
  taskRunId: null,
  taskKey: "a",
  fromStatus: null,
  toStatus: null,
  data: null,
  createdAt: id,
});

describe("audit trail events", () => {
  it("is touched by an operator action on the run, not by other events or other runs", () => {
    expect(
      touchesAuditTrail("run_1", [
        event(1, "task_run.status", "run_1"),
        event(2, "operator.action", "run_1"),
      ]),
    ).toBe(true);
    expect(
      touchesAuditTrail("run_1", [event(1, "task_run.status", "run_1"), event(2, "run.status", "run_1")]),
    ).toBe(false);
    expect(touchesAuditTrail("run_1", [event(3, "operator.action", "run_2")])).toBe(false);
    expect(touchesAuditTrail("run_1", [])).toBe(false);
  });
});
