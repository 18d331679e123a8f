import fs from "node:fs";
import { importPlan, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import { expectStatus, openPlan, runFromEditor, taskNode } from "./support/ui.ts";

test("search a task's log with the matches highlighted, and download the whole log", async ({ page }) => {
  const slug = uniqueSlug("log-search");
  await importPlan(`plan: ${slug}
name: Log search
tasks:
  talk:
    run: |
      echo "alpha ok"
      echo "beta ERROR here" >&2
      sleep 0.2
      echo "gamma error too"
      echo "delta fine"
`);
  await openPlan(page, slug);
  await runFromEditor(page);
  await expectStatus(page, "talk", "succeeded");
  await taskNode(page, "talk").click();
  await expect(page.getByTestId("log-tail")).toContainText("delta fine");

  await page.getByRole("searchbox", { name: "Search the log of talk" }).fill("error");
  const results = page.getByTestId("log-search-results");
  await expect(results.getByRole("listitem")).toHaveCount(2);
  await expect(results).toContainText("beta ERROR here");
  await expect(results).toContainText("gamma error too");
  await expect(results).not.toContainText("alpha ok");
  await expect(results.locator("mark")).toHaveText(["ERROR", "error"]);

  await page.getByRole("searchbox", { name: "Search the log of talk" }).fill("");
  await expect(page.getByTestId("log-tail")).toContainText("alpha ok");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/-talk\.log$/);
  const text = fs.readFileSync(await download.path(), "utf8");
  for (const line of ["alpha ok", "beta ERROR here", "gamma error too", "delta fine"])
    expect(text).toContain(line);
});
