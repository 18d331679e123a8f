import fs from "node:fs";
import path from "node:path";
import type { EventRecord } from "@taskloom/core";
import type { Taskloom } from "@taskloom/engine";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { beforeEach, describe, expect, it } from "vitest";
import { appRouter, createTRPCContext, INTERNAL_ERROR_MESSAGE } from "../src/index.ts";
import { failure, useTestApi } from "./test-api.ts";

const test = useTestApi("routers");

const threeTasks = `
plan: demo
tasks:
  a: { run: echo a }
  b: { run: echo b, requires: [a] }
  c: { run: echo c, requires: [b] }
`;

/** The current version of the demo plan: what the editor shows and sends back with an edit. */
async function version(slug = "demo"): Promise<number> {
  return (await test.api.plans.get({ slug })).version;
}

describe("plans router", () => {
  it("creates an empty plan, refuses a duplicate slug and an invalid one", async () => {
    const { api } = test;
    await api.plans.create({ slug: "fresh", goal: "do things" });
    expect((await api.plans.get({ slug: "fresh" })).goal).toBe("do things");
    expect((await failure(api.plans.create({ slug: "fresh" }))).code).toBe("CONFLICT");
    const bad = await failure(api.plans.create({ slug: "Not A Slug" }));
    expect(bad.code).toBe("BAD_REQUEST");
    expect(await api.plans.list()).toHaveLength(1);
  });

  it("imports YAML, lists it, exports it back, and reports every issue of a bad file", async () => {
    const { api } = test;
    expect(await api.plans.import({ text: threeTasks })).toMatchObject({
      slug: "demo",
      version: 1,
      changed: true,
    });
    const [summary] = await api.plans.list();
    expect(summary).toMatchObject({ slug: "demo", taskCount: 3, lastRun: null });
    const { text } = await api.plans.export({ slug: "demo", format: "yaml" });
    expect(text).toContain("plan: demo");
    const bad = await failure(
      api.plans.import({ text: "plan: x\ntasks:\n  a: { timeout: soon, requires: [zz] }\n" }),
    );
    expect(bad.code).toBe("BAD_REQUEST");
    expect(bad.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: "tasks.a.timeout", line: 3 })]),
    );
  });

  it("updates the INDEX document and bumps the version", async () => {
    const { api } = test;
    await api.plans.import({ text: threeTasks });
    await api.plans.update({ slug: "demo", baseVersion: await version(), index: "# Rules\nBe nice." });
    const plan = await api.plans.get({ slug: "demo" });
    expect(plan.index).toBe("# Rules\nBe nice.");
    expect(plan.version).toBe(2);
  });
});

