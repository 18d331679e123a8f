import path from "node:path";
import { startFakeOpenAIServer } from "@taskloom/llm/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CliSandbox, REPO } from "./cli-harness.ts";

const EXAMPLE = path.join(REPO, "examples/research-brief.yaml");
const PLAN = ["--plan", "research-brief"];
const DRY_RUN_LABEL = "[dry-run: no LLM provider configured; this is the compiled prompt]";

interface Preview {
  task: string;
  plan: string;
  hash: string;
  budget: number;
  usedTokens: number;
  items: { ref: string; tier: string; tokens: number; decision: string; reason: string; text: string }[];
  prompt: string;
}

let sandbox: CliSandbox;
let firstRun: string;

async function preview(): Promise<Preview> {
  const result = await sandbox.run(["context", "summarize", ...PLAN, "--json"]);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Preview;
}

async function runExample(): Promise<{ id: string }> {
  const result = await sandbox.run(["run", EXAMPLE, "--json"]);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toContain("note: LLM tasks ran in dry-run mode");
  return { id: (JSON.parse(result.stdout) as { run: { id: string } }).run.id };
}

beforeAll(async () => {
  sandbox = new CliSandbox();
  firstRun = (await runExample()).id;
});
afterAll(() => sandbox.cleanup());

describe("taskloom context and snapshots (research-brief example, dry-run provider)", () => {
  it("runs the example offline; the llm outputs are the labelled compiled prompts", async () => {
    const show = await sandbox.run(["runs", "show", firstRun, "--json"]);
    expect(show.code).toBe(0);
    const detail = JSON.parse(show.stdout) as {
      tasks: {
        key: string;
        output: string | null;
        attemptHistory: { llm?: Record<string, unknown> }[];
      }[];
    };
    const summarize = detail.tasks.find((t) => t.key === "summarize");
    expect(summarize?.output?.startsWith(DRY_RUN_LABEL)).toBe(true);
    expect(summarize?.output).toContain("Competitor A charges 55 euros");
    expect(summarize?.attemptHistory[0]?.llm).toMatchObject({ model: "dry-run", completionTokens: 0 });
    expect(summarize?.attemptHistory[0]?.llm?.snapshotHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("context --json prints exactly one document of the documented shape, within budget", async () => {
    const doc = await preview();
    expect(doc).toMatchObject({ task: "summarize", plan: "research-brief", budget: 1500 });
    expect(doc.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.usedTokens).toBeLessThanOrEqual(doc.budget);
    expect(doc.items.find((i) => i.ref === "index")).toMatchObject({ tier: "index", decision: "full" });
    expect(doc.items.find((i) => i.ref === "doc:spec")).toMatchObject({ tier: "pinned", reason: "pinned" });
    expect(doc.items.find((i) => i.ref === "doc:old-spec")).toMatchObject({ decision: "excluded" });
    expect(doc.prompt).toContain("# Task: summarize");
    for (const item of doc.items.filter((i) => i.decision !== "dropped" && i.decision !== "excluded")) {
      expect(doc.prompt).toContain(item.text);
    }
  });

  it("pin and exclude change the preview; unpin and clear undo them", async () => {
    const before = await preview();
    expect((await sandbox.run(["context", "pin", "summarize", "task:scratch", ...PLAN])).stdout).toBe(
      "summarize: task:scratch pinned\n",
    );
    expect((await sandbox.run(["context", "exclude", "summarize", "doc:glossary", ...PLAN])).code).toBe(0);
    const after = await preview();
    expect(after.hash).not.toBe(before.hash);
    expect(after.items.find((i) => i.ref === "task:scratch")?.tier).toBe("pinned");
    expect(after.items.find((i) => i.ref === "doc:glossary")).toMatchObject({
      decision: "excluded",
      reason: "excluded by user",
    });
    expect((await sandbox.run(["context", "unpin", "summarize", "doc:glossary", ...PLAN])).code).toBe(0);
    expect((await sandbox.run(["context", "clear", "summarize", ...PLAN])).code).toBe(0);
    expect((await preview()).hash).toBe(before.hash);
  });

  it("exits 2 with one clear line on a bad ref, an unknown task or plan", async () => {
    const cases: [string[], RegExp][] = [
      [["context", "pin", "summarize", "doc:nope", ...PLAN], /plan research-brief has no document nope/],
      [["context", "pin", "summarize", "spec", ...PLAN], /invalid context item ref "spec"/],
      [["context", "nope", ...PLAN, "--json"], /task not found: research-brief\/nope/],
      [["context", "summarize", "--plan", "nope"], /plan not found: nope/],
      [["context", "raw-notes", ...PLAN], /only llm tasks have a context/],
    ];
    for (const [args, message] of cases) {
      const result = await sandbox.run(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stdout).toBe("");
    }
  });

  it("snapshots diff shows what the task saw differently between two runs", async () => {
    const second = (await runExample()).id;
    expect((await sandbox.run(["context", "pin", "summarize", "note:deadline", ...PLAN])).code).toBe(0);
    expect((await sandbox.run(["context", "exclude", "summarize", "task:interviews", ...PLAN])).code).toBe(0);
    const third = (await runExample()).id;
    const same = await sandbox.run(["snapshots", "diff", firstRun, second, "--task", "summarize", "--json"]);
    expect(same.code).toBe(0);
    const diff = await sandbox.run(["snapshots", "diff", second, third, "--task", "summarize", "--json"]);
    expect(diff.code).toBe(0);
    const parsed = JSON.parse(diff.stdout) as {
      identical: boolean;
      removed: { ref: string }[];
      changed: { ref: string; changes: string[] }[];
    };
    expect(parsed.identical).toBe(false);
    expect(parsed.removed.map((i) => i.ref)).toContain("task:interviews");
    expect(parsed.changed.find((i) => i.ref === "note:deadline")?.changes).toContain("tier");
    const text = await sandbox.run(["snapshots", "diff", second, third, "--task", "summarize"]);
    expect(text.stdout).toMatch(/^snapshot [0-9a-f]{12} → [0-9a-f]{12}: /);
    expect(text.stdout).toContain("- task:interviews");
    const missing = await sandbox.run(["snapshots", "diff", second, third, "--task", "raw-notes"]);
    expect(missing.code).toBe(2);
  });

  it("snapshots show prints an attempt's snapshot; replay queues a run that sends exactly it again", async () => {
    const source = (await runExample()).id;
    const shown = await sandbox.run(["snapshots", "show", source, "--task", "summarize", "--json"]);
    expect(shown.code).toBe(0);
    const view = JSON.parse(shown.stdout) as {
      attempt: number;
      dryRun: boolean;
      snapshot: { hash: string; items: { ref: string }[]; messages: { role: string }[] };
    };
    expect(view).toMatchObject({ attempt: 1, dryRun: true });
    expect(view.snapshot.items.map((item) => item.ref)).toContain("task:collect");
    expect(view.snapshot.messages.map((m) => m.role)).toEqual(["system", "user"]);
    const text = await sandbox.run(["snapshots", "show", source.slice(0, 10), "--task", "summarize"]);
    expect(text.stdout).toContain(`snapshot ${view.snapshot.hash} (attempt 1, built for `);
    expect(text.stdout).toContain("— dry run");

    // The inputs change; the replay still sends the stored snapshot.
    expect((await sandbox.run(["context", "pin", "summarize", "doc:glossary", ...PLAN])).code).toBe(0);
    const replay = await sandbox.run(["snapshots", "replay", source, "--task", "summarize"]);
    expect(replay.code).toBe(0);
    const replayRun = replay.stdout.split("\n")[0] ?? "";
    expect(replay.stdout).toContain(`taskloom run --resume ${replayRun}`);
    expect((await sandbox.run(["run", "--resume", replayRun, "--json"])).code).toBe(0);
    const replayed = JSON.parse(
      (await sandbox.run(["snapshots", "show", replayRun, "--task", "summarize", "--json"])).stdout,
    ) as { snapshot: { hash: string }; replayOf: unknown };
    expect(replayed.snapshot.hash).toBe(view.snapshot.hash);
    expect(replayed.replayOf).toMatchObject({ runId: source, attempt: 1 });

    const unknown = await sandbox.run(["snapshots", "show", source, "--task", "summarize", "--attempt", "9"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/context snapshot not found: .*attempt 9/);
  });
});

describe("taskloom run against an OpenAI-compatible server (TASKLOOM_LLM_* environment)", () => {
  it("sends the key, streams the answer into the log, and keeps the settings away from task processes", async () => {
    const server = await startFakeOpenAIServer();
    const own = new CliSandbox();
    try {
      server.reply({ type: "chat", chunks: ["Team ", "costs ", "42 euros."], model: "llama3.2" });
      const file = own.write(
        "ask.yaml",
        `plan: ask
tasks:
  probe:
    run: env | grep TASKLOOM_LLM || echo "no llm settings"
  answer:
    kind: llm
    prompt: "What does Team cost? {{tasks.probe.output}}"
    requires: [probe]
`,
      );
      const env = {
        TASKLOOM_LLM_BASE_URL: server.baseURL,
        TASKLOOM_LLM_API_KEY: "secret-key-123",
        TASKLOOM_LLM_MODEL: "llama3.2",
      };
      const result = await own.run(["run", file, "--json"], env);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).not.toContain("dry-run");
      const runId = (JSON.parse(result.stdout) as { run: { id: string } }).run.id;
      const chat = server.requests.find((r) => r.path.endsWith("/chat/completions"));
      expect(chat?.headers.authorization).toBe("Bearer secret-key-123");
      expect(chat?.body?.model).toBe("llama3.2");
      expect(JSON.stringify(chat?.body?.messages)).toContain("no llm settings");
      const logs = await own.run(["logs", runId, "answer"]);
      expect(logs.stdout).toBe("Team costs 42 euros.");
      expect(logs.stderr).toMatch(/asking llama3\.2 via openai-compatible/);
    } finally {
      own.cleanup();
      await server.close();
    }
  });
});
