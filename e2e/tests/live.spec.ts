import fs from "node:fs";
import path from "node:path";
import { e2eDir, e2ePath, runFileWithCli, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";

test("a run started from the CLI appears on the open Runs and Plans pages, and finishes there, without a reload", async ({
  page,
  context,
}) => {
  const slug = uniqueSlug("from-cli");
  const gate = e2ePath(`${slug}.go`);
  const file = path.join(e2eDir, `${slug}.yaml`);
  fs.writeFileSync(
    file,
    `plan: ${slug}\nname: Started from the CLI\ntasks:\n  wait: { run: "while [ ! -f '${gate}' ]; do sleep 0.1; done", timeout: 30s }\n`,
  );
  await page.goto("/runs");
  const plans = await context.newPage();
  await plans.goto("/plans");
  await expect(plans.getByTestId("plan-row-etl-demo")).toBeVisible();

  const cli = runFileWithCli(file);
  // The row names the plan by its name once the plans list has it, by its slug until then.
  const row = page.locator('[data-testid^="run-row-"]', {
    hasText: new RegExp(`${slug}|Started from the CLI`),
  });
  await expect(row).toBeVisible();
  await expect(row.locator("[data-status]").first()).toHaveAttribute("data-status", "running");
  await expect(plans.getByTestId(`plan-row-${slug}`)).toBeVisible();
  fs.writeFileSync(gate, "");
  const finished = await cli;
  expect(finished.status).toBe("succeeded");
  await expect(page.getByTestId(`run-row-${finished.id}`).locator("[data-status]").first()).toHaveAttribute(
    "data-status",
    "succeeded",
  );
  await expect(
    plans.getByTestId(`plan-row-${slug}`).getByRole("link", { name: /Last run.*succeeded/ }),
  ).toBeVisible();
});

test("an unknown URL gets a 404 page inside the app shell, with its navigation", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.getByRole("navigation").getByRole("link", { name: "Runs" }).click();
  await expect(page).toHaveURL(/\/runs$/);
});

test("a search that matches nothing names the search, not a time range that is not set", async ({ page }) => {
  await page.goto("/runs?q=no-such-output-anywhere");
  await expect(page.getByText("No run matches these filters")).toBeVisible();
  await expect(page.getByText("No task key or output contains “no-such-output-anywhere”.")).toBeVisible();
  await expect(page.getByText(/wider time range/)).toHaveCount(0);
});
