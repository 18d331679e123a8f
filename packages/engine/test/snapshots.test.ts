import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTestDatabase, postgresDescribe, type TestDatabase } from "@taskloom/db/postgres-test-database";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "@taskloom/llm/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Taskloom } from "../src/index.ts";

const describePostgres = await postgresDescribe();

/**
 * The run monitor's snapshot services on both stores: attempt views, diffs between attempts and runs, what an
 * approval meant, and replays that send exactly a stored bundle.
 */
function snapshotSuite(
  name: string,
  databaseUrl: (dir: string) => Promise<{ url: string; drop(): Promise<void> }>,
) {
  let dir: string;
  let server: FakeOpenAIServer;
  let taskloom: Taskloom;
  let database: { url: string; drop(): Promise<void> };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-snapshots-"));
    server = await startFakeOpenAIServer();
    database = await databaseUrl(dir);
    taskloom = await Taskloom.open({
      databaseUrl: database.url,
      cwd: dir,
      pollMs: 50,
      llm: { baseUrl: server.baseURL, model: "gpt-4o-mini" },
    });
    setFacts("Competitor A charges 50 euros per seat.");
    await taskloom.importPlanFile(writePlan(dir));
  });
  afterEach(async () => {
    await taskloom.close();
    await server.close();
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function setFacts(text: string): void {
    fs.writeFileSync(path.join(dir, "facts.txt"), `${text}\n`);
  }

  const chats = () => server.requests.filter((r) => r.path.endsWith("/chat/completions"));

  describe(name, () => {
    it("shows each attempt's snapshot: items, budget, messages sent, usage; by hash too", async () => {
      server.reply(
        { type: "error", status: 401 },
        { type: "chat", content: "brief", usage: { promptTokens: 90, completionTokens: 3 } },
      );
      const { runId, status } = await taskloom.run("brief");
      expect(status).toBe("succeeded");
      const attempts = await taskloom.snapshots.attempts(runId, "summarize");
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
      const last = await taskloom.snapshots.attempt(runId, "summarize");
      expect(last.attempt).toBe(2);
      expect(last.usage).toEqual({ promptTokens: 90, completionTokens: 3 });
      expect(last.dryRun).toBe(false);
      expect(last.approval).toBeNull();
      const collect = last.snapshot.items.find((item) => item.ref === "task:collect");
      expect(collect).toMatchObject({ tier: "requires", decision: "full" });
      expect(collect?.text).toContain("Competitor A charges 50 euros per seat.");
      expect(last.snapshot.usedTokens).toBeLessThanOrEqual(last.snapshot.budget);
      // The messages shown are the ones the server got.
      expect(last.snapshot.messages).toEqual(chats().at(-1)?.body?.messages);
      expect(await taskloom.snapshots.byHash(last.snapshot.hash)).toEqual(last.snapshot);
      // Same inputs on both attempts: the diff between them is empty.
      const diff = await taskloom.snapshots.diff(
        { runId, taskKey: "summarize", attempt: 1 },
        { runId, taskKey: "summarize", attempt: 2 },
      );
      expect(diff).toMatchObject({ identical: true, added: [], removed: [], changed: [] });
      expect(diff.a).toEqual({ hash: last.snapshot.hash, runId, attempt: 1 });
    });

    it("refuses unknown runs, attempts and hashes with NOT_FOUND, malformed hashes with BAD_INPUT", async () => {
      const { runId } = await taskloom.run("brief");
      await expect(taskloom.snapshots.attempts("run_nope", "summarize")).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(taskloom.snapshots.attempt(runId, "summarize", 7)).rejects.toThrow(/attempt 7/);
      await expect(taskloom.snapshots.attempt(runId, "collect")).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(taskloom.snapshots.byHash("0".repeat(64))).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(taskloom.snapshots.byHash("xyz")).rejects.toMatchObject({ code: "BAD_INPUT" });
      await expect(taskloom.snapshots.replay(runId, "summarize", 3)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    });

    it("diffs the same task across two runs: the changed upstream output with its token delta", async () => {
      const first = await taskloom.run("brief");
      setFacts(
        "Competitor A charges 50 euros per seat. Competitor B charges 45 euros per seat, capped at 2,000 runs.",
      );
      const second = await taskloom.run("brief");
      const runs = await taskloom.snapshots.runs(second.runId, "summarize");
      expect(runs.map((r) => r.runId)).toEqual([second.runId, first.runId]);
      const diff = await taskloom.snapshots.diff(
        { runId: first.runId, taskKey: "summarize" },
        { runId: second.runId, taskKey: "summarize" },
      );
      expect(diff.identical).toBe(false);
      const changed = diff.changed.find((item) => item.ref === "task:collect");
      expect(changed?.changes).toEqual(expect.arrayContaining(["text", "source"]));
      expect(changed?.tokenDelta).toBeGreaterThan(0);
      expect(diff.usedTokens.delta).toBeGreaterThan(0);
    });

    it("says when an approval was used, and when it was stale, what changed", async () => {
      await taskloom.run("brief");
      const approved = await taskloom.context.approve("brief", "summarize");
      const held = await taskloom.run("brief");
      expect((await taskloom.snapshots.attempt(held.runId, "summarize")).approval).toEqual({
        hash: approved,
        used: true,
        changes: null,
      });
      setFacts("Competitor A now charges 60 euros per seat.");
      const stale = await taskloom.run("brief");
      const view = await taskloom.snapshots.attempt(stale.runId, "summarize");
      expect(view.approval).toMatchObject({ hash: approved, used: false });
      expect(view.snapshot.hash).not.toBe(approved);
      expect(view.approval?.changes?.changed.map((item) => item.ref)).toContain("task:collect");
    });

    it("replays an attempt alone with exactly its stored bundle, though the inputs changed since", async () => {
      server.reply(
        { type: "chat", content: "original answer" },
        { type: "chat", content: "replayed answer" },
      );
      const source = await taskloom.run("brief");
      const sourceView = await taskloom.snapshots.attempt(source.runId, "summarize");
      const sentFirst = chats().at(-1)?.body?.messages;
      const chatsBefore = chats().length;
      setFacts("Competitor A now charges 70 euros per seat.");
      const replay = await taskloom.snapshots.replay(source.runId, "summarize", 1, "cli:ana");
      expect(replay.hash).toBe(sourceView.snapshot.hash);
      const worker = taskloom.createWorker({ runId: replay.runId, pollMs: 20 });
      await worker.start();
      expect(await taskloom.waitForRun(replay.runId)).toBe("succeeded");
      await worker.stop();
      // Only the task ran: the upstream's output is the source run's (reused, not run with the new facts),
      // and the model got the stored messages, byte for byte, in exactly one request.
      const detail = await taskloom.queries.getRun(replay.runId);
      const collect = detail.tasks.find((t) => t.key === "collect");
      expect(collect).toMatchObject({ status: "succeeded", outputFrom: "reuse" });
      expect(collect?.outputText).toContain("50 euros");
      expect(detail.tasks.find((t) => t.key === "summarize")?.outputText).toBe("replayed answer");
      expect(chats()).toHaveLength(chatsBefore + 1);
      expect(chats().at(-1)?.body?.messages).toEqual(sentFirst);
      const view = await taskloom.snapshots.attempt(replay.runId, "summarize");
      expect(view.snapshot.hash).toBe(sourceView.snapshot.hash);
      // Both answers, for the monitor to show side by side.
      expect(view.replayOf).toEqual({
        runId: source.runId,
        attempt: 1,
        originalOutput: "original answer",
        replayOutput: "replayed answer",
      });
      const audit = await taskloom.queries.auditTrail(replay.runId);
      expect(audit).toEqual([
        expect.objectContaining({
          action: "replay",
          actor: "cli:ana",
          taskKey: "summarize",
          details: { sourceRunId: source.runId },
        }),
      ]);
      const sourceAudit = await taskloom.queries.auditTrail(source.runId);
      expect(sourceAudit.at(-1)).toMatchObject({ action: "replay", details: { replayId: replay.runId } });
      const log = await taskloom.queries.readLogs({ runId: replay.runId, taskKey: "summarize", limit: 100 });
      expect(log.chunks.map((c) => c.text).join("")).toContain(
        `replaying context ${sourceView.snapshot.hash.slice(0, 12)} of run ${source.runId} attempt 1`,
      );
      // The request served that run only: the next run builds its bundle from the inputs again.
      const after = await taskloom.run("brief");
      const next = await taskloom.snapshots.attempt(after.runId, "summarize");
      expect(next.replayOf).toBeNull();
      expect(next.snapshot.hash).not.toBe(sourceView.snapshot.hash);
    });

    it("a replay leaves out what has no output to reuse and what is downstream, and refuses a removed task", async () => {
      await taskloom.importPlanSource(`plan: wide
tasks:
  collect: { run: echo facts }
  flaky: { run: exit 3 }
  summarize:
    kind: llm
    prompt: Sum up.
    requires: [collect]
  publish: { run: echo published, requires: [summarize] }
`);
      const source = await taskloom.run("wide");
      expect(source.status).toBe("failed");
      const chatsBefore = chats().length;
      const replay = await taskloom.snapshots.replay(source.runId, "summarize", 1);
      const worker = taskloom.createWorker({ runId: replay.runId, pollMs: 20 });
      await worker.start();
      expect(await taskloom.waitForRun(replay.runId)).toBe("succeeded");
      await worker.stop();
      const tasks = (await taskloom.queries.getRun(replay.runId)).tasks;
      const byKey = Object.fromEntries(tasks.map((t) => [t.key, [t.status, t.outputFrom]]));
      expect(byKey).toEqual({
        collect: ["succeeded", "reuse"],
        flaky: ["skipped", null],
        summarize: ["succeeded", null],
        publish: ["succeeded", "reuse"],
      });
      expect(chats()).toHaveLength(chatsBefore + 1);

      await taskloom.importPlanSource("plan: wide\ntasks:\n  collect: { run: echo facts }\n");
      await expect(taskloom.snapshots.replay(source.runId, "summarize", 1)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      // The refused replay left no request behind: the next run builds its bundle as usual.
      await taskloom.importPlanSource(
        "plan: wide\ntasks:\n  collect: { run: echo facts }\n  summarize: { kind: llm, prompt: Sum up., requires: [collect] }\n",
      );
      const next = await taskloom.run("wide");
      expect((await taskloom.snapshots.attempt(next.runId, "summarize")).replayOf).toBeNull();
    });
  });
}

function writePlan(dir: string): string {
  const file = path.join(dir, "brief.yaml");
  fs.writeFileSync(
    file,
    `plan: brief
index: "Pricing brief."
tasks:
  collect:
    run: cat facts.txt
  summarize:
    kind: llm
    prompt: "Compare the competitors' prices."
    requires: [collect]
    retries: { max: 1, delay: 10ms }
`,
  );
  return file;
}

snapshotSuite("snapshots on SQLite", async (dir) => ({
  url: `file:${path.join(dir, "t.db")}`,
  drop: async () => {},
}));

describePostgres("PostgreSQL", () => {
  let database: TestDatabase | null = null;
  snapshotSuite("snapshots on PostgreSQL", async () => {
    database = await createTestDatabase();
    return { url: database.url, drop: () => database?.drop() ?? Promise.resolve() };
  });
});
