import { importPlan, taskloom, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import { openPlan, taskNode } from "./support/ui.ts";

test("an edit made on a version the plan has left is refused with a reload, not saved over the other change", async ({
  page,
}) => {
  const slug = uniqueSlug("stale");
  const plan = (command: string) => `plan: ${slug}
tasks:
  a: { run: ${command} }
`;
  await importPlan(plan("echo one"));
  await openPlan(page, slug);
  await taskNode(page, "a").click();
  const form = page.getByRole("form", { name: "Task a" });
  await expect(form.getByLabel("Command")).toHaveValue("echo one");

  // The form holds an unsaved edit when someone else changes the task: the edit stays on screen.
  await form.getByLabel("Command").fill("echo from-the-form");
  await importPlan(plan("echo from-the-cli"));
  await expect(page.getByText("v2", { exact: true })).toBeVisible();
  await expect(form.getByLabel("Command")).toHaveValue("echo from-the-form");

  // Saving it would overwrite the other change: refused, and nothing is lost.
  await form.getByRole("button", { name: "Save" }).click();
  const banner = page.getByTestId("stale-edit");
  await expect(banner).toContainText("The plan changed since you opened it");
  await expect(banner).toContainText("v1, the plan is now at v2");
  expect(await taskloom("plan", "export", slug)).toContain("echo from-the-cli");

  await banner.getByRole("button", { name: "Reload" }).click();
  await taskNode(page, "a").click();
  const reloaded = page.getByRole("form", { name: "Task a" });
  await expect(reloaded.getByLabel("Command")).toHaveValue("echo from-the-cli");
  await expect(page.getByTestId("stale-edit")).toHaveCount(0);

  // A form without unsaved edits follows the plan as it changes.
  await importPlan(plan("echo third"));
  await expect(reloaded.getByLabel("Command")).toHaveValue("echo third");
  await reloaded.getByLabel("Command").fill("echo saved-from-the-form");
  await reloaded.getByRole("button", { name: "Save" }).click();
  await expect.poll(() => taskloom("plan", "export", slug)).toContain("echo saved-from-the-form");
  await expect(page.getByTestId("stale-edit")).toHaveCount(0);
});

test("the INDEX preview renders Markdown and neutralises links that would leave the site", async ({
  page,
}) => {
  const slug = uniqueSlug("index-links");
  await importPlan(`plan: ${slug}
index: |
  # Conventions

  See [the docs](https://example.com/docs) and [this plan](/plans/${slug}).

  [off-site](/\\evil.example) [protocol-relative](//evil.example) [script](javascript:alert(1))

  <script>document.title = "owned"</script>
tasks:
  a: { run: echo a }
`);
  await openPlan(page, slug);
  await page.getByRole("tab", { name: "INDEX" }).click();
  const preview = page.getByTestId("index-preview");
  await expect(preview.getByRole("heading", { name: "Conventions" })).toBeVisible();
  await expect(preview.getByRole("link", { name: "the docs" })).toHaveAttribute(
    "href",
    "https://example.com/docs",
  );
  await expect(preview.getByRole("link", { name: "this plan" })).toHaveAttribute("href", `/plans/${slug}`);
  for (const text of ["off-site", "protocol-relative", "script"]) {
    await expect(preview.getByText(text)).toBeVisible();
    await expect(preview.getByRole("link", { name: text })).toHaveCount(0);
  }
  await expect(preview.locator("script")).toHaveCount(0);
  expect(await page.title()).not.toBe("owned");
});
