import { importPlan, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import { expectStatus, openPlan, runFromEditor, runStatus, taskNode } from "./support/ui.ts";

test("fix a failing task's command in the side panel, retry it in the run: it runs the fix, then its dependents", async ({
  page,
}) => {
  const slug = uniqueSlug("retry-fix");
  await importPlan(`plan: ${slug}
name: Retry honours the fix
tasks:
  check:
    run: exit 3
    retries: { max: 0 }
  publish: { run: echo published, requires: [check] }
  announce: { run: echo announced, requires: [publish] }
`);
  await openPlan(page, slug);
  await runFromEditor(page);
  const runUrl = page.url();
  await expectStatus(page, "check", "failed");
  await expectStatus(page, "publish", "blocked");
  await expect(runStatus(page)).toHaveText("Failed");
  // Honest statuses: a blocked task is not shown as a failure, and the progress names each outcome.
  await expect(page.getByTestId("run-progress")).toContainText("1 failed · 2 blocked of 3");
  await taskNode(page, "publish").click();
  await expect(page.getByTestId("task-reason")).toContainText("Blocked");
  await expect(page.getByTestId("task-run-details")).not.toContainText("Failed");

  // The fix, in the editor's side panel: the plan goes to version 2.
  await openPlan(page, slug);
  await taskNode(page, "check").click();
  const form = page.getByRole("form", { name: "Task check" });
  await form.getByLabel("Command").fill("echo fixed");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("v2", { exact: true }).first()).toBeVisible();

  // Back in the run: the retry control says the plan changed, and retries with the fix by default.
  await page.goto(runUrl);
  await taskNode(page, "check").click();
  const details = page.getByTestId("task-run-details");
  await expect(details.getByTestId("plan-changed")).toContainText("Plan changed since this run: v1 → v2");
  await expect(details.getByTestId("plan-changed")).toContainText("echo fixed");
  await expect(details.getByRole("button", { name: "Retry the run's copy (v1)" })).toBeVisible();
  await details.getByRole("button", { name: "Retry with v2" }).click();

  for (const key of ["check", "publish", "announce"]) await expectStatus(page, key, "succeeded");
  await expect(runStatus(page)).toHaveText("Succeeded");
  await expect(page.getByTestId("run-progress")).toContainText("3 succeeded of 3");
  // The duration is the last attempt's, with the total of both beside it.
  await expect(details.getByTestId("task-duration")).toContainText("total");
  // Each attempt shows the definition it ran.
  await expect(details.getByTestId("attempt-1").getByTestId("attempt-definition")).toHaveText("v1 exit 3");
  await expect(details.getByTestId("attempt-2").getByTestId("attempt-definition")).toHaveText(
    "v2 echo fixed",
  );
  await expect(page.getByTestId("task-output")).toHaveText("fixed");
});
