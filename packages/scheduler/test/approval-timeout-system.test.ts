import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type EventRecord, parsePlanObject, silentLogger } from "@taskloom/core";
import { openSqliteTaskloomDatabase, type SqliteTaskloomDatabase } from "@taskloom/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApprovalTimeoutSystem } from "../src/index.ts";

const T0 = Date.parse("2026-12-01T08:00:00Z");
const MINUTE = 60_000;

/** A settable clock shared by every "process" of a test: time moves only when the test says so. */
const clock = { t: T0, now: () => clock.t };

let dir: string;
let opened: SqliteTaskloomDatabase[];

/** One process's connections to the database file, with its own timeout system. */
function openProcess(): { database: SqliteTaskloomDatabase; system: ApprovalTimeoutSystem } {
  const database = openSqliteTaskloomDatabase({ url: `file:${path.join(dir, "taskloom.db")}`, cwd: dir });
  opened.push(database);
  return {
    database,
    system: new ApprovalTimeoutSystem({ approvals: database.store, clock, logger: silentLogger }),
  };
}

async function startRun(database: SqliteTaskloomDatabase, onTimeout: "approve" | "reject"): Promise<string> {
  const plan = parsePlanObject({
    plan: `gate-${onTimeout}`,
    tasks: {
      gate: {
        kind: "approval",
        timeout: "10m",
        onTimeout,
        form: { properties: { replicas: { type: "integer", default: 2 } }, required: ["replicas"] },
      },
      after: { kind: "noop", requires: ["gate"] },
    },
  });
  await database.store.importPlan(plan, { baseDir: null, now: clock.now() });
  return (
    await database.store.createRun({ planSlug: plan.slug, trigger: "cli", params: {}, now: clock.now() })
  ).runId;
}

const decisions = async (database: SqliteTaskloomDatabase, runId: string): Promise<EventRecord[]> =>
  (await database.store.readEvents({ afterId: 0, runId, limit: 1000 })).filter(
    (e) => e.type === "operator.action",
  );

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-approval-timeout-"));
  opened = [];
  clock.t = T0;
});

afterEach(async () => {
  for (const database of opened) await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("approval timeout system", () => {
  it("does nothing before the deadline, then applies onTimeout once across two processes", async () => {
    const first = openProcess();
    const second = openProcess();
    const runId = await startRun(first.database, "approve");
    clock.t = T0 + 10 * MINUTE - 1;
    expect(await first.system.tick()).toEqual({ decided: [], lost: 0 });
    clock.t = T0 + 10 * MINUTE;
    const [a, b] = await Promise.all([first.system.tick(), second.system.tick()]);
    expect((a?.decided.length ?? 0) + (b?.decided.length ?? 0)).toBe(1);
    expect((await first.system.tick()).decided).toEqual([]);
    const audit = await decisions(first.database, runId);
    expect(audit.map((e) => e.data)).toEqual([
      { action: "approve", actor: "timeout", reason: null, values: { replicas: 2 }, timedOut: true },
    ]);
    const [after] = await first.database.store.claimTaskRuns({
      workerId: "w",
      limit: 5,
      leaseMs: 1000,
      now: clock.t,
    });
    expect(after?.upstream.gate?.json).toEqual({ replicas: 2 });
  });

  it("rejects by default, and leaves an approval a person decided first alone", async () => {
    const { database, system } = openProcess();
    const rejected = await startRun(database, "reject");
    const decided = (
      await database.store.createRun({ planSlug: "gate-reject", trigger: "cli", params: {}, now: T0 })
    ).runId;
    await database.store.decideApproval({
      runId: decided,
      taskKey: "gate",
      decision: "approve",
      actor: "cli:ana",
      comment: "fine",
      values: { replicas: 4 },
      now: T0 + MINUTE,
    });
    clock.t = T0 + 11 * MINUTE;
    expect((await system.tick()).decided).toHaveLength(1);
    expect(await database.store.getRunStatus(rejected)).toBe("failed");
    expect((await decisions(database, rejected)).map((e) => e.data?.action)).toEqual(["reject"]);
    expect((await decisions(database, decided)).map((e) => e.data?.actor)).toEqual(["cli:ana"]);
  });
});
