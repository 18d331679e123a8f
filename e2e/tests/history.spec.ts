import fs from "node:fs";
import path from "node:path";
import { e2eDir, e2ePath, runFileWithCli, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";

test("the task × run grid shows each task's status per run, links to it, and the duration trend with its median", async ({
  page,
}) => {
  const slug = uniqueSlug("grid");
  const input = e2ePath(`${slug}.input`);
  const file = path.join(e2eDir, `${slug}.yaml`);
  fs.writeFileSync(
    file,
    `plan: ${slug}\nname: Grid view\ntasks:\n  check: { run: "test -f '${input}'", retries: { max: 0 } }\n  publish: { run: echo published, requires: [check] }\n`,
  );
  const { id: failed } = await runFileWithCli(file);
  fs.writeFileSync(input, "");
  const { id: succeeded } = await runFileWithCli(file);

  await page.goto(`/plans/${slug}`);
  await page.getByRole("link", { name: "History" }).click();
  await expect(page).toHaveURL(new RegExp(`/plans/${slug}/history$`));
  const grid = page.getByTestId("run-grid");
  await expect(grid.getByTestId(`grid-cell-check-${failed}`)).toHaveAttribute("data-status", "failed");
  await expect(grid.getByTestId(`grid-cell-publish-${failed}`)).toHaveAttribute("data-status", "blocked");
  await expect(grid.getByTestId(`grid-cell-check-${succeeded}`)).toHaveAttribute("data-status", "succeeded");
  await expect(grid.getByTestId(`grid-cell-publish-${succeeded}`)).toHaveAttribute(
    "data-status",
    "succeeded",
  );
  await expect(grid.getByTestId("trend-check").getByTestId("median")).toContainText("median");
  await expect(grid.getByTestId("trend-publish").getByTestId("median")).toContainText("median");

  await grid.getByTestId(`grid-cell-check-${failed}`).click();
  await expect(page).toHaveURL(new RegExp(`/runs/${failed}\\?task=check$`));
  await expect(page.getByTestId("task-run-details")).toContainText("check");
  await expect(page.getByTestId("task-run-details").getByTestId("retry-control")).toBeVisible();
});
