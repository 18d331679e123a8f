import { importPlan, storedRequires, taskloom, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import { dragLink, edge, expectEdgeDrawn, openPlan, taskNode } from "./support/ui.ts";

test("create a plan with three tasks through the UI", async ({ page }) => {
  const slug = uniqueSlug("made-in-ui");
  await page.goto("/plans");
  await page.getByRole("button", { name: "New plan" }).click();
  const dialog = page.getByRole("dialog", { name: "New plan" });
  await dialog.getByLabel("Name").fill("Made in the browser");
  await dialog.getByLabel("Slug").fill(slug);
  await dialog.getByRole("button", { name: "Create plan" }).click();
  await expect(page).toHaveURL(new RegExp(`/plans/${slug}$`));
  await expect(page.getByRole("heading", { name: "Made in the browser" })).toBeVisible();

  for (const key of ["fetch", "transform", "load"]) {
    await page.getByRole("button", { name: "Add task" }).first().click();
    const form = page.getByRole("form", { name: "New task" });
    await form.getByLabel("Key", { exact: true }).fill(key);
    await form.getByLabel("Command").fill(`echo ${key}`);
    await form.getByRole("button", { name: "Add task" }).click();
    await expect(taskNode(page, key), `the new task ${key} shows on the canvas`).toBeVisible();
    // Saved: the side panel now edits the stored task.
    await expect(page.getByRole("form", { name: `Task ${key}` })).toBeVisible();
  }
  await expect(page.getByText("3 tasks")).toBeVisible();

  // Stored, not just drawn: a reload shows the same three tasks, and so does the CLI.
  await page.reload();
  for (const key of ["fetch", "transform", "load"]) await expect(taskNode(page, key)).toBeVisible();
  const exported = await taskloom("plan", "export", slug);
  expect(exported).toContain("name: Made in the browser");
  expect(exported).toContain("echo transform");
});

test("drag a dependency between two nodes with the mouse; the edge stays after a reload", async ({
  page,
}) => {
  const slug = uniqueSlug("drag");
  await importPlan(`plan: ${slug}
name: Drag a link
tasks:
  extract: { run: echo extract }
  publish: { run: echo publish }
`);
  await openPlan(page, slug);
  await expect(taskNode(page, "publish")).toBeVisible();
  await expect(edge(page, "extract", "publish")).toHaveCount(0);

  await dragLink(page, "extract", "publish");
  await expectEdgeDrawn(page, "extract", "publish");
  await expect(page.getByTestId("link-error")).toHaveCount(0);

  // Saved as a `requires` link of the plan: it is there after a reload, and in the stored plan.
  await expect.poll(async () => (await storedRequires(slug)).publish).toEqual(["extract"]);
  await page.reload();
  await expect(taskNode(page, "publish")).toBeVisible();
  await expectEdgeDrawn(page, "extract", "publish");
});

test("a link that would close a cycle is refused, naming the cycle", async ({ page }) => {
  const slug = uniqueSlug("cycle");
  await importPlan(`plan: ${slug}
name: Almost a cycle
tasks:
  a: { run: echo a }
  b: { run: echo b, requires: [a] }
  c: { run: echo c, requires: [b] }
`);
  await openPlan(page, slug);
  await expectEdgeDrawn(page, "b", "c");

  // c -> a would make a require c: a → b → c → a.
  await dragLink(page, "c", "a");
  const refusal = page.getByTestId("link-error");
  await expect(refusal).toBeVisible();
  await expect(refusal).toContainText("cycle");
  // The cycle, named in order (starting from any of its tasks).
  await expect(refusal).toContainText(/a → b → c → a|b → c → a → b|c → a → b → c/);
  await expect(edge(page, "c", "a")).toHaveCount(0);
  // The banner is about that drop: the next action on the canvas clears it.
  await taskNode(page, "b").click();
  await expect(refusal).toHaveCount(0);

  await page.reload();
  await expectEdgeDrawn(page, "b", "c");
  await expect(edge(page, "c", "a")).toHaveCount(0);
  expect(await storedRequires(slug)).toEqual({ a: [], b: ["a"], c: ["b"] });
});
