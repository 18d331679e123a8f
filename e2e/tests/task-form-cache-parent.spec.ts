import { importPlan, taskloom, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import { openPlan, taskNode } from "./support/ui.ts";

test("the task form edits a task's output cache and its parent, checked like the plan file", async ({
  page,
}) => {
  const slug = uniqueSlug("form-cache");
  await importPlan(`plan: ${slug}
params: { day: mon }
tasks:
  group: { kind: noop }
  report:
    run: echo report {{params.day}}
    cache: { key: "report:{{params.day}}", ttl: 1d }
`);
  await openPlan(page, slug);
  await taskNode(page, "report").click();
  const form = page.getByRole("form", { name: "Task report" });
  await expect(form.getByLabel("Cache key")).toHaveValue("report:{{params.day}}");
  await expect(form.getByLabel("Cache TTL")).toHaveValue("1d");
  await expect(form.getByLabel("Parent")).toHaveValue("");

  // The plan-file rules, as it is typed: a TTL that is not a duration, a key naming an undeclared param.
  await form.getByLabel("Cache TTL").fill("soon");
  await form.getByLabel("Cache key").click();
  // (Messages show their `quoted` names as code: the text reads without the backticks.)
  await expect(form.getByText(/invalid duration soon/)).toBeVisible();
  await form.getByLabel("Cache TTL").fill("2d");
  await form.getByLabel("Cache key").fill("report:{{params.week}}");
  await form.getByLabel("Cache TTL").click();
  await expect(form.getByText(/refers to param week,/)).toBeVisible();
  await form.getByLabel("Cache key").fill("report:{{params.day}}:v2");

  await form.getByLabel("Parent").selectOption("group");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("v2", { exact: true }).first()).toBeVisible();
  const exported = JSON.parse(await taskloom("plan", "export", slug, "--format", "json")) as {
    tasks: Record<string, { parent?: string; cache?: unknown }>;
  };
  expect(exported.tasks.report).toMatchObject({
    parent: "group",
    cache: { key: "report:{{params.day}}:v2", ttl: "2d" },
  });
});
