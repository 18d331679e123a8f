import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import path from "node:path";
import type { Page } from "@playwright/test";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "@taskloom/llm/testing";
import { e2eDir } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import { taskNode } from "./support/ui.ts";

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

test("a goal becomes a dashed draft in the graph editor, edited with its tools, then approved or discarded", async ({
  page,
}) => {
  const dialog = await openDialog(page, ownURL);
  await dialog.getByLabel("Goal").fill("Brief the CFO on competitor pricing");
  await dialog.getByRole("button", { name: "Draft plan" }).click();

  // The proposal opens in the plan's graph editor, as a draft.
  await expect(page).toHaveURL(/\/plans\/competitor-brief$/);
  expect(JSON.stringify(fake.requests.at(-1)?.body)).toContain("Brief the CFO on competitor pricing");
  const banner = page.getByTestId("draft-banner");
  await expect(banner).toContainText("Draft from goal");
  await expect(banner).toContainText("Brief the CFO on competitor pricing");
  const canvas = page.getByTestId("plan-canvas");
  await expect(canvas).toHaveAttribute("data-draft", "true");
  await expect(taskNode(page, "fetch-prices")).toContainText("Fetch prices");
  await expect(taskNode(page, "write-brief")).toContainText("Write brief");
  // Distinctly styled: every node outlined in amber dashes, every link dashed in the same amber.
  const outline = await canvas
    .locator(".react-flow__node")
    .first()
    .evaluate((node) => ({
      style: getComputedStyle(node).outlineStyle,
      color: getComputedStyle(node).outlineColor,
    }));
  expect(outline.style).toBe("dashed");
  const link = await canvas
    .locator(".react-flow__edge-path")
    .first()
    .evaluate((path) => ({
      dash: getComputedStyle(path).strokeDasharray,
      color: getComputedStyle(path).stroke,
    }));
  expect(link.dash).not.toBe("none");
  expect(link.color).toBe(outline.color);
  // A draft does not run.
  await expect(page.getByRole("button", { name: "Run", exact: true })).toHaveCount(0);

  // Edited with the editor's ordinary tools: the task form.
  await taskNode(page, "write-brief").click();
  const form = page.getByRole("form", { name: "Task write-brief" });
  await form.getByLabel("Name").fill("Write the CFO brief");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(taskNode(page, "write-brief")).toContainText("Write the CFO brief");

  // Approve: an ordinary plan, as edited, that can run.
  await banner.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByTestId("draft-banner")).toHaveCount(0);
  await expect(canvas).not.toHaveAttribute("data-draft", "true");
  await expect(page.getByRole("button", { name: "Run", exact: true })).toBeVisible();
  await expect(taskNode(page, "write-brief")).toContainText("Write the CFO brief");

  // Drafting the same goal again: the slug is taken, so the draft gets its own; Discard deletes it.
  const again = await openDialog(page, ownURL);
  await again.getByLabel("Goal").fill("Brief the CFO on competitor pricing, again");
  await again.getByRole("button", { name: "Draft plan" }).click();
  await expect(page).toHaveURL(/\/plans\/competitor-brief-draft$/);
  await page.goto(`${ownURL}/plans`);
  await expect(page.getByTestId("plan-row-competitor-brief-draft").getByTestId("draft-badge")).toBeVisible();
  await expect(page.getByTestId("plan-row-competitor-brief").getByTestId("draft-badge")).toHaveCount(0);
  await page.getByTestId("plan-row-competitor-brief-draft").getByRole("link", { name: "Review" }).click();
  await page.getByTestId("draft-banner").getByRole("button", { name: "Discard" }).click();
  await expect(page).toHaveURL(/\/plans$/);
  await expect(page.getByTestId("plan-row-competitor-brief-draft")).toHaveCount(0);
  await expect(page.getByTestId("plan-row-competitor-brief")).toBeVisible();

  // Draft tasks from goal, into the approved plan: approving adds them to it.
  fake.reply({
    type: "chat",
    content: JSON.stringify({
      plan: "more",
      tasks: { "check-sources": { kind: "shell", name: "Check sources", run: "echo ok" } },
    }),
  });
  await page.goto(`${ownURL}/plans/competitor-brief`);
  await page.getByRole("button", { name: "Draft tasks from goal" }).click();
  const into = page.getByRole("dialog", { name: "Draft tasks from goal" });
  await into.getByLabel("Goal").fill("Check the sources first");
  await into.getByRole("button", { name: "Draft plan" }).click();
  await expect(page).toHaveURL(/\/plans\/competitor-brief-draft$/);
  await expect(page.getByTestId("draft-banner")).toContainText(
    "approving adds its tasks to competitor-brief",
  );
  await expect(taskNode(page, "check-sources")).toContainText("Check sources");
  await page.getByTestId("draft-banner").getByRole("button", { name: "Approve" }).click();
  await expect(page).toHaveURL(/\/plans\/competitor-brief$/);
  await expect(taskNode(page, "check-sources")).toContainText("Check sources");
  await expect(taskNode(page, "write-brief")).toContainText("Write the CFO brief");
  await expect(page.getByTestId("draft-banner")).toHaveCount(0);
});
