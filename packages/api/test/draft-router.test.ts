import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Taskloom } from "@taskloom/engine";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "@taskloom/llm/testing";
import { TRPCError } from "@trpc/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appRouter, createCallerFactory, createTRPCContext } from "../src/index.ts";

let dir: string;
let server: FakeOpenAIServer;
const engines: Taskloom[] = [];
const createCaller = createCallerFactory(appRouter);

async function api(withProvider: boolean) {
  const taskloom = await Taskloom.open({
    databaseUrl: `file:${path.join(dir, "t.db")}`,
    cwd: dir,
    ...(withProvider ? { llm: { baseUrl: server.baseURL, model: "gpt-4o-mini" } } : {}),
  });
  engines.push(taskloom);
  return createCaller(createTRPCContext({ taskloom, authorized: true }));
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-draft-router-"));
  server = await startFakeOpenAIServer();
});
afterEach(async () => {
  for (const taskloom of engines.splice(0)) await taskloom.close();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  return error;
}

describe("plans.draftFromGoal", () => {
  it("returns the validated proposal as a plan file, which imports through plans.import", async () => {
    const caller = await api(true);
    expect(await caller.plans.draftAvailability()).toEqual({ available: true });
    server.reply({
      type: "chat",
      content: JSON.stringify({
        plan: "hiring-plan",
        tasks: { source: { kind: "noop" }, interview: { kind: "noop", requires: ["source"] } },
      }),
    });
    const draft = await caller.plans.draftFromGoal({ goal: "Hire two engineers" });
    expect(draft).toMatchObject({ slug: "hiring-plan", requests: 1 });
    expect(await caller.plans.list()).toEqual([]);
    expect(await caller.plans.import({ text: draft.yaml })).toMatchObject({
      slug: "hiring-plan",
      version: 1,
    });
  });

  it("is BAD_REQUEST for an empty goal and PRECONDITION_FAILED without a provider", async () => {
    expect((await failure((await api(true)).plans.draftFromGoal({ goal: "  " }))).code).toBe("BAD_REQUEST");
    const dry = await api(false);
    expect(await dry.plans.draftAvailability()).toEqual({ available: false });
    const error = await failure(dry.plans.draftFromGoal({ goal: "Hire two engineers" }));
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(error.message).toMatch(/needs an LLM provider: set TASKLOOM_LLM_BASE_URL/);
    expect(server.requests).toHaveLength(0);
  });
});

describe("drafts: a proposal stored as a draft plan, edited, then approved or discarded", () => {
  const proposal = (slug: string) =>
    JSON.stringify({
      plan: slug,
      tasks: { source: { kind: "noop" }, interview: { kind: "noop", requires: ["source"] } },
    });

  it("stores the proposal as a draft that cannot run, is edited like a plan, and runs once approved", async () => {
    const caller = await api(true);
    server.reply({ type: "chat", content: proposal("hiring-plan") });
    const draft = await caller.drafts.create({ goal: "Hire two engineers" });
    expect(draft).toMatchObject({
      planSlug: "hiring-plan",
      goal: "Hire two engineers",
      model: "fake-model",
    });
    expect((await caller.plans.get({ slug: "hiring-plan" })).tasks.map((t) => t.key)).toEqual([
      "source",
      "interview",
    ]);
    expect(await caller.drafts.get({ slug: "hiring-plan" })).toEqual(draft);
    expect((await caller.drafts.list()).map((d) => d.planSlug)).toEqual(["hiring-plan"]);
    const refused = await failure(caller.runs.start({ planSlug: "hiring-plan", params: {} }));
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toMatch(/is a draft from a goal: approve it before running it/);

    // Edited with the ordinary editor procedures.
    const { version } = await caller.plans.get({ slug: "hiring-plan" });
    await caller.tasks.upsert({
      planSlug: "hiring-plan",
      key: "offer",
      task: { kind: "noop", requires: ["interview"] },
      baseVersion: version,
    });
    await caller.drafts.approve({ slug: "hiring-plan" });
    expect(await caller.drafts.get({ slug: "hiring-plan" })).toBeNull();
    expect((await caller.plans.get({ slug: "hiring-plan" })).tasks.map((t) => t.key)).toContain("offer");
    expect((await caller.runs.start({ planSlug: "hiring-plan", params: {} })).runId).toMatch(/^run_/);
    expect((await failure(caller.drafts.approve({ slug: "hiring-plan" }))).code).toBe("CONFLICT");
  });

  it("takes a free slug beside an existing plan, and discards only drafts", async () => {
    const caller = await api(true);
    await caller.plans.import({ text: "plan: hiring-plan\ntasks:\n  x: { kind: noop }\n" });
    server.reply(
      { type: "chat", content: proposal("hiring-plan") },
      { type: "chat", content: proposal("hiring-plan") },
    );
    expect((await caller.drafts.create({ goal: "Hire" })).planSlug).toBe("hiring-plan-draft");
    expect((await caller.drafts.create({ goal: "Hire again" })).planSlug).toBe("hiring-plan-draft-2");
    expect((await failure(caller.drafts.discard({ slug: "hiring-plan" }))).code).toBe("CONFLICT");
    await caller.drafts.discard({ slug: "hiring-plan-draft" });
    expect((await failure(caller.plans.get({ slug: "hiring-plan-draft" }))).code).toBe("NOT_FOUND");
    expect((await caller.plans.list()).map((p) => p.slug).sort()).toEqual([
      "hiring-plan",
      "hiring-plan-draft-2",
    ]);
    expect((await failure((await api(false)).drafts.create({ goal: "Hire" }))).code).toBe(
      "PRECONDITION_FAILED",
    );
  });
});

describe("drafts into an existing plan", () => {
  it("adds the approved draft's tasks to the plan, and refuses task keys the plan has", async () => {
    const caller = await api(true);
    await caller.plans.import({ text: "plan: team\nname: Team\ntasks:\n  source: { kind: noop }\n" });
    server.reply(
      {
        type: "chat",
        content: JSON.stringify({ plan: "x", tasks: { source: { kind: "noop" }, offer: { kind: "noop" } } }),
      },
      {
        type: "chat",
        content: JSON.stringify({
          plan: "x",
          notes: { budget: "two hires" },
          tasks: { screen: { kind: "noop" }, offer: { kind: "noop", requires: ["screen"] } },
        }),
      },
    );
    const clashing = await caller.drafts.create({ goal: "Hire", into: "team" });
    expect(clashing).toMatchObject({ planSlug: "team-draft", into: "team" });
    const refused = await failure(caller.drafts.approve({ slug: "team-draft" }));
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toMatch(
      /plan `team` already has the tasks `source`: rename them in the draft first/,
    );
    await caller.drafts.discard({ slug: "team-draft" });

    const draft = await caller.drafts.create({ goal: "Hire two", into: "team" });
    expect(await caller.drafts.approve({ slug: draft.planSlug })).toEqual({ slug: "team" });
    const team = await caller.plans.get({ slug: "team" });
    expect(team.tasks.map((t) => t.key)).toEqual(["source", "screen", "offer"]);
    expect(team.name).toBe("Team");
    expect(team.notes).toEqual({ budget: "two hires" });
    expect((await failure(caller.plans.get({ slug: draft.planSlug }))).code).toBe("NOT_FOUND");
    expect((await failure(caller.drafts.create({ goal: "Hire", into: "nope" }))).code).toBe("NOT_FOUND");
  });
});
