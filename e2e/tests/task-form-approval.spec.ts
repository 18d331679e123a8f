import { importPlan, taskloom, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import { openPlan, taskNode } from "./support/ui.ts";

test("the task form edits an approval's description, form and onTimeout, checked like the plan file", async ({
  page,
}) => {
  const slug = uniqueSlug("form-approval");
  await importPlan(`plan: ${slug}
tasks:
  gate:
    kind: approval
    prompt: Ship it?
    timeout: 1h
`);
  await openPlan(page, slug);
  await taskNode(page, "gate").click();
  const form = page.getByRole("form", { name: "Task gate" });
  await expect(form.getByLabel("Prompt")).toHaveValue("Ship it?");
  await expect(form.getByLabel("On timeout")).toHaveValue("reject");
  // An approval cannot be swept: the form does not offer it.
  await expect(form.getByLabel("Sweep", { exact: true })).toHaveCount(0);

  await form.getByLabel("Description").fill("Check the **release notes** first.");
  const formField = form.getByLabel("Form", { exact: true });
  await formField.fill(
    '{"properties": {"version": {"type": "string"}, "replicas": {"type": "integer", "minLength": 1}}}',
  );
  await formField.blur();
  // Core's rule, placed inside the form's JSON.
  await expect(form.getByText(/^properties\.replicas\.minLength: /)).toBeVisible();
  await formField.fill(
    '{"properties": {"version": {"type": "string"}, "replicas": {"type": "integer", "minimum": 1, "default": 2}}, "required": ["version"]}',
  );
  await form.getByLabel("On timeout").selectOption("approve");
  await form.getByRole("button", { name: "Save" }).click();
  // A timeout that approves fills the form with its defaults: `version` has none.
  await expect(form.getByText(/required field version needs a default/)).toBeVisible();
  await formField.fill(
    '{"properties": {"version": {"type": "string", "default": "1.0"}, "replicas": {"type": "integer", "minimum": 1, "default": 2}}, "required": ["version"]}',
  );
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("v2", { exact: true }).first()).toBeVisible();

  const exported = JSON.parse(await taskloom("plan", "export", slug, "--format", "json")) as {
    tasks: Record<string, Record<string, unknown>>;
  };
  expect(exported.tasks.gate).toMatchObject({
    kind: "approval",
    prompt: "Ship it?",
    description: "Check the **release notes** first.",
    timeout: "1h",
    onTimeout: "approve",
    form: {
      properties: {
        version: { type: "string", default: "1.0" },
        replicas: { type: "integer", minimum: 1, default: 2 },
      },
      required: ["version"],
    },
  });

  // Opened again, the form shows what was saved.
  await page.reload();
  await taskNode(page, "gate").click();
  await expect(page.getByRole("form", { name: "Task gate" }).getByLabel("Description")).toHaveValue(
    "Check the **release notes** first.",
  );
});
