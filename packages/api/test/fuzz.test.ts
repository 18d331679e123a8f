import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Taskloom } from "@taskloom/engine";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter, createTRPCContext } from "../src/index.ts";

/**
 * Every procedure of the API, called over HTTP (the fetch adapter the web app mounts) with valid inputs
 * taken apart and filled with hostile values, against a real SQLite database: no answer is ever a 5xx, and
 * no answer carries the text of an internal error.
 */

let dir: string;
let taskloom: Taskloom;
let runId: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-fuzz-"));
  taskloom = await Taskloom.open({ databaseUrl: `file:${path.join(dir, "t.db")}`, cwd: dir, pollMs: 50 });
  await taskloom.importPlanSource(
    "plan: demo\ntasks:\n  a: { kind: noop }\n  b: { kind: noop, requires: [a] }\n  s: { kind: llm, prompt: Sum up, requires: [a] }\n  g: { kind: approval, prompt: Go?, form: { properties: { n: { type: integer, maximum: 5 } } } }\nschedules:\n  - { name: nightly, cron: '0 2 * * *' }\n  - { name: other, every: 1h }\n",
  );
  runId = (await taskloom.startRun("demo")).runId;
});
afterAll(async () => {
  await taskloom.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** One valid input per procedure: the starting point of every mutation. */
function validInputs(): Record<string, Record<string, unknown> | undefined> {
  const link = { planSlug: "demo", from: "a", to: "b", kind: "requires", baseVersion: 1 };
  return {
    "plans.list": undefined,
    "plans.get": { slug: "demo" },
    "plans.create": { slug: "fresh", name: "Fresh", goal: "a goal" },
    "plans.update": { slug: "demo", name: "Demo", goal: "g", index: "# I", baseVersion: 1 },
    "plans.import": { text: "plan: other\ntasks:\n  x: { kind: noop, result: { a: [1, 2] } }\n" },
    "plans.export": { slug: "demo", format: "yaml" },
    "plans.draftAvailability": undefined,
    // The dry-run provider here: a valid goal is refused with 412, never drafted.
    "plans.draftFromGoal": { goal: "Hire two engineers" },
    "drafts.create": { goal: "Hire two engineers" },
    "drafts.get": { slug: "demo" },
    "drafts.list": undefined,
    // `demo` is not a draft: approving or discarding it is a 409, and it is never deleted.
    "drafts.approve": { slug: "demo" },
    "drafts.discard": { slug: "demo" },
    "tasks.upsert": {
      planSlug: "demo",
      key: "c",
      task: { kind: "noop", result: 1, requires: ["a"] },
      position: { x: 1, y: 2 },
      baseVersion: 1,
    },
    "tasks.delete": { planSlug: "demo", key: "b", baseVersion: 1 },
    "tasks.setPositions": { planSlug: "demo", positions: [{ key: "a", x: 0, y: 0 }] },
    "links.create": link,
    "links.delete": link,
    "links.setKind": { ...link, kind: "relates_to", previousKind: "requires" },
    "runs.start": { planSlug: "demo", params: {} },
    "runs.cancel": { runId },
    "runs.retryTask": { runId, taskKey: "a" },
    "runs.definitionChange": { runId, taskKey: "a" },
    "runs.grid": { planSlug: "demo" },
    "logs.search": { runId, taskKey: "a", query: "x" },
    "runs.get": { runId },
    "runs.list": {
      planSlug: "demo",
      status: "running",
      from: 0,
      to: 1,
      search: "a",
      cursor: "1:x",
      limit: 5,
    },
    "logs.read": { runId, taskKey: "a", afterSeq: 0, limit: 10 },
    "events.subscribe": { runId, lastEventId: "0" },
    "schedules.list": undefined,
    "workers.list": undefined,
    "schedules.byPlan": { planSlug: "demo" },
    "schedules.create": { planSlug: "demo", schedule: { name: "fuzz", every: "1h", params: {} } },
    "schedules.update": {
      ref: "demo/nightly",
      schedule: { cron: "0 3 * * *", timezone: "Europe/Paris" },
      replace: false,
    },
    "schedules.preview": {
      planSlug: "demo",
      schedule: { cron: "0 3 * * *", timezone: "Europe/Paris" },
      ref: "demo/nightly",
    },
    "schedules.pause": { ref: "demo/nightly" },
    "schedules.resume": { ref: "demo/nightly" },
    "schedules.remove": { ref: "demo/other" },
    "schedules.trigger": { ref: "demo/nightly" },
    "queues.list": undefined,
    "queues.peek": { queue: "default", limit: 10 },
    "queues.move": { selection: { queue: "default", runId }, toQueue: "elsewhere" },
    "queues.reschedule": { selection: { queue: "default", taskRunIds: [1] }, to: { delayMs: 1000 } },
    "queues.cancel": { selection: { queue: "nothing-here", planSlug: "demo" } },
    "queues.pause": { queue: "fuzz" },
    "queues.resume": { queue: "fuzz" },
    "context.preview": { planSlug: "demo", taskKey: "s" },
    "context.search": { planSlug: "demo", taskKey: "s", query: "a", limit: 5 },
    "context.pin": { planSlug: "demo", taskKey: "s", ref: "task:a" },
    "context.exclude": { planSlug: "demo", taskKey: "s", ref: "index" },
    "context.unpin": { planSlug: "demo", taskKey: "s", ref: "task:a" },
    "context.clear": { planSlug: "demo", taskKey: "s" },
    "context.approve": { planSlug: "demo", taskKey: "s" },
    "context.documents.set": {
      planSlug: "demo",
      key: "spec",
      title: "Spec",
      text: "t",
      create: true,
      baseVersion: 1,
    },
    "context.documents.delete": { planSlug: "demo", key: "spec", baseVersion: 2 },
    "context.notes.set": { planSlug: "demo", key: "who", value: "v", create: true, baseVersion: 1 },
    "context.notes.delete": { planSlug: "demo", key: "who", baseVersion: 2 },
    "snapshots.attempts": { runId, taskKey: "s" },
    "snapshots.attempt": { runId, taskKey: "s", attempt: 1 },
    "snapshots.byHash": { hash: "0".repeat(64) },
    "snapshots.runs": { runId, taskKey: "s" },
    "snapshots.diff": { a: { runId, taskKey: "s", attempt: 1 }, b: { hash: "0".repeat(64) } },
    "snapshots.replay": { runId, taskKey: "s", attempt: 1 },
    "taskRuns.act": { runId, taskKey: "a", action: "resolve", output: "by hand", reason: "fuzz" },
    "taskRuns.rerun": { runId, fromTask: "a", reason: "fuzz" },
    "taskRuns.auditTrail": { runId },
    "approvals.list": { runId },
    "approvals.decide": { runId, taskKey: "g", decision: "approve", comment: "ok", values: { n: 3 } },
  };
}

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = level % 2 ? [value] : { a: value };
  return value;
}

/** Values that broke a server before, or look as if they could. */
const HOSTILE_VALUES: unknown[] = [
  1e300,
  -1e300,
  -1,
  0.5,
  8_640_000_000_000_001,
  Number.MAX_SAFE_INTEGER,
  2 ** 63,
  "1e300:x",
  "9999999999999999:x",
  ":",
  "",
  " ",
  "\u0000",
  "\t\n/\\evil.example",
  "x".repeat(100_000),
  "'; DROP TABLE runs; --",
  "__proto__",
  { __proto__: { polluted: true } },
  nested(3_000),
  [],
  {},
  null,
  true,
];
const hostile = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(...HOSTILE_VALUES));

