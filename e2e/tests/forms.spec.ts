import { importPlan, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import { openPlan, taskNode } from "./support/ui.ts";

test("clearing the last field of the advanced section keeps it open", async ({ page }) => {
  const slug = uniqueSlug("form-section");
  await importPlan(`plan: ${slug}\nname: Form section\ntasks:\n  job: { run: echo job, priority: 3 }\n`);
  await openPlan(page, slug);
  await taskNode(page, "job").click();
  const form = page.getByRole("form", { name: "Task job" });
  const priority = form.getByLabel("Priority");
  await expect(priority).toHaveValue("3");
  await priority.fill("");
  await form.getByLabel("Command").click();
  await expect(priority).toBeVisible();
  await expect(form.locator("details")).toHaveAttribute("open", "");
});

test("an issue shown when a field is left does not move the submit button", async ({ page }) => {
  const slug = uniqueSlug("form-blur");
  await importPlan(`plan: ${slug}\nname: Form blur\ntasks:\n  job: { run: echo job }\n`);
  await openPlan(page, slug);
  await page.getByRole("button", { name: "Add task" }).first().click();
  const form = page.getByRole("form", { name: "New task" });
  const submit = form.getByRole("button", { name: "Add task" });
  const before = await submit.boundingBox();
  await form.getByLabel("Key", { exact: true }).fill("job");
  await form.getByLabel("Name").click();
  await expect(form.getByText(/another task already has the key/)).toBeVisible();
  expect(await submit.boundingBox()).toEqual(before);
});
