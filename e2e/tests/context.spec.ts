import fs from "node:fs";
import { e2ePath, importPlan, runFileWithCli, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import { openPlan, taskNode, waitForStableNodes } from "./support/ui.ts";

function planWithContext(slug: string): string {
  return `plan: ${slug}
name: Context in the loop
index: "Prices are in euros."
documents:
  spec: { title: Pricing spec, text: "Team costs 49 euros per seat per month." }
  old-spec: { title: Old spec, text: "Team cost 30 euros per seat. Superseded." }
notes: { audience: CFO, deadline: Friday }
tasks:
  facts: { kind: noop, result: "Competitor A charges 55 euros per seat." }
  scratch: { name: Scratch pad, kind: noop, result: "onboarding notes" }
  brief:
    kind: llm
    prompt: "Write a brief on the Team price against Competitor A."
    requires: [facts]
    context: { budget: 1000 }
`;
}

test("the seeded research brief shows its context: plan-file pins first, within its budget", async ({
  page,
}) => {
  await openPlan(page, "research-brief");
  await taskNode(page, "summarize").click();
  await page.getByRole("tab", { name: "Context" }).click();
  const panel = page.getByTestId("context-panel");
  await expect(panel.getByTestId("budget-used")).toContainText("/ 1,500 tokens");
  const pinnedSpec = panel.locator('section[data-tier="pinned"] li[data-ref="doc:spec"]');
  await expect(pinnedSpec.getByTestId("item-reason")).toContainText("pinned in the plan file");
  await expect(panel.locator('li[data-ref="doc:old-spec"]').getByTestId("item-decision")).toHaveText(
    "excluded",
  );
});

test("steer an llm task's context: pin, exclude, add from search, approve, then see a document edit make it stale", async ({
  page,
}) => {
  const slug = uniqueSlug("context");
  // One run first, so that the tasks have outputs the bundle and the search draw on.
  const file = e2ePath(`${slug}.yaml`);
  fs.writeFileSync(file, planWithContext(slug));
  expect((await runFileWithCli(file)).status).toBe("succeeded");
  await openPlan(page, slug);
  // A new plan is laid out on its first open: a click while its nodes move can land on the pane instead.
  await waitForStableNodes(page, ["facts", "brief"]);

  // A non-llm task says where context applies.
  await taskNode(page, "facts").click();
  await page.getByRole("tab", { name: "Context" }).click();
  await expect(page.getByTestId("context-not-llm")).toContainText("Context applies to llm tasks");

  await taskNode(page, "brief").click();
  const panel = page.getByTestId("context-panel");
  const used = panel.getByTestId("budget-used");
  await expect(used).toContainText("/ 1,000 tokens");
  const row = (ref: string) => panel.locator(`li[data-ref="${ref}"]`);
  const pinned = (ref: string) => panel.locator(`section[data-tier="pinned"] li[data-ref="${ref}"]`);

  // Pin a document: it moves to the Pinned tier, included, with the reason.
  await panel.getByRole("button", { name: "Pin doc:old-spec" }).click();
  await expect(pinned("doc:old-spec").getByTestId("item-reason")).toHaveText("pinned");
  await expect(pinned("doc:old-spec").getByTestId("item-decision")).toHaveText("included");
  await expect(pinned("doc:old-spec").getByTestId("item-tokens")).not.toHaveText("0 tok");

  // Exclude a note: it stays listed, excluded, taking no tokens, and the meter goes down.
  await expect(row("note:audience").getByTestId("item-decision")).toHaveText("included");
  const usedBefore = await used.textContent();
  await row("note:audience").getByRole("button", { name: "Exclude note:audience" }).click();
  await expect(row("note:audience").getByTestId("item-decision")).toHaveText("excluded");
  await expect(row("note:audience").getByTestId("item-reason")).toContainText("excluded by user");
  await expect(row("note:audience").getByTestId("item-tokens")).toContainText(/^0 /);
  await expect(used).not.toHaveText(usedBefore ?? "");
  await expect(row("note:audience").getByRole("button", { name: "Unpin note:audience" })).toHaveText(
    "Include again",
  );

  // Add any item from the search box: the scratch task, found by a word of its output.
  await panel.getByLabel("Add an item").fill("onboarding");
  const results = panel.getByTestId("context-search-results");
  await expect(results.locator("li[data-ref]")).toHaveCount(1);
  await expect(results.locator('li[data-ref="task:scratch"]')).toContainText("onboarding notes");
  await results.getByRole("button", { name: "Add task:scratch" }).click();
  await expect(results).toHaveCount(0);
  await expect(pinned("task:scratch").getByTestId("item-reason")).toHaveText("pinned");
  await expect(pinned("task:scratch").getByTestId("item-decision")).toHaveText("included");

  // Approve: the bundle is locked at its hash.
  await panel.getByRole("button", { name: "Approve" }).click();
  await expect(panel.getByTestId("approval-state")).toContainText("Approved");
  await expect(panel.getByTestId("approved-hash")).toHaveText(/^[0-9a-f]{12}$/);
  const approvedHash = await panel.getByTestId("approved-hash").textContent();

  // Edit a document on the plan page: the context shows the new text, and the approval is stale.
  await page.getByRole("tab", { name: "Docs" }).click();
  await page.getByRole("button", { name: "Edit document old-spec" }).click();
  const form = page.getByRole("form", { name: "Document old-spec" });
  await form.getByLabel("Text").fill("Team cost 35 euros per seat until March.");
  await form.getByRole("button", { name: "Save document" }).click();
  await expect(page.locator('li[data-document="old-spec"]')).toBeVisible();

  await page.getByRole("tab", { name: "Context" }).click();
  await expect(panel.getByTestId("approval-stale")).toContainText("Inputs changed since approval");
  await expect(panel.getByTestId("approval-stale")).toContainText(approvedHash ?? "");
  await expect(panel.getByTestId("approval-changes")).toContainText("doc:old-spec");
  await pinned("doc:old-spec").getByRole("button", { name: "Show the text of doc:old-spec" }).click();
  await expect(pinned("doc:old-spec").locator("pre")).toContainText("35 euros per seat until March");

  // Approving again locks the new bundle.
  await panel.getByRole("button", { name: "Approve again" }).click();
  await expect(panel.getByTestId("approval-state")).toContainText("Approved");
  await expect(panel.getByTestId("approved-hash")).not.toHaveText(approvedHash ?? "");
});

test("documents and notes editors: add a document and a note, the context sees them, remove them", async ({
  page,
}) => {
  const slug = uniqueSlug("docs");
  await importPlan(planWithContext(slug));
  await openPlan(page, slug);
  await waitForStableNodes(page, ["brief"]);
  await page.getByRole("tab", { name: "Docs" }).click();

  await page.getByRole("button", { name: "Add document" }).click();
  const form = page.getByRole("form", { name: "New document" });
  await form.getByLabel("Key").fill("faq");
  await form.getByLabel("Title").fill("FAQ");
  await form.getByLabel("Text").fill("Non-profits get 30 percent off.");
  await form.getByRole("button", { name: "Add document" }).click();
  await expect(page.locator('li[data-document="faq"]')).toContainText("FAQ");
  await expect(page.getByText("v2", { exact: true }).first()).toBeVisible();

  await page.getByLabel("New note key").fill("owner");
  await page.getByLabel("New note value").fill("Dana");
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(page.getByLabel("Value of note owner")).toHaveValue("Dana");

  await taskNode(page, "brief").click();
  await page.getByRole("tab", { name: "Context" }).click();
  const panel = page.getByTestId("context-panel");
  await expect(panel.locator('li[data-ref="note:owner"]')).toBeVisible();
  await panel.getByLabel("Add an item").fill("non-profits");
  await expect(panel.getByTestId("context-search-results").locator('li[data-ref="doc:faq"]')).toBeVisible();

  await page.getByRole("tab", { name: "Docs" }).click();
  await page.getByRole("button", { name: "Remove document faq" }).click();
  await expect(page.locator('li[data-document="faq"]')).toHaveCount(0);
  await page.getByRole("button", { name: "Remove note owner" }).click();
  await expect(page.getByLabel("Value of note owner")).toHaveCount(0);
  await page.getByRole("tab", { name: "Context" }).click();
  await expect(panel.locator('li[data-ref="note:owner"]')).toHaveCount(0);
});
