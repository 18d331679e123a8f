import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DRY_RUN_LABEL } from "@taskloom/llm";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "@taskloom/llm/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Taskloom, type TaskloomOptions } from "../src/index.ts";

let dir: string;
let server: FakeOpenAIServer;
const open: Taskloom[] = [];

async function engine(options: TaskloomOptions = {}): Promise<Taskloom> {
  const taskloom = await Taskloom.open({
    databaseUrl: `file:${path.join(dir, "t.db")}`,
    cwd: dir,
    pollMs: 50,
    ...options,
  });
  open.push(taskloom);
  return taskloom;
}

const withServer = (): TaskloomOptions => ({ llm: { baseUrl: server.baseURL, model: "gpt-4o-mini" } });

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-llm-"));
  fs.mkdirSync(path.join(dir, "docs"));
  fs.writeFileSync(path.join(dir, "docs", "spec.md"), "# Spec\nThe launch price is 42 euros per seat.\n");
  server = await startFakeOpenAIServer();
});
afterEach(async () => {
  for (const taskloom of open.splice(0)) await taskloom.close();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function writePlan(extra = ""): string {
  const file = path.join(dir, "brief.yaml");
  fs.writeFileSync(
    file,
    `plan: brief
index: "Research brief for the pricing launch."
params: { topic: pricing }
documents:
  spec: { title: Product spec, path: docs/spec.md }
  old-spec: { title: Old spec, text: "The launch price was 30 euros." }
notes: { audience: "CFO, non-technical" }
tasks:
  collect:
    run: echo "Competitor A charges 50 euros. Competitor B charges 45 euros."
  scratch:
    run: echo "scratch notes nobody needs"
  summarize:
    kind: llm
    prompt: "Write a brief on {{params.topic}} for the audience."
    requires: [collect]
${extra}`,
  );
  return file;
}

async function logText(taskloom: Taskloom, runId: string, taskKey: string, stream?: string): Promise<string> {
  const page = await taskloom.queries.readLogs({ runId, taskKey, limit: 5000 });
  return page.chunks
    .filter((chunk) => stream === undefined || chunk.stream === stream)
    .map((chunk) => chunk.text)
    .join("");
}

describe("kind: llm through the engine, on SQLite, against an OpenAI-compatible server", () => {
  it("streams the answer into the log and the output, records usage, model and snapshot", async () => {
    const taskloom = await engine(withServer());
    await taskloom.importPlanFile(writePlan());
    server.reply({
      type: "chat",
      chunks: ["The ", "brief ", "[task:collect]."],
      usage: { promptTokens: 321, completionTokens: 7 },
      model: "gpt-4o-mini-2024",
    });
    const { runId, status } = await taskloom.run("brief");
    expect(status).toBe("succeeded");
    const detail = await taskloom.queries.getRun(runId);
    const task = detail.tasks.find((t) => t.key === "summarize");
    expect(task?.outputText).toBe("The brief [task:collect].");
    expect(await logText(taskloom, runId, "summarize", "stdout")).toBe("The brief [task:collect].");
    const llm = task?.attemptHistory[0]?.llm;
    expect(llm).toMatchObject({ model: "gpt-4o-mini-2024", promptTokens: 321, completionTokens: 7 });
    expect(llm?.snapshotHash).toMatch(/^[0-9a-f]{64}$/);
    // The snapshot was stored, and it holds exactly the messages the server got.
    const body = await taskloom.context.snapshotBody(llm?.snapshotHash ?? "");
    const sent = server.requests.find((r) => r.path.endsWith("/chat/completions"))?.body;
    expect(body?.messages).toEqual(sent?.messages);
    expect(JSON.stringify(sent?.messages)).toContain("Competitor A charges 50 euros");
    expect(JSON.stringify(sent?.messages)).toContain("42 euros per seat");
  });

  it("gives identical inputs the identical snapshot hash across runs", async () => {
    const taskloom = await engine(withServer());
    await taskloom.importPlanFile(writePlan());
    // The first run has no earlier outputs of the tasks running beside it; from then on, every input is equal.
    await taskloom.run("brief");
    const first = await taskloom.run("brief");
    const second = await taskloom.run("brief");
    const hashes = await Promise.all(
      [first.runId, second.runId].map(async (runId) => {
        const detail = await taskloom.queries.getRun(runId);
        return detail.tasks.find((t) => t.key === "summarize")?.attemptHistory[0]?.llm?.snapshotHash;
      }),
    );
    expect(hashes[0]).toBeDefined();
    expect(hashes[0]).toBe(hashes[1]);
    const diff = await taskloom.context.diffRuns(first.runId, second.runId, "summarize");
    expect(diff.identical).toBe(true);
  });

  it("retries a 429 with Retry-After and succeeds", async () => {
    const taskloom = await engine(withServer());
    await taskloom.importPlanFile(writePlan());
    server.reply(
      { type: "error", status: 429, headers: { "retry-after": "0" } },
      { type: "chat", content: "ok" },
    );
    const { runId, status } = await taskloom.run("brief");
    expect(status).toBe("succeeded");
    const chats = server.requests.filter((r) => r.path.endsWith("/chat/completions"));
    expect(chats).toHaveLength(2);
    const detail = await taskloom.queries.getRun(runId);
    expect(detail.tasks.find((t) => t.key === "summarize")?.outputText).toBe("ok");
  });

  it("fails the attempt with a clear message on a provider error, and retries it per the task's policy", async () => {
    const taskloom = await engine(withServer());
    await taskloom.importPlanFile(writePlan("    retries: { max: 1, delay: 10ms }\n"));
    server.reply({ type: "error", status: 401 }, { type: "chat", content: "second try" });
    const { runId, status } = await taskloom.run("brief");
    expect(status).toBe("succeeded");
    const task = (await taskloom.queries.getRun(runId)).tasks.find((t) => t.key === "summarize");
    expect(task?.attemptHistory[0]?.error).toMatch(/^LLM request failed: .*401/);
    expect(task?.attemptHistory[1]?.status).toBe("succeeded");
  });

  it("cancels a hanging stream at the task's timeout: the server sees the connection close", async () => {
    const taskloom = await engine(withServer());
    await taskloom.importPlanFile(writePlan("    timeout: 300ms\n"));
    server.reply({ type: "chat", chunks: ["slow ", "answer"], chunkDelayMs: 60_000 });
    const { runId, status } = await taskloom.run("brief");
    expect(status).toBe("failed");
    const task = (await taskloom.queries.getRun(runId)).tasks.find((t) => t.key === "summarize");
    expect(task?.reason).toBe("timeout");
    const aborted = await server.waitForClientAbort();
    expect(aborted.clientAborted).toBe(true);
  });

  it("cancelling the run aborts a streaming answer: the attempt is cancelled, the server sees it", async () => {
    const taskloom = await engine(withServer());
    await taskloom.importPlanFile(writePlan());
    server.reply({ type: "chat", chunks: ["first ", "second ", "third"], chunkDelayMs: 400 });
    const cancel = new AbortController();
    const run = taskloom.run("brief", { signal: cancel.signal });
    const aborted = server.waitForClientAbort();
    // Cancel once the answer has started to arrive in the log.
    for (;;) {
      const runs = await taskloom.queries.listRuns({ planSlug: "brief" });
      const runId = runs[0]?.id;
      if (runId && (await logText(taskloom, runId, "summarize", "stdout")).startsWith("first")) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    cancel.abort();
    const { runId, status } = await run;
    expect(status).toBe("cancelled");
    expect((await aborted).clientAborted).toBe(true);
    const task = (await taskloom.queries.getRun(runId)).tasks.find((t) => t.key === "summarize");
    expect(task?.status).toBe("cancelled");
    expect(await logText(taskloom, runId, "summarize", "stdout")).not.toContain("third");
  });

  it("repairs a JSON answer once with the parse error", async () => {
    const taskloom = await engine(withServer());
    await taskloom.importPlanFile(writePlan("    output: json\n"));
    server.reply({ type: "chat", content: "Sure! {price: 42" }, { type: "chat", content: '{"price": 42}' });
    const { runId, status } = await taskloom.run("brief");
    expect(status).toBe("succeeded");
    const task = (await taskloom.queries.getRun(runId)).tasks.find((t) => t.key === "summarize");
    expect(task?.outputJson).toEqual({ price: 42 });
    const repair = server.requests.filter((r) => r.path.endsWith("/chat/completions"))[1]?.body;
    const last = ((repair?.messages ?? []) as { content: string }[]).at(-1)?.content ?? "";
    expect(last).toMatch(/not valid JSON \(output is not valid JSON: /);
    expect(await logText(taskloom, runId, "summarize", "system")).toContain(
      "asking once more for valid JSON",
    );
  });

  it("fails with output_parse when the repaired answer is still not JSON", async () => {
    const taskloom = await engine(withServer());
    await taskloom.importPlanFile(writePlan("    output: json\n"));
    server.reply({ type: "chat", content: "nope" }, { type: "chat", content: "still nope" });
    const { runId, status } = await taskloom.run("brief");
    expect(status).toBe("failed");
    const task = (await taskloom.queries.getRun(runId)).tasks.find((t) => t.key === "summarize");
    expect(task?.reason).toBe("output_parse");
    expect(task?.error).toMatch(/after one repair request/);
  });

  it("runs offline with the dry-run provider: the output is the labelled compiled prompt", async () => {
    const taskloom = await engine();
    expect(taskloom.llm.dryRun).toBe(true);
    await taskloom.importPlanFile(writePlan());
    const { runId, status } = await taskloom.run("brief");
    expect(status).toBe("succeeded");
    const task = (await taskloom.queries.getRun(runId)).tasks.find((t) => t.key === "summarize");
    expect(task?.outputText?.startsWith(DRY_RUN_LABEL)).toBe(true);
    expect(task?.outputText).toContain("# Task: summarize");
    expect(task?.outputText).toContain("Write a brief on pricing for the audience.");
    expect(task?.attemptHistory[0]?.llm).toMatchObject({ model: "dry-run", completionTokens: 0 });
    expect(await logText(taskloom, runId, "summarize", "system")).toMatch(
      /dry run: no LLM provider configured/,
    );
  });

  it("pins and excludes change the next bundle; unpin and clear undo them", async () => {
    const taskloom = await engine();
    await taskloom.importPlanFile(writePlan());
    await taskloom.run("brief");
    const before = await taskloom.context.previewDocument("brief", "summarize");
    const decision = (doc: typeof before, ref: string) => doc.items.find((i) => i.ref === ref);
    await taskloom.context.setOverride("brief", "summarize", "task:scratch", "pin");
    await taskloom.context.setOverride("brief", "summarize", "doc:old-spec", "exclude");
    const after = await taskloom.context.previewDocument("brief", "summarize");
    expect(after.hash).not.toBe(before.hash);
    expect(decision(after, "task:scratch")).toMatchObject({ tier: "pinned" });
    expect(decision(after, "doc:old-spec")).toMatchObject({
      decision: "excluded",
      reason: "excluded by user",
    });
    expect(after.prompt).not.toContain("30 euros");
    await taskloom.context.setOverride("brief", "summarize", "task:scratch", null);
    await taskloom.context.clear("brief", "summarize");
    expect((await taskloom.context.previewDocument("brief", "summarize")).hash).toBe(before.hash);
  });

  it("refuses refs that name nothing", async () => {
    const taskloom = await engine();
    await taskloom.importPlanFile(writePlan());
    await expect(taskloom.context.setOverride("brief", "summarize", "doc:nope", "pin")).rejects.toThrow(
      /plan brief has no document nope/,
    );
    await expect(taskloom.context.setOverride("brief", "summarize", "bogus", "pin")).rejects.toThrow(
      /invalid context item ref/,
    );
    await expect(taskloom.context.setOverride("brief", "collect", "doc:spec", "pin")).rejects.toThrow(
      /only llm tasks have a context/,
    );
  });

  it("uses an approved snapshot while its inputs hold, and reports it stale when they change", async () => {
    const taskloom = await engine();
    await taskloom.importPlanFile(writePlan());
    await taskloom.run("brief");
    const approved = await taskloom.context.approve("brief", "summarize");
    const fresh = await taskloom.run("brief");
    const detail = await taskloom.queries.getRun(fresh.runId);
    expect(detail.tasks.find((t) => t.key === "summarize")?.attemptHistory[0]?.llm?.snapshotHash).toBe(
      approved,
    );
    expect(await logText(taskloom, fresh.runId, "summarize", "system")).toContain(
      `using the approved context ${approved.slice(0, 12)}`,
    );

    fs.writeFileSync(path.join(dir, "docs", "spec.md"), "# Spec\nThe launch price is 44 euros per seat.\n");
    await taskloom.importPlanFile(writePlan());
    const stale = await taskloom.run("brief");
    const log = await logText(taskloom, stale.runId, "summarize", "system");
    expect(log).toMatch(
      /approval is stale: the inputs changed since context [0-9a-f]{12} was approved \(.*doc:spec/,
    );
    const used = (await taskloom.queries.getRun(stale.runId)).tasks.find((t) => t.key === "summarize");
    expect(used?.attemptHistory[0]?.llm?.snapshotHash).not.toBe(approved);
  });

  it("keeps outputs and the retrieval index between previews, and follows every change like a fresh engine", async () => {
    const taskloom = await engine();
    const counter = path.join(dir, "counter");
    fs.writeFileSync(counter, "0");
    // `collect` says something new each run: its output is what the preview must follow.
    await taskloom.importPlanSource(
      fs
        .readFileSync(writePlan(), "utf8")
        .replace(
          'run: echo "Competitor A charges 50 euros. Competitor B charges 45 euros."',
          `run: n=$(($(cat ${counter}) + 1)); echo $n > ${counter}; echo "Competitor A charges $((40 + n)) euros."`,
        )
        .replace("path: docs/spec.md", 'text: "The launch price is 42 euros per seat."'),
    );
    await taskloom.run("brief");
    const first = await taskloom.context.preview("brief", "summarize");
    expect(first.promptText).toContain("Competitor A charges 41 euros.");
    expect((await taskloom.context.preview("brief", "summarize")).bundle.hash).toBe(first.bundle.hash);

    await taskloom.run("brief");
    const second = await taskloom.context.preview("brief", "summarize");
    expect(second.promptText).toContain("Competitor A charges 42 euros.");
    expect(second.promptText).not.toContain("41 euros");

    const fresh = await engine();
    expect((await fresh.context.preview("brief", "summarize")).bundle.hash).toBe(second.bundle.hash);
  });

  it("retrieval is hybrid with an embeddings model; vectors are stored and reused by another engine", async () => {
    const options = { llm: { ...withServer().llm, embeddingsModel: "nomic-embed-text" } };
    const taskloom = await engine(options);
    await taskloom.importPlanFile(writePlan());
    const embeddingCalls = () => server.requests.filter((r) => r.path.endsWith("/embeddings"));
    // Counted before the run: its attempt may embed every text the preview needs, and then the preview
    // reuses them all.
    const before = embeddingCalls().length;
    await taskloom.run("brief");
    const preview = await taskloom.context.previewDocument("brief", "summarize");
    const hits = preview.items.filter((item) => item.tier === "retrieval");
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0]?.reason).toContain("(BM25 + embeddings)");
    expect(embeddingCalls().length).toBeGreaterThan(before);
    expect(embeddingCalls().at(-1)?.body?.model).toBe("nomic-embed-text");

    const calls = embeddingCalls().length;
    const other = await engine(options);
    const again = await other.context.previewDocument("brief", "summarize");
    expect(again.hash).toBe(preview.hash);
    expect(embeddingCalls()).toHaveLength(calls);

    const lexical = await (await engine()).context.previewDocument("brief", "summarize");
    expect(lexical.items.find((item) => item.tier === "retrieval")?.reason).toContain("(BM25)");
  });

  it("summarize: llm asks the model for a summary once; later bundles reuse it from the store", async () => {
    const taskloom = await engine(withServer());
    const file = path.join(dir, "long.yaml");
    fs.writeFileSync(
      file,
      `plan: long
tasks:
  collect:
    run: |
      for i in $(seq 1 300); do echo "Line $i of the survey, nothing about prices here."; done
  summarize:
    kind: llm
    prompt: "What is the price?"
    requires: [collect]
    context: { budget: 300, summarize: llm, include: { siblings: false, retrieval: false } }
`,
    );
    await taskloom.importPlanFile(file);
    server.reply(
      { type: "chat", content: "SUMMARY: the survey says nothing about prices." },
      { type: "chat", content: "No price." },
    );
    const first = await taskloom.run("long");
    expect(first.status).toBe("succeeded");
    const chats = () => server.requests.filter((r) => r.path.endsWith("/chat/completions"));
    expect(chats()).toHaveLength(2);
    expect(JSON.stringify(chats()[0]?.body?.messages)).toContain("Question: What is the price?");
    expect(JSON.stringify(chats()[1]?.body?.messages)).toContain(
      "SUMMARY: the survey says nothing about prices.",
    );
    server.reply({ type: "chat", content: "No price, again." });
    await taskloom.run("long");
    expect(chats()).toHaveLength(3);
    expect(chats()[2]?.body?.messages).toEqual(chats()[1]?.body?.messages);
  });

  it("imports notes without deleting the keys the file does not give", async () => {
    const taskloom = await engine();
    await taskloom.importPlanFile(writePlan());
    await taskloom.database.context.setNote("brief", "owner", "Dana", Date.now());
    await taskloom.importPlanFile(writePlan());
    expect(await taskloom.database.context.listNotes("brief")).toEqual([
      { key: "audience", value: "CFO, non-technical" },
      { key: "owner", value: "Dana" },
    ]);
  });
});
