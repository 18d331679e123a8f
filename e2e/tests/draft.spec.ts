import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import path from "node:path";
import type { Page } from "@playwright/test";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "@taskloom/llm/testing";
import { e2eDir } from "./support/app.ts";
import { expect, test } from "./support/test.ts";

/**
 * "Draft plan from goal". The suite's server runs with the dry-run provider, so the dialog there explains
 * that a provider is needed; the drafting itself runs against a second `taskloom start` on its own
 * database, pointed at a fake OpenAI-compatible server that answers with a plan.
 */

const cliBin = path.resolve(import.meta.dirname, "../../apps/cli/bin/taskloom.js");
const proposal = JSON.stringify({
  plan: "competitor-brief",
  name: "Competitor brief",
  tasks: {
    "fetch-prices": { kind: "shell", name: "Fetch prices", run: "echo 'A: 50 euros'" },
    "write-brief": { kind: "llm", name: "Write brief", prompt: "Brief the CFO.", requires: ["fetch-prices"] },
  },
});

let fake: FakeOpenAIServer;
let server: ChildProcess;
let ownURL: string;

test.beforeAll(async () => {
  fake = await startFakeOpenAIServer({ defaultReply: { type: "chat", content: proposal } });
  const port = execFileSync(
    process.execPath,
    [
      "-e",
      "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
    ],
    { encoding: "utf8" },
  ).trim();
  ownURL = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [cliBin, "start", "--port", port, "--no-worker"], {
    cwd: e2eDir,
    env: {
      ...process.env,
      TASKLOOM_DATABASE_URL: `file:${path.join(e2eDir, "draft.db")}`,
      TASKLOOM_HOST: "127.0.0.1",
      TASKLOOM_LLM_BASE_URL: fake.baseURL,
      TASKLOOM_LLM_MODEL: "fake-model",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // `taskloom start` prints its URL once the dashboard answers.
  await new Promise<void>((resolve, reject) => {
    let output = "";
    server.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Taskloom is running at")) resolve();
    });
    server.on("exit", (code) => reject(new Error(`taskloom start exited with ${code}: ${output}`)));
  });
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.on("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  await fake?.close();
});

async function openDialog(page: Page, base: string) {
  await page.goto(`${base}/plans`);
  await page.getByRole("button", { name: "Draft plan from goal" }).first().click();
  return page.getByRole("dialog", { name: "Draft plan from goal" });
}

test("with the dry-run provider the dialog says a provider is needed", async ({ page, baseURL }) => {
  const dialog = await openDialog(page, baseURL ?? "");
  await expect(dialog.getByText("A model provider is needed")).toBeVisible();
  await expect(dialog.getByText(/TASKLOOM_LLM_BASE_URL/)).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Draft plan" })).toBeDisabled();
});

test("a goal becomes a dashed draft that can be edited, discarded, drafted again and approved", async ({
  page,
}) => {
  const dialog = await openDialog(page, ownURL);
  await dialog.getByLabel("Goal").fill("Brief the CFO on competitor pricing");
  await dialog.getByRole("button", { name: "Draft plan" }).click();

  await expect(dialog.getByTestId("draft-banner")).toContainText("Draft — not saved");
  const graph = dialog.getByTestId("draft-graph");
  await expect(graph.getByText("Fetch prices · shell")).toBeVisible();
  await expect(graph.getByText("Write brief · llm")).toBeVisible();
  expect(JSON.stringify(fake.requests.at(-1)?.body)).toContain("Brief the CFO on competitor pricing");

  await dialog.getByRole("button", { name: "Discard draft" }).click();
  await expect(dialog.getByTestId("draft-banner")).toHaveCount(0);
  await dialog.getByRole("button", { name: "Draft plan" }).click();

  // The person edits the draft: the graph follows the plan file.
  const file = dialog.getByLabel("Plan file (draft)");
  await file.fill((await file.inputValue()).replace("name: Write brief", "name: Write the CFO brief"));
  await expect(graph.getByText("Write the CFO brief · llm")).toBeVisible();

  await dialog.getByRole("button", { name: "Approve and create plan" }).click();
  await expect(page).toHaveURL(/\/plans\/competitor-brief$/);
  await expect(page.getByText("Write the CFO brief").first()).toBeVisible();
});
