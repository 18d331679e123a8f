import fs from "node:fs";
import { e2ePath, importPlan, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import {
  expectSameDocument,
  expectStatus,
  markDocument,
  openPlan,
  runAndOpenRunningTask,
  runFromEditor,
  runStatus,
  taskNode,
} from "./support/ui.ts";

test("run a plan and watch every node reach succeeded without a reload", async ({ page }) => {
  const slug = uniqueSlug("watch");
  const gate = e2ePath(`${slug}.go`);
  await importPlan(`plan: ${slug}
name: Watch it run
tasks:
  first:
    # Holds until the test has seen it running.
    run: while [ ! -f '${gate}' ]; do sleep 0.1; done; echo first
    timeout: 30s
  second: { run: echo second, requires: [first] }
  third: { run: echo third, requires: [second] }
`);
  await openPlan(page, slug);
  await markDocument(page);
  await runFromEditor(page);

  await expectStatus(page, "first", "running");
  await expect(taskNode(page, "second")).toHaveAttribute("data-status", "pending");
  await expect(runStatus(page)).toHaveText("Running");
  fs.writeFileSync(gate, "");

  for (const key of ["first", "second", "third"]) await expectStatus(page, key, "succeeded");
  await expect(runStatus(page)).toHaveText("Succeeded");
  await expect(page.getByTestId("run-progress")).toContainText("3 succeeded of 3");
  await expectSameDocument(page);
});

test("a running node's live logs show lines as they arrive", async ({ page }) => {
  const slug = uniqueSlug("logs");
  const gate = e2ePath(`${slug}.go`);
  await importPlan(`plan: ${slug}
name: Live logs
tasks:
  talk:
    run: |
      echo "hello from the first line"
      while [ ! -f '${gate}' ]; do sleep 0.1; done
      echo "and a second line after the gate"
    timeout: 30s
`);
  const tail = await runAndOpenRunningTask(page, slug, "talk");
  await expect(tail).toContainText("hello from the first line");
  await expect(tail).not.toContainText("and a second line");
  // Still running: the line above arrived live, not from a finished log.
  await expect(taskNode(page, "talk")).toHaveAttribute("data-status", "running");

  fs.writeFileSync(gate, "");
  await expect(tail).toContainText("and a second line after the gate");
  await expectStatus(page, "talk", "succeeded");
  await expectSameDocument(page);
});

test("a failing task shows failed and its dependent blocked; retried after the fix, the run succeeds", async ({
  page,
}) => {
  const slug = uniqueSlug("fix");
  const input = e2ePath(`${slug}.input`);
  await importPlan(`plan: ${slug}
name: Fail, fix, retry
tasks:
  check:
    run: test -f '${input}' || { echo "missing ${input}" >&2; exit 3; }
    retries: { max: 0 }
  publish: { run: echo published, requires: [check] }
`);
  await openPlan(page, slug);
  await runFromEditor(page);
  await expectStatus(page, "check", "failed");
  await expectStatus(page, "publish", "blocked");
  await expect(runStatus(page)).toHaveText("Failed");

  await taskNode(page, "check").click();
  const details = page.getByTestId("task-run-details");
  await expect(details).toContainText("exit code 3");
  await expect(page.getByTestId("log-tail")).toContainText(`missing ${input}`);

  // The fix: the file the command needs. Then retry the failed task from its panel.
  fs.writeFileSync(input, "now it exists\n");
  await details.getByRole("button", { name: "Retry check" }).click();

  await expectStatus(page, "check", "succeeded");
  await expectStatus(page, "publish", "succeeded");
  await expect(runStatus(page)).toHaveText("Succeeded");
});

test("cancel a long run", async ({ page }) => {
  const slug = uniqueSlug("cancel");
  await importPlan(`plan: ${slug}
name: A long wait
tasks:
  wait: { run: sleep 120, timeout: 5m }
  after: { run: echo never, requires: [wait] }
`);
  await openPlan(page, slug);
  await runFromEditor(page);
  await expectStatus(page, "wait", "running");

  const started = Date.now();
  await page.getByRole("button", { name: "Cancel run" }).click();
  const confirm = page.getByRole("dialog", { name: "Cancel this run?" });
  await confirm.getByRole("button", { name: "Cancel run" }).click();

  await expectStatus(page, "wait", "cancelled");
  await expect(runStatus(page)).toHaveText("Cancelled");
  await expect(taskNode(page, "after")).not.toHaveAttribute("data-status", /running|succeeded/);
  await expect(page.getByRole("button", { name: "Cancel run" })).toHaveCount(0);
  expect(Date.now() - started).toBeLessThan(20_000);
});
