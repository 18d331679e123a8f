import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { BadInputError } from "@taskloom/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Taskloom } from "../taskloom.ts";

const T0 = Date.parse("2026-12-01T08:00:00Z");
const clock = { t: T0, now: () => clock.t };
let dir: string;
let taskloom: Taskloom;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-queue-admin-"));
  clock.t = T0;
  taskloom = await Taskloom.open({ databaseUrl: `file:${path.join(dir, "t.db")}`, cwd: dir, clock });
  await taskloom.importPlanSource(`plan: nightly
tasks:
  build: { kind: noop, priority: 2 }
  test: { kind: noop }
`);
});
afterEach(async () => {
  await taskloom.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("queue admin through the engine", () => {
  it("reschedules by a delay from the engine's clock, and peeks the result in claim order", async () => {
    const { runId } = await taskloom.startRun("nightly");
    const [build] = await taskloom.queues.peek("default");
    expect(build?.taskKey).toBe("build");
    await taskloom.queues.reschedule({ taskRunIds: [build?.id ?? -1] }, { delayMs: 60_000 });
    const peeked = await taskloom.queues.peek("default", 10);
    expect(peeked.map((run) => [run.taskKey, run.notBefore, run.runId])).toEqual([
      ["test", null, runId],
      ["build", T0 + 60_000, runId],
    ]);
    // A time already past makes it claimable at once again.
    await taskloom.queues.reschedule({ runId }, { at: T0 - 1 });
    expect((await taskloom.queues.peek("default")).map((run) => run.notBefore)).toEqual([null, null]);
  });

  it("moves, pauses and resumes by name, and cancels what is selected", async () => {
    const { runId } = await taskloom.startRun("nightly");
    expect(await taskloom.queues.move({ queue: "default", runId }, "night")).toHaveLength(2);
    expect((await taskloom.queues.pause("night")).paused).toBe(true);
    const listed = await taskloom.queues.list();
    // Nothing uses `default` any more, and it was never configured: it is not listed.
    expect(listed.map((q) => [q.name, q.paused, q.ready])).toEqual([["night", true, 2]]);
    expect((await taskloom.queues.resume("night")).paused).toBe(false);
    expect(await taskloom.queues.cancel({ queue: "night" })).toHaveLength(2);
    expect(await taskloom.store.getRunStatus(runId)).toBe("failed");
  });

  it("refuses selections that say nothing, and bad limits, names and delays, with clear messages", async () => {
    const refusal = (work: () => Promise<unknown>) =>
      work().then(
        () => null,
        (error: unknown) => error,
      );
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => taskloom.queues.cancel({}), /select queued task runs by queue, plan, run or task run ids/],
      [() => taskloom.queues.move({ taskRunIds: [] }, "x"), /no task run ids given/],
      [() => taskloom.queues.move({ taskRunIds: [1.5] }, "x"), /positive whole numbers/],
      [() => taskloom.queues.move({ queue: "default" }, " "), /the target queue must be a name/],
      [() => taskloom.queues.peek("default", 0), /the peek limit must be a whole number from 1 to 500/],
      [() => taskloom.queues.reschedule({ queue: "default" }, { delayMs: -5 }), /from 0 to 365 days/],
    ];
    for (const [work, message] of cases) {
      const error = await refusal(work);
      expect(error).toBeInstanceOf(BadInputError);
      expect((error as Error).message).toMatch(message);
    }
  });
});