describe("tasks and links routers", () => {
  beforeEach(async () => {
    await test.api.plans.import({ text: threeTasks });
  });

  it("adds, edits, renames and deletes tasks with the plan-file rules", async () => {
    const { api } = test;
    await api.tasks.upsert({
      planSlug: "demo",
      baseVersion: await version(),
      key: "d",
      task: { run: "echo {{tasks.c.output}}", requires: ["c"] },
    });
    const withD = await api.plans.get({ slug: "demo" });
    expect(withD.tasks.map((t) => t.key)).toEqual(["a", "b", "c", "d"]);
    const invalid = await failure(
      api.tasks.upsert({
        planSlug: "demo",
        baseVersion: await version(),
        key: "e",
        task: { run: "x", timeout: "later" },
      }),
    );
    expect(invalid.issues).toEqual([expect.objectContaining({ path: "tasks.e.timeout" })]);

    await api.tasks.upsert({
      planSlug: "demo",
      baseVersion: await version(),
      key: "see",
      originalKey: "c",
      task: { run: "echo c2", requires: ["b"] },
    });
    const renamed = await api.plans.get({ slug: "demo" });
    const d = renamed.tasks.find((t) => t.key === "d");
    expect(d?.requires).toEqual(["see"]);
    expect(d?.spec).toMatchObject({ run: "echo {{tasks.see.output}}" });

    await api.tasks.delete({ planSlug: "demo", baseVersion: await version(), key: "b" });
    const afterDelete = await api.plans.get({ slug: "demo" });
    expect(afterDelete.tasks.map((t) => t.key)).toEqual(["a", "see", "d"]);
    expect(afterDelete.links).toEqual([{ from: "see", to: "d", kind: "requires" }]);
  });

  it("carries parents along a rename, moves a deleted parent's tasks up, and refuses a parent cycle", async () => {
    const { api } = test;
    await api.plans.import({
      text: "plan: groups\ntasks:\n  stage: { kind: noop }\n  build: { kind: noop, parent: stage }\n  compile: { kind: noop, parent: build }\n",
    });
    await api.tasks.upsert({
      planSlug: "groups",
      baseVersion: await version("groups"),
      key: "make",
      originalKey: "build",
      task: { kind: "noop", parent: "stage" },
    });
    const parents = async () =>
      Object.fromEntries(
        (await api.plans.get({ slug: "groups" })).tasks.map((t) => [t.key, t.parent ?? null]),
      );
    expect(await parents()).toEqual({ stage: null, make: "stage", compile: "make" });
    await api.tasks.delete({ planSlug: "groups", baseVersion: await version("groups"), key: "make" });
    expect(await parents()).toEqual({ stage: null, compile: "stage" });
    const cycle = await failure(
      api.tasks.upsert({
        planSlug: "groups",
        baseVersion: await version("groups"),
        key: "stage",
        originalKey: "stage",
        task: { kind: "noop", parent: "compile" },
      }),
    );
    expect(cycle.code).toBe("BAD_REQUEST");
    expect(cycle.issues).toEqual([
      expect.objectContaining({ code: "cycle", message: "parent cycle: stage -> compile -> stage" }),
    ]);
  });

  it("refuses a link that would close a cycle and names it", async () => {
    const { api } = test;
    const refused = await failure(
      api.links.create({
        planSlug: "demo",
        baseVersion: await version(),
        from: "c",
        to: "a",
        kind: "requires",
      }),
    );
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.cycle).toEqual(["c", "a", "b", "c"]);
    expect(refused.message).toBe("cycle: c -> a -> b -> c");
    expect((await api.plans.get({ slug: "demo" })).version).toBe(1);
  });

  it("creates, switches and deletes links; a refers link may point backwards", async () => {
    const { api } = test;
    await api.links.create({
      planSlug: "demo",
      baseVersion: await version(),
      from: "a",
      to: "c",
      kind: "requires",
    });
    await api.links.setKind({
      planSlug: "demo",
      baseVersion: await version(),
      from: "a",
      to: "c",
      kind: "refers",
    });
    await api.links.create({
      planSlug: "demo",
      baseVersion: await version(),
      from: "c",
      to: "a",
      kind: "refers",
    });
    let plan = await api.plans.get({ slug: "demo" });
    expect(plan.links).toEqual(
      expect.arrayContaining([
        { from: "a", to: "c", kind: "refers" },
        { from: "c", to: "a", kind: "refers" },
      ]),
    );
    const backwards = await failure(
      api.links.setKind({
        planSlug: "demo",
        baseVersion: await version(),
        from: "c",
        to: "a",
        kind: "requires",
      }),
    );
    expect(backwards.cycle).toEqual(["c", "a", "b", "c"]);
    await api.links.delete({
      planSlug: "demo",
      baseVersion: await version(),
      from: "a",
      to: "b",
      kind: "requires",
    });
    plan = await api.plans.get({ slug: "demo" });
    expect(plan.links.some((l) => l.from === "a" && l.to === "b")).toBe(false);
    expect(
      (
        await failure(
          api.links.delete({
            planSlug: "demo",
            baseVersion: await version(),
            from: "a",
            to: "b",
            kind: "requires",
          }),
        )
      ).code,
    ).toBe("NOT_FOUND");
  });

  it("creates, switches and deletes duplicates and relates_to links, kept in the task fields", async () => {
    const { api } = test;
    const edit = async () => ({ planSlug: "demo", baseVersion: await version() });
    await api.links.create({ ...(await edit()), from: "a", to: "c", kind: "duplicates" });
    await api.links.create({ ...(await edit()), from: "c", to: "a", kind: "relates_to" });
    let plan = await api.plans.get({ slug: "demo" });
    expect(plan.links).toEqual(
      expect.arrayContaining([
        { from: "a", to: "c", kind: "duplicates" },
        { from: "c", to: "a", kind: "relates_to" },
      ]),
    );
    expect(plan.tasks.find((task) => task.key === "c")?.duplicates).toEqual(["a"]);
    expect(plan.tasks.find((task) => task.key === "a")?.relatesTo).toEqual(["c"]);
    // a → b is a requires link: switched to relates_to, named or found as its only other kind.
    await api.links.setKind({
      ...(await edit()),
      from: "a",
      to: "b",
      kind: "relates_to",
      previousKind: "requires",
    });
    await api.links.setKind({ ...(await edit()), from: "a", to: "c", kind: "refers" });
    plan = await api.plans.get({ slug: "demo" });
    expect(plan.links).toEqual(
      expect.arrayContaining([
        { from: "a", to: "b", kind: "relates_to" },
        { from: "a", to: "c", kind: "refers" },
      ]),
    );
    expect(plan.links.some((l) => l.from === "a" && l.to === "b" && l.kind === "requires")).toBe(false);
    // Two links between the same tasks: which one to switch must be said.
    await api.links.create({ ...(await edit()), from: "a", to: "c", kind: "duplicates" });
    const ambiguous = await failure(
      api.links.setKind({ ...(await edit()), from: "a", to: "c", kind: "requires" }),
    );
    expect(ambiguous.code).toBe("CONFLICT");
    expect(ambiguous.message).toContain("refers and duplicates");
    await api.links.delete({ ...(await edit()), from: "a", to: "c", kind: "duplicates" });
    plan = await api.plans.get({ slug: "demo" });
    expect(plan.links.filter((l) => l.from === "a" && l.to === "c")).toEqual([
      { from: "a", to: "c", kind: "refers" },
    ]);
  });

  it("saves a new task and its position in one change, and a renamed task keeps its position", async () => {
    const { api } = test;
    await api.tasks.upsert({
      planSlug: "demo",
      baseVersion: await version(),
      key: "d",
      task: { kind: "noop" },
      position: { x: 300, y: 40 },
    });
    expect((await api.plans.get({ slug: "demo" })).tasks.find((t) => t.key === "d")?.position).toEqual({
      x: 300,
      y: 40,
    });
    await api.tasks.upsert({
      planSlug: "demo",
      baseVersion: await version(),
      key: "e",
      originalKey: "d",
      task: { kind: "noop" },
    });
    expect((await api.plans.get({ slug: "demo" })).tasks.find((t) => t.key === "e")?.position).toEqual({
      x: 300,
      y: 40,
    });
  });

  it("refuses an edit made on a stale version with CONFLICT, and returns the new version of each edit", async () => {
    const { api } = test;
    const opened = await version();
    const saved = await api.tasks.upsert({
      planSlug: "demo",
      key: "d",
      task: { kind: "noop" },
      baseVersion: opened,
    });
    expect(saved.version).toBe(opened + 1);
    // A second tab still shows the version it opened.
    for (const stale of [
      api.tasks.delete({ planSlug: "demo", key: "a", baseVersion: opened }),
      api.plans.update({ slug: "demo", goal: "other", baseVersion: opened }),
      api.links.create({ planSlug: "demo", from: "a", to: "c", kind: "refers", baseVersion: opened }),
    ]) {
      const refused = await failure(stale);
      expect(refused.code).toBe("CONFLICT");
      expect(refused.message).toBe(
        `the plan changed since you opened it: v${opened} → v${opened + 1}; reload to see the change`,
      );
      expect(refused.currentVersion).toBe(opened + 1);
    }
    const plan = await api.plans.get({ slug: "demo" });
    expect(plan.version).toBe(opened + 1);
    expect(plan.tasks.map((t) => t.key)).toEqual(["a", "b", "c", "d"]);
    expect(plan.goal).toBe("");
  });

  it("lets only one of two concurrent edits from the same version through", async () => {
    const { api } = test;
    const opened = await version();
    const outcomes = await Promise.allSettled([
      api.tasks.upsert({ planSlug: "demo", key: "x", task: { kind: "noop" }, baseVersion: opened }),
      api.tasks.upsert({ planSlug: "demo", key: "y", task: { kind: "noop" }, baseVersion: opened }),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect((await api.plans.get({ slug: "demo" })).tasks).toHaveLength(4);
  });

  it("stores positions without a new version", async () => {
    const { api } = test;
    await api.tasks.setPositions({ planSlug: "demo", positions: [{ key: "a", x: 10, y: 20 }] });
    const plan = await api.plans.get({ slug: "demo" });
    expect(plan.tasks[0]?.position).toEqual({ x: 10, y: 20 });
    expect(plan.tasks[1]?.position).toBeNull();
    expect(plan.version).toBe(1);
  });
});

describe("runs, logs and events routers", () => {
  async function runToEnd(planSlug: string) {
    const { api, taskloom } = test;
    const { runId } = await api.runs.start({ planSlug });
    const outcome = await taskloom.executeRun(runId, { pollMs: 20 });
    return { runId, status: outcome.status };
  }

  it("starts a run, shows it with its frozen graph, lists and searches runs with cursors", async () => {
    const { api } = test;
    await api.plans.import({ text: threeTasks });
    const first = await runToEnd("demo");
    expect(first.status).toBe("succeeded");
    const run = await api.runs.get({ runId: first.runId });
    expect(run.trigger).toBe("manual");
    expect(run.graph.links).toHaveLength(2);
    expect(run.tasks.map((t) => t.outputText)).toEqual(["a", "b", "c"]);

    await runToEnd("demo");
    await runToEnd("demo");
    const page1 = await api.runs.list({ limit: 2 });
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await api.runs.list({ limit: 2, cursor: page1.nextCursor ?? "" });
    expect(page2.items).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    const ids = [...page1.items, ...page2.items].map((r) => r.id);
    expect(new Set(ids).size).toBe(3);
    expect((await api.runs.list({ status: "failed" })).items).toHaveLength(0);
    expect((await api.runs.list({ search: "nothing-matches-this" })).items).toHaveLength(0);
    expect((await api.runs.list({ search: "b" })).items).toHaveLength(3);
  });

  it("cancels a run and retries a failed task", async () => {
    const { api, taskloom, dir } = test;
    await api.plans.import({
      text: `plan: fail\ntasks:\n  x: { run: "test -f ${dir}/ok" }\n  y: { run: echo y, requires: [x] }\n`,
    });
    const failed = await runToEnd("fail");
    expect(failed.status).toBe("failed");
    expect((await failure(api.runs.retryTask({ runId: failed.runId, taskKey: "y" }))).code).toBe("CONFLICT");
    fs.writeFileSync(path.join(dir, "ok"), "");
    await api.runs.retryTask({ runId: failed.runId, taskKey: "x" });
    expect((await taskloom.executeRun(failed.runId, { pollMs: 20 })).status).toBe("succeeded");

    await api.plans.import({ text: "plan: slow\ntasks:\n  s: { run: sleep 30 }\n" });
    const { runId } = await api.runs.start({ planSlug: "slow" });
    expect(await api.runs.cancel({ runId })).toEqual({ status: "cancelled" });
  });

  it("retries a failed task with the plan's fix, says what changed, and keeps the frozen copy on request", async () => {
    const { api, taskloom } = test;
    const plan = (run: string) =>
      `plan: fixme\ntasks:\n  x: { run: "${run}" }\n  y: { run: echo y, requires: [x] }\n`;
    await api.plans.import({ text: plan("exit 3") });
    const failed = await runToEnd("fixme");
    await api.plans.import({ text: plan("echo fixed") });
    expect(await api.runs.definitionChange({ runId: failed.runId, taskKey: "x" })).toMatchObject({
      changed: true,
      ranVersion: 1,
      latestVersion: 2,
    });
    await api.runs.retryTask({ runId: failed.runId, taskKey: "x", definition: "frozen" });
    expect((await taskloom.executeRun(failed.runId, { pollMs: 20 })).status).toBe("failed");
    await api.runs.retryTask({ runId: failed.runId, taskKey: "x" });
    expect((await taskloom.executeRun(failed.runId, { pollMs: 20 })).status).toBe("succeeded");
    const x = (await api.runs.get({ runId: failed.runId })).tasks.find((task) => task.key === "x");
    expect(x?.attemptHistory.map((a) => [a.status, a.definitionVersion])).toEqual([
      ["failed", 1],
      ["failed", 1],
      ["succeeded", 2],
    ]);
    expect(
      (
        await failure(
          api.runs.retryTask({ runId: failed.runId, taskKey: "x", definition: "newest" as never }),
        )
      ).code,
    ).toBe("BAD_REQUEST");
  });

  it("reads logs as a tail, after an offset and before one", async () => {
    const { api } = test;
    await api.plans.import({
      text: "plan: chatty\ntasks:\n  talk:\n    run: for i in 1 2 3; do echo line$i; sleep 0.15; done\n",
    });
    const { runId } = await runToEnd("chatty");
    const tail = await api.logs.read({ runId, taskKey: "talk" });
    const text = tail.chunks
      .filter((c) => c.stream === "stdout")
      .map((c) => c.text)
      .join("");
    expect(text).toBe("line1\nline2\nline3\n");
    expect(tail.firstSeq).toBe(tail.chunks[0]?.seq);
    const first = tail.chunks[0]?.seq ?? 0;
    const after = await api.logs.read({ runId, taskKey: "talk", afterSeq: first });
    expect(after.chunks.map((c) => c.seq)).toEqual(tail.chunks.slice(1).map((c) => c.seq));
    const before = await api.logs.read({
      runId,
      taskKey: "talk",
      beforeSeq: (tail.lastSeq ?? 0) + 1,
      limit: 1,
    });
    expect(before.chunks.map((c) => c.seq)).toEqual([tail.lastSeq]);
  });

  it("streams events and resumes after a reconnect without losing or repeating any", async () => {
    const { api, taskloom } = test;
    await api.plans.import({ text: threeTasks });
    const controller = new AbortController();
    const stream = taskloom.streamEvents(
      { planSlug: "demo", afterId: await taskloom.store.lastEventId() },
      controller.signal,
    );
    const { runId } = await api.runs.start({ planSlug: "demo" });
    await taskloom.executeRun(runId, { pollMs: 20 });

    const all = await taskloom.store.readEvents({ afterId: 0, runId, limit: 1000 });
    const firstBatch = (await stream.next()).value ?? [];
    controller.abort();
    const seen: EventRecord[] = firstBatch.slice(0, 3);
    const rest: EventRecord[] = [];
    const resumed = taskloom.streamEvents({ runId, afterId: seen.at(-1)?.id ?? 0 });
    for await (const batch of resumed) {
      rest.push(...batch);
      if (rest.at(-1)?.id === all.at(-1)?.id) break;
    }
    expect([...seen, ...rest].map((e) => e.id)).toEqual(all.map((e) => e.id));
  });
});

describe("workers router", () => {
  it("lists every registered worker with its queues, running attempts and state", async () => {
    const { api, taskloom } = test;
    const now = taskloom.clock.now();
    await taskloom.store.registerWorker({
      id: "w1",
      host: "h1",
      pid: 11,
      queues: ["gpu"],
      concurrency: 4,
      now,
    });
    await taskloom.store.registerWorker({
      id: "w2",
      host: "h2",
      pid: 22,
      queues: [],
      concurrency: 1,
      now: now - 60_000,
    });
    await taskloom.importPlanSource(threeTasks);
    await taskloom.startRun("demo", { trigger: "api" });
    await taskloom.store.claimTaskRuns({ workerId: "w1", limit: 1, leaseMs: 30_000, now });
    const workers = await api.workers.list();
    expect(
      workers.map(({ id, host, pid, queues, concurrency, running, state }) => ({
        id,
        host,
        pid,
        queues,
        concurrency,
        running,
        state,
      })),
    ).toEqual([
      { id: "w2", host: "h2", pid: 22, queues: [], concurrency: 1, running: 0, state: "lost" },
      { id: "w1", host: "h1", pid: 11, queues: ["gpu"], concurrency: 4, running: 1, state: "alive" },
    ]);
  });
});

describe("over HTTP (the fetch adapter the web app mounts)", () => {
  const handle = (url: string, init?: RequestInit) =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request(`http://127.0.0.1${url}`, init),
      router: appRouter,
      createContext: () => createTRPCContext({ taskloom: test.taskloom, authorized: true }),
    });

  it("serves queries and refuses unauthorized callers", async () => {
    const { taskloom } = test;
    await taskloom.importPlanSource(threeTasks);
    const ok = await handle("/api/trpc/plans.list");
    expect(ok.status).toBe(200);
    const denied = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request("http://127.0.0.1/api/trpc/plans.list"),
      router: appRouter,
      createContext: () => createTRPCContext({ taskloom, authorized: false }),
    });
    expect(denied.status).toBe(401);
  });

  it("refuses times a date cannot hold and malformed cursors with a 400 that says why", async () => {
    const list = (input: Record<string, unknown>) =>
      handle(`/api/trpc/runs.list?input=${encodeURIComponent(JSON.stringify(input))}`);
    for (const [input, problem] of [
      [{ from: 8_640_000_000_000_001 }, "from: must be a time in ms since 1970 that a date can hold"],
      [{ to: 1e300 }, "to: "],
      [{ cursor: "1e300:x" }, "cursor: invalid cursor"],
      [{ cursor: "99999999999999999:x" }, "cursor: invalid cursor"],
    ] as const) {
      const response = await list(input);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { message: string } };
      expect(body.error.message).toContain(`invalid input: ${problem}`);
      expect(body.error.message).not.toMatch(/prisma|invocation/i);
    }
    expect((await list({ from: 0, to: 8_640_000_000_000_000, cursor: "1:x" })).status).toBe(200);
  });

  it("never sends the text of an unexpected error, only a generic message", async () => {
    const { taskloom } = test;
    const broken = {
      ...taskloom,
      queries: {
        listPlans: () =>
          Promise.reject(new Error("SQLITE_CORRUPT at /secret/path/t.db: SELECT * FROM plans")),
      },
    } as unknown as Taskloom;
    const response = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request("http://127.0.0.1/api/trpc/plans.list"),
      router: appRouter,
      createContext: () => createTRPCContext({ taskloom: broken, authorized: true }),
      onError: () => {},
    });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).toContain(INTERNAL_ERROR_MESSAGE);
    expect(text).not.toMatch(/SQLITE|secret|SELECT|stack/);
  });

  it("puts the cycle and the plan issues in the error data clients read", async () => {
    const { taskloom } = test;
    await taskloom.importPlanSource(threeTasks);
    const response = await handle("/api/trpc/links.create", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ planSlug: "demo", from: "c", to: "a", kind: "requires", baseVersion: 1 }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { message: string; data: { cycle: string[]; code: string } };
    };
    expect(body.error.data.cycle).toEqual(["c", "a", "b", "c"]);
    expect(body.error.data.code).toBe("BAD_REQUEST");
  });

  it("says in the error data which versions a stale edit was between", async () => {
    const { taskloom } = test;
    await taskloom.importPlanSource(threeTasks);
    await taskloom.importPlanSource(threeTasks.replace("echo c", "echo c2"));
    const response = await handle("/api/trpc/tasks.delete", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ planSlug: "demo", key: "c", baseVersion: 1 }),
    });
    expect(response.status).toBe(409);
    const body = (await response.json()) as { error: { data: { staleVersion: unknown; code: string } } };
    expect(body.error.data).toMatchObject({ code: "CONFLICT", staleVersion: { base: 1, current: 2 } });
  });

  it.each([
    ["every event", {}, () => true],
    ["only run events", { only: ["run"] }, (e: EventRecord) => e.type.startsWith("run.")],
  ])(
    "streams server-sent events (%s) in batches tracked by their last id, resuming from lastEventId",
    async (_name, filter, wanted) => {
      const { taskloom } = test;
      await taskloom.importPlanSource(threeTasks);
      const { runId } = await taskloom.startRun("demo");
      await taskloom.executeRun(runId, { pollMs: 20 });
      const all = (await taskloom.store.readEvents({ afterId: 0, runId, limit: 1000 })).filter(wanted);
      const from = all[0]?.id ?? 0;
      const controller = new AbortController();
      const input = encodeURIComponent(JSON.stringify({ runId, ...filter, lastEventId: String(from) }));
      const response = await handle(`/api/trpc/events.subscribe?input=${input}`, {
        signal: controller.signal,
      });
      expect(response.headers.get("content-type")).toContain("text/event-stream");
      const reader = response.body?.getReader();
      let text = "";
      const decoder = new TextDecoder();
      const expected = all.filter((e) => e.id > from).map((e) => e.id);
      const messages = () =>
        [...text.matchAll(/^data: (.*)\nid: (\d+)$/gm)].map((m) => ({
          id: Number(m[2]),
          events: (JSON.parse(m[1] ?? "{}") as { events: EventRecord[] }).events,
        }));
      while (reader && messages().flatMap((m) => m.events).length < expected.length) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += decoder.decode(chunk.value);
      }
      controller.abort();
      expect(messages().flatMap((m) => m.events.map((e) => e.id))).toEqual(expected);
      for (const message of messages()) expect(message.id).toBe(message.events.at(-1)?.id);
    },
  );
});
