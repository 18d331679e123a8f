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