/** Every field of the valid input replaced by every hostile value, one at a time: the examples always run. */
function singleFieldExamples(valid: Record<string, unknown> | undefined): [unknown][] {
  if (valid === undefined) return HOSTILE_VALUES.map((value) => [value]);
  return Object.keys(valid).flatMap((key) =>
    HOSTILE_VALUES.map((value): [unknown] => [{ ...valid, [key]: value }]),
  );
}

/** A valid input with one or two fields replaced, removed or added; or something else entirely. */
function mutated(valid: Record<string, unknown> | undefined): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid ?? {});
  const fieldEdits = fc.array(
    fc.record({
      key: keys.length > 0 ? fc.oneof(fc.constantFrom(...keys), fc.string()) : fc.string(),
      value: fc.option(hostile, { nil: undefined }),
    }),
    { minLength: 1, maxLength: 2 },
  );
  return fc.oneof(
    { weight: 4, arbitrary: fieldEdits.map((edits) => applyEdits(valid ?? {}, edits)) },
    { weight: 1, arbitrary: hostile },
    { weight: 1, arbitrary: fc.constant(valid) },
  );
}

function applyEdits(valid: Record<string, unknown>, edits: { key: string; value: unknown }[]) {
  const input: Record<string, unknown> = { ...valid };
  for (const { key, value } of edits) {
    if (value === undefined) delete input[key];
    else input[key] = value;
  }
  return input;
}

async function call(procedure: string, type: string, input: unknown): Promise<Response> {
  const encoded = input === undefined ? "" : JSON.stringify(input);
  const controller = new AbortController();
  const init: RequestInit =
    type === "mutation"
      ? { method: "POST", headers: { "content-type": "application/json" }, body: encoded }
      : {};
  const query = type === "mutation" || input === undefined ? "" : `?input=${encodeURIComponent(encoded)}`;
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request(`http://127.0.0.1/api/trpc/${procedure}${query}`, {
      ...init,
      signal: controller.signal,
    }),
    router: appRouter,
    createContext: () => createTRPCContext({ taskloom, authorized: true }),
    // Quiet: a failing property prints its counterexample.
    onError: () => {},
  });
  // A subscription that was accepted streams for ever: the status line is all this test needs.
  if (type === "subscription") controller.abort();
  return response;
}

/** Words that only an internal error would put in a client's answer. */
const LEAKS = /prisma|sqlite|invocation|stack|at .*\.ts:\d+|node_modules/i;

describe("every procedure, with hostile input", () => {
  const procedures = Object.entries(
    appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
  );
  const inputs = validInputs();

  it("has a valid sample input for every procedure (a new procedure must be added here)", () => {
    expect(procedures.map(([name]) => name).sort()).toEqual(Object.keys(inputs).sort());
  });

  for (const [name, procedure] of procedures) {
    it(`${name}: never answers 5xx nor leaks internal error text`, async () => {
      const examples = singleFieldExamples(inputs[name]);
      await fc.assert(
        fc.asyncProperty(mutated(inputs[name]), async (input) => {
          const response = await call(name, procedure._def.type, input);
          const body = procedure._def.type === "subscription" && response.ok ? "" : await response.text();
          expect(response.status, body.slice(0, 500)).toBeLessThan(500);
          if (!response.ok) expect(body).not.toMatch(LEAKS);
        }),
        // The examples count within numRuns: 50 random inputs come after them.
        { numRuns: examples.length + 50, examples },
      );
    }, 60_000);
  }
});
