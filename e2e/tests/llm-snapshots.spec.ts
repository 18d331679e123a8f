import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "@taskloom/llm/testing";
import { e2eDir, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import {
  expectSameDocument,
  expectStatus,
  openPlan,
  runAndOpenRunningTask,
  runFromEditor,
  runStatus,
  taskNode,
} from "./support/ui.ts";

/**
 * LLM tasks in the run monitor against a real OpenAI-compatible server (the fake one from `@taskloom/llm/testing`,
 * on loopback, streaming slowly). The suite's server runs LLM tasks on the dry-run provider, so this file starts
 * its own `taskloom start` on its own database with `TASKLOOM_LLM_BASE_URL` pointing at the fake server.
 */

const cliBin = path.resolve(import.meta.dirname, "../../apps/cli/bin/taskloom.js");
const exec = promisify(execFile);
/** The streamed answer: 24 words, one chunk each, 100 ms apart. */
const WORDS = Array.from({ length: 24 }, (_, i) => `word${String(i + 1).padStart(2, "0")}`);
/** Streams hold before this chunk until the test has seen the first ones in the browser. */
const HOLD_AT = 4;
let releaseStream: () => void = () => {};
const streamReleased = new Promise<void>((resolve) => {
  releaseStream = resolve;
});

let fake: FakeOpenAIServer;
let app: ChildProcess | null = null;
let appUrl = "";
let databaseUrl = "";
let appOutput = "";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await exec(process.execPath, [cliBin, "--db", databaseUrl, ...args], {
    cwd: e2eDir,
    timeout: 30_000,
  });
  return stdout;
}

