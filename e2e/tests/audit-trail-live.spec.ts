import fs from "node:fs";
import { e2ePath, importPlan, taskloom, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import { expectSameDocument, expectStatus, markDocument, openPlan, runFromEditor } from "./support/ui.ts";

test("an operator action taken from the CLI appears in the open run's audit trail, live", async ({
  page,
}) => {
  const slug = uniqueSlug("audit-live");
  const gate = e2ePath(`${slug}.go`);
  await importPlan(`plan: ${slug}
tasks:
  hold: { run: "while [ ! -f '${gate}' ]; do sleep 0.2; done; echo held" }
  later: { run: echo later, requires: [hold] }
  after: { run: echo after, requires: [later] }
`);
  await openPlan(page, slug);
  await markDocument(page);
  await runFromEditor(page);
  const runId = page.url().split("/runs/")[1] ?? "";
  await expectStatus(page, "hold", "running");
  // The run's event stream is connected: from here on the page learns only through it.
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  await expect(page.getByTestId("audit-trail")).toHaveCount(0);

  await taskloom("task", "skip", runId, "later", "--reason", "not needed today");
  const trail = page.getByTestId("audit-trail");
  await expect(trail.getByTestId("audit-entry")).toHaveCount(1);
  await expect(trail).toContainText("skipped later");
  await expect(trail).toContainText("“not needed today”");
  await expect(trail).toContainText(/cli/);
  await expectStatus(page, "later", "skipped");

  fs.writeFileSync(gate, "");
  await expectStatus(page, "after", "succeeded");
  await expectSameDocument(page);
});
