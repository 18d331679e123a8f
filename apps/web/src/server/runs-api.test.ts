import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Taskloom } from "@taskloom/engine";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));

/**
 * The REST API through its route handlers, as Next calls them, on a real SQLite file, with a token
 * configured (so every request must say `Authorization: Bearer`).
 */
const TOKEN = "test-token-with-enough-entropy-0123456789";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-rest-"));
process.env.TASKLOOM_HOME = dir;
process.env.TASKLOOM_DATABASE_URL = `file:${path.join(dir, "t.db")}`;
process.env.TASKLOOM_AUTH_TOKEN = TOKEN;

const startRoute = await import("../app/api/v1/plans/[slug]/runs/route.ts");
const runRoute = await import("../app/api/v1/runs/[runId]/route.ts");
const { taskloom: engine } = await import("./taskloom-instance.ts");

let taskloom: Taskloom;
const BASE = "http://127.0.0.1:3000";
const auth = { authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  taskloom = await engine();
  await taskloom.importPlanSource(`plan: deploy
params: { target: dev, replicas: 1 }
tasks:
  build: { run: "echo building {{params.target}}" }
  ship: { run: "echo shipping {{params.replicas}}", requires: [build] }
`);
});
afterAll(async () => {
  await taskloom.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function post(slug: string, body: string | undefined, headers: Record<string, string> = {}) {
  const request = new Request(`${BASE}/api/v1/plans/${slug}/runs`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body }),
  });
  return startRoute.POST(request, { params: Promise.resolve({ slug }) });
}

function get(runId: string, headers: Record<string, string> = auth) {
  return runRoute.GET(new Request(`${BASE}/api/v1/runs/${runId}`, { headers }), {
    params: Promise.resolve({ runId }),
  });
}

async function answer(response: Promise<Response>) {
  const resolved = await response;
  return { status: resolved.status, body: (await resolved.json()) as Record<string, unknown> };
}

describe("POST /api/v1/plans/<slug>/runs and GET /api/v1/runs/<id>", () => {
  it("starts a run with typed params, returns 201 with its id and URL, and reports it to its end", async () => {
    const started = await answer(
      post("deploy", JSON.stringify({ params: { target: "prod", replicas: "3" } })),
    );
    expect(started.status).toBe(201);
    const id = String(started.body.id);
    expect(started.body).toEqual({ id, url: `${BASE}/runs/${id}`, status: "queued" });

    const queued = await answer(get(id));
    expect(queued.status).toBe(200);
    expect(queued.body).toMatchObject({ id, plan: "deploy", status: "queued", trigger: "api" });
    expect(queued.body.params).toEqual({ target: "prod", replicas: 3 });

    const worker = taskloom.createWorker({ pollMs: 20 });
    await worker.start();
    expect(await taskloom.waitForRun(id)).toBe("succeeded");
    await worker.stop();
    const done = await answer(get(id));
    expect(done.body.status).toBe("succeeded");
    expect(done.body.tasks).toEqual([
      { key: "build", status: "succeeded", attempts: 1, exitCode: 0, error: null },
      { key: "ship", status: "succeeded", attempts: 1, exitCode: 0, error: null },
    ]);
  });

  it("takes an empty body as a run with the plan's defaults", async () => {
    const started = await answer(post("deploy", undefined, { "content-type": "" }));
    expect(started.status).toBe(201);
    expect((await answer(get(String(started.body.id)))).body.params).toEqual({});
  });

  it("refuses bad requests with a 4xx and a clear JSON message, and starts nothing", async () => {
    const before = (await taskloom.queries.listRuns({ planSlug: "deploy", limit: 100 })).length;
    const cases: [Promise<Response>, number, RegExp][] = [
      [post("nope", "{}"), 404, /plan not found: nope/],
      [post("deploy", JSON.stringify({ params: { colour: "red" } })), 400, /unknown param `colour`/],
      [post("deploy", JSON.stringify({ params: { replicas: "many" } })), 400, /expects a number/],
      [post("deploy", "{ not json"), 400, /not valid JSON/],
      [post("deploy", "[1, 2]"), 400, /invalid body/],
      [post("deploy", JSON.stringify({ params: {}, extra: 1 })), 400, /invalid body: .*extra/],
      [
        post("deploy", JSON.stringify({ params: { target: { deep: 1 } } })),
        400,
        /invalid body: params\.target/,
      ],
      [post("deploy", "target=prod", { "content-type": "application/x-www-form-urlencoded" }), 415, /JSON/],
      [post("deploy", `{"params":{"target":"${"x".repeat(1_100_000)}"}}`), 413, /over/],
      [post("deploy", "{}", { "content-length": String(2 ** 31) }), 413, /over/],
      [post("deploy", "{}", { authorization: "Bearer wrong" }), 401, /unauthorized/],
      [post("deploy", "{}", { "sec-fetch-site": "cross-site" }), 403, /cross-site/],
      [get("run_unknown"), 404, /run not found: run_unknown/],
      [get("anything", {}), 401, /unauthorized/],
    ];
    for (const [response, status, message] of cases) {
      const { status: got, body } = await answer(response);
      expect([got, body.error]).toEqual([status, expect.stringMatching(message)]);
    }
    expect(await taskloom.queries.listRuns({ planSlug: "deploy", limit: 100 })).toHaveLength(before);
  });
});
