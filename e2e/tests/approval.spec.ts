import { importPlan, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import { expectStatus, openPlan, runFromEditor, runStatus, taskNode } from "./support/ui.ts";

test("an approval with a form: it waits in the inbox, the form checks the values, and approving passes them downstream", async ({
  page,
}) => {
  const slug = uniqueSlug("approval");
  await importPlan(`plan: ${slug}
name: Release with approval
tasks:
  build: { run: echo built }
  gate:
    kind: approval
    prompt: Ship this build?
    description: Check the **changelog** first.
    requires: [build]
    form:
      properties:
        env: { type: string, enum: [staging, prod], title: Environment }
        replicas: { type: integer, minimum: 1, maximum: 9, default: 2 }
        notify: { type: boolean, title: Notify the team }
      required: [env]
  deploy:
    run: "echo 'deployed {{tasks.gate.output}}'"
    requires: [gate]
`);
  await openPlan(page, slug);
  await runFromEditor(page);
  const runUrl = page.url();
  await expectStatus(page, "build", "succeeded");
  // The monitor shows the waiting approval distinctly: its own status on the node and a banner over the canvas.
  await expectStatus(page, "gate", "waiting");
  await expect(page.getByTestId("waiting-approvals")).toContainText("gate");
  await expect(runStatus(page)).toHaveText("Running");

  // The inbox lists it across runs and links to the run with the task open.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Approvals" }).click();
  await expect(page.getByRole("heading", { name: "Approvals" })).toBeVisible();
  const row = page.getByTestId("approval-row").filter({ hasText: "Release with approval" });
  await expect(row).toContainText("Ship this build?");
  await row.getByRole("link", { name: "gate" }).click();
  await expect(page).toHaveURL(/\/runs\/[^/]+\?task=gate$/);

  const panel = page.getByTestId("approval-panel");
  await expect(panel).toContainText("Ship this build?");
  await expect(panel.getByText("changelog")).toBeVisible();
  // Generated from the schema: a select for the enum (required, marked), a number input with its default,
  // a checkbox for the boolean.
  const env = panel.getByLabel("Environment");
  await expect(env.locator("option")).toHaveText(["Choose…", "staging", "prod"]);
  await expect(panel.getByText("*")).toHaveCount(1);
  const replicas = panel.getByLabel("replicas");
  await expect(replicas).toHaveValue("2");

  // Client-side checks, with the server's messages, before anything is sent.
  await replicas.fill("12");
  await panel.getByRole("button", { name: "Approve" }).click();
  await expect(panel).toContainText("is required");
  await expect(panel).toContainText("must be at most 9");
  await expect(taskNode(page, "gate")).toHaveAttribute("data-status", "waiting");

  await env.selectOption("prod");
  await replicas.fill("3");
  await panel.getByLabel("Notify the team").check();
  await panel.getByLabel("Comment").fill("changelog checked");
  await panel.getByRole("button", { name: "Approve" }).click();

  await expectStatus(page, "gate", "succeeded");
  await expectStatus(page, "deploy", "succeeded");
  await expect(runStatus(page)).toHaveText("Succeeded");
  await expect(page.getByTestId("waiting-approvals")).toHaveCount(0);
  await taskNode(page, "deploy").click();
  await expect(page.getByTestId("task-output")).toHaveText(
    'deployed {"env":"prod","replicas":3,"notify":true}',
  );
  await expect(page.getByTestId("audit-trail")).toContainText("dashboard approved gate");
  await expect(page.getByTestId("audit-trail")).toContainText("“changelog checked”");

  // Nothing waits any more.
  await page.goto("/approvals");
  await expect(page.getByTestId("approval-row").filter({ hasText: "Release with approval" })).toHaveCount(0);
  expect(runUrl).toContain("/runs/");
});
