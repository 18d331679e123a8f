import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, type Page, test } from "@playwright/test";
import { databaseUrl, e2eDir, importPlan } from "../tests/support/app.ts";
import {
  expectStatus,
  openPlan,
  runFromEditor,
  runStatus,
  taskNode,
  waitForStableNodes,
} from "../tests/support/ui.ts";

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, "../..");
const out = (name: string) => path.join(repo, "docs/screenshots", `${name}.png`);

/** Waits for what moves (layout, fit, toasts) to settle, then writes the page at 1280×800. */
async function shoot(page: Page, name: string): Promise<void> {
  await expect(page.getByTestId("toast")).toHaveCount(0, { timeout: 15_000 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: out(name) });
}

test("the main pages at 1280×800", async ({ page }) => {
  // A few runs of the demo plan for the lists, from the CLI on the same database.
  const etl = path.join(repo, "examples/etl.yaml");
  for (let i = 0; i < 2; i++) {
    await run(
      process.execPath,
      [path.join(repo, "apps/cli/bin/taskloom.js"), "--db", databaseUrl, "run", etl],
      {
        cwd: e2eDir,
      },
    );
  }
  await page.goto("/plans");
  await expect(page.getByTestId("plan-row-etl-demo")).toBeVisible();
  await shoot(page, "plans");

  await openPlan(page, "etl-demo");
  await waitForStableNodes(page, ["prepare", "generate"]);
  await taskNode(page, "aggregate").click();
  await shoot(page, "plan-editor");

  // The demo plan has params: Run asks for them first.
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Start run" }).click();
  await expect(page).toHaveURL(/\/runs\/[^/]+$/);
  await expect(runStatus(page)).toHaveText("Succeeded", { timeout: 60_000 });
  await taskNode(page, "generate").click();
  await expect(page.getByTestId("task-output")).toBeVisible();
  await shoot(page, "run-monitor");

  // A failed task whose fix was saved: the retry control offers the plan's current definition.
  await importPlan(
    "plan: shot-fix\nname: Fix and retry\ntasks:\n  check: { run: exit 3 }\n  publish: { run: echo ok, requires: [check] }\n",
  );
  await openPlan(page, "shot-fix");
  await runFromEditor(page);
  await expectStatus(page, "check", "failed");
  const runUrl = page.url();
  await importPlan(
    "plan: shot-fix\nname: Fix and retry\ntasks:\n  check: { run: echo fixed }\n  publish: { run: echo ok, requires: [check] }\n",
  );
  await page.goto(runUrl);
  await taskNode(page, "check").click();
  await expect(page.getByTestId("plan-changed")).toBeVisible();
  await shoot(page, "retry-with-fix");

  await page.goto("/plans/etl-demo/history");
  await expect(page.getByTestId("run-grid")).toBeVisible();
  await shoot(page, "plan-history");

  await page.goto("/runs");
  await expect(page.locator('[data-testid^="run-row-"]').first()).toBeVisible();
  await shoot(page, "runs");
});
