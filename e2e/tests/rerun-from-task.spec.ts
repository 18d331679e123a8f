import { importPlan, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import { expectStatus, openPlan, runFromEditor, runStatus, taskNode } from "./support/ui.ts";

test("rerun from a task: a new run reuses the upstream output, marked with its source, and runs the task and its downstream", async ({
  page,
}) => {
  const slug = uniqueSlug("rerun-from");
  await importPlan(`plan: ${slug}
name: Rerun from a task
tasks:
  extract: { run: echo extracted }
  transform: { run: 'echo "t({{tasks.extract.output}})"', requires: [extract] }
  load: { run: 'echo "l({{tasks.transform.output}})"', requires: [transform] }
`);
  await openPlan(page, slug);
  await runFromEditor(page);
  const sourceUrl = page.url();
  const sourceId = sourceUrl.split("/runs/")[1] ?? "";
  for (const key of ["extract", "transform", "load"]) await expectStatus(page, key, "succeeded");

  // The menu asks for confirmation (with an optional reason), then opens the new run.
  await taskNode(page, "transform").click();
  await page.getByTestId("task-action-rerun").click();
  await page.getByTestId("task-action-reason").fill("new mapping");
  await page.getByTestId("task-action-confirm").click();
  await expect(page).not.toHaveURL(sourceUrl);
  for (const key of ["extract", "transform", "load"]) await expectStatus(page, key, "succeeded");
  await expect(runStatus(page)).toHaveText("Succeeded");

  await taskNode(page, "extract").click();
  await expect(page.getByTestId("output-source")).toHaveText(`Reused from ${sourceId}`);
  await expect(page.getByTestId("attempt-1")).toHaveCount(0);
  await taskNode(page, "load").click();
  await expect(page.getByTestId("output-source")).toHaveCount(0);
  await expect(page.getByTestId("task-output")).toHaveText("l(t(extracted))");

  // Both runs' audit trails say who did it and why.
  await expect(page.getByTestId("audit-trail")).toContainText("dashboard reran run");
  await expect(page.getByTestId("audit-trail")).toContainText("from transform");
  await page.goto(sourceUrl);
  await expect(page.getByTestId("audit-trail")).toContainText("dashboard reran");
  await expect(page.getByTestId("audit-trail")).toContainText("“new mapping”");
});