test.beforeAll(async () => {
  fake = await startFakeOpenAIServer({
    defaultReply: () => ({
      type: "chat",
      chunks: WORDS.map((w) => `${w} `),
      chunkDelayMs: 100,
      beforeChunk: (index) => (index === HOLD_AT ? streamReleased : undefined),
    }),
  });
  const dir = fs.mkdtempSync(path.join(e2eDir, "llm-"));
  databaseUrl = `file:${path.join(dir, "llm.db")}`;
  const port = await freePort();
  appUrl = `http://127.0.0.1:${port}`;
  app = spawn(process.execPath, [cliBin, "start", "--port", String(port)], {
    cwd: dir,
    env: {
      ...process.env,
      TASKLOOM_DATABASE_URL: databaseUrl,
      TASKLOOM_HOST: "127.0.0.1",
      TASKLOOM_LLM_BASE_URL: fake.baseURL,
      TASKLOOM_LLM_API_KEY: "e2e",
      TASKLOOM_LLM_MODEL: "gpt-4o-mini",
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  app.stdout?.on("data", (chunk: Buffer) => (appOutput += chunk.toString()));
  app.stderr?.on("data", (chunk: Buffer) => (appOutput += chunk.toString()));
  await expect
    .poll(
      async () => {
        if (app?.exitCode !== null) throw new Error(`taskloom start exited:\n${appOutput}`);
        return fetch(`${appUrl}/api/health`).then(
          (response) => response.status,
          () => 0,
        );
      },
      { timeout: 60_000, message: "the LLM app answers /api/health" },
    )
    .toBe(200);
});

test.afterAll(async () => {
  if (app && app.exitCode === null) {
    const exited = new Promise((resolve) => app?.once("exit", resolve));
    app.kill("SIGTERM");
    await exited;
  }
  await fake?.close();
});

test("an LLM answer streams into the log tail; its snapshot opens; runs diff; a stale approval shows; a replay resends", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const context = await browser.newContext({ baseURL: appUrl });
  const page = await context.newPage();
  const slug = uniqueSlug("llm-snap");
  const facts = path.join(e2eDir, `${slug}-facts.txt`);
  fs.writeFileSync(facts, "Competitor A charges 55 euros per seat.\n");
  const planFile = path.join(e2eDir, `${slug}.yaml`);
  fs.writeFileSync(
    planFile,
    `plan: ${slug}
name: Streamed brief
index: "Pricing brief. Cite sources by task key."
tasks:
  collect:
    run: cat '${facts}'
  summarize:
    kind: llm
    prompt: "Compare our price with the competitors'."
    requires: [collect]
`,
  );
  await cli("plan", "import", planFile);

  // 1. The answer streams into the log tail while the task runs, without a reload.
  const tail = await runAndOpenRunningTask(page, slug, "summarize");
  // The first chunks arrive while the server holds the rest: they were streamed, not read from a finished log.
  await expect(tail).toContainText("word01 word02 word03 word04");
  await expect(tail).not.toContainText("word05");
  await expect(taskNode(page, "summarize")).toHaveAttribute("data-status", "running");
  releaseStream();
  await expect(tail).toContainText("word12");
  await expect(tail).toContainText("word24");
  await expectStatus(page, "summarize", "succeeded");
  await expect(runStatus(page)).toHaveText("Succeeded");
  await expect(page.getByTestId("task-output")).toContainText("word01 word02");
  await expect(page.getByTestId("dry-run-label")).toHaveCount(0);
  await expectSameDocument(page);

  // 2. The attempt's snapshot: the bundle as the model saw it, its hash, the prompt as sent.
  await page.getByTestId("llm-attempt-1").getByRole("button", { name: "Snapshot" }).click();
  const dialog = page.getByTestId("snapshot-dialog");
  await expect(dialog.getByTestId("snapshot-hash")).toHaveText(/^[0-9a-f]{64}$/);
  const firstHash = (await dialog.getByTestId("snapshot-hash").textContent()) ?? "";
  const collectItem = dialog.getByTestId("snapshot-item-task:collect");
  await expect(collectItem).toContainText("requires");
  await expect(collectItem).toContainText("full");
  await expect(dialog.getByTestId("snapshot-messages")).toContainText(
    "Competitor A charges 55 euros per seat.",
  );
  await expect(dialog.getByTestId("snapshot-messages")).toContainText(
    "Compare our price with the competitors'.",
  );
  // What the server got is what the dialog shows.
  const firstSent = fake.requests.at(-1)?.body?.messages;
  expect(JSON.stringify(firstSent)).toContain("Competitor A charges 55 euros per seat.");
  await page.keyboard.press("Escape");
  const firstRunUrl = page.url();

  // 3. The upstream output changes; run again and diff the two runs' snapshots of the task.
  fs.writeFileSync(facts, "Competitor A charges 55 euros per seat. Competitor B charges 39 euros, capped.\n");
  await openPlan(page, slug);
  await runFromEditor(page);
  expect(page.url()).not.toBe(firstRunUrl);
  await expectStatus(page, "summarize", "succeeded");
  await taskNode(page, "summarize").click();
  await page.getByTestId("llm-attempt-1").getByRole("button", { name: "Diff" }).click();
  const compare = page.getByTestId("snapshot-compare");
  // The run before this one is the default choice.
  await expect(compare.getByLabel("Compare with")).toHaveValue(/^run:/);
  const changed = compare.getByTestId("diff-changed-task:collect");
  await expect(changed).toContainText("text, source");
  await expect(changed).toContainText(/\+\d+/);
  await expect(compare.getByTestId("snapshot-diff-summary")).toContainText(/changed · \+\d+ tokens/);
  await expect(compare).toContainText(firstHash.slice(0, 12));
  await page.keyboard.press("Escape");

  // 4. An approved bundle whose input changed: the monitor says the approval was not used, and what changed.
  await cli("context", "approve", "summarize", "--plan", slug);
  fs.writeFileSync(facts, "Competitor A now charges 60 euros per seat.\n");
  await openPlan(page, slug);
  await runFromEditor(page);
  await expectStatus(page, "summarize", "succeeded");
  await taskNode(page, "summarize").click();
  const stale = page.getByTestId("approval-stale");
  await expect(stale).toContainText("changed");
  await expect(stale.getByTestId("diff-changed-task:collect")).toBeVisible();

  // 5. Replay the first run's attempt: the new run runs the task alone, sending exactly its stored messages
  // whatever the inputs are now, and the monitor shows its answer beside the original one.
  fake.reply({ type: "chat", content: "A replayed answer." });
  await page.goto(firstRunUrl);
  await taskNode(page, "summarize").click();
  await page.getByTestId("llm-attempt-1").getByRole("button", { name: "Snapshot" }).click();
  await page.getByRole("button", { name: "Replay with this snapshot" }).click();
  await expect(page).not.toHaveURL(firstRunUrl);
  await expect(page).toHaveURL(/\/runs\/[^/]+$/);
  await expectStatus(page, "summarize", "succeeded");
  await taskNode(page, "summarize").click();
  await expect(page.getByTestId("replay-of")).toContainText(firstRunUrl.split("/").at(-1) ?? "");
  await expect(page.getByTestId("replay-of")).toContainText("only this task ran again");
  await expect(page.getByTestId("replay-original-output")).toContainText("word01 word02");
  await expect(page.getByTestId("replay-output")).toHaveText("A replayed answer.");
  await expect(page.getByTestId("llm-attempt-1")).toContainText(firstHash.slice(0, 12));
  // Audited as a replay of the task, naming the run it replays (not as a rerun).
  await expect(page.getByTestId("audit-trail")).toContainText(
    `replayed summarize from run ${firstRunUrl.split("/").at(-1) ?? ""}`,
  );
  // The upstream was reused from the first run, not run again with today's facts.
  await expectStatus(page, "collect", "succeeded");
  expect(fake.requests.at(-1)?.body?.messages).toEqual(firstSent);
  await context.close();
});
