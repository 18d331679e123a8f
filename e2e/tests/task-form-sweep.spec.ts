import { importPlan, taskloom, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import { openPlan, taskNode } from "./support/ui.ts";

test("the task form edits a sweep (matrix, items, items from an upstream, maxParallel, need), checked like the plan file", async ({
  page,
}) => {
  const slug = uniqueSlug("form-sweep");
  await importPlan(`plan: ${slug}
tasks:
  list: { run: "echo '[1, 2]'", output: json }
  train:
    run: echo {{params.lr}} {{params.opt}}
    requires: [list]
    sweep:
      matrix: { lr: [0.1, 0.01], opt: [sgd, adam] }
      maxParallel: 2
`);
  await openPlan(page, slug);
  await taskNode(page, "train").click();
  const form = page.getByRole("form", { name: "Task train" });
  await expect(form.getByLabel("Sweep", { exact: true })).toHaveValue("matrix");
  await expect(form.getByLabel("Matrix lists name 1")).toHaveValue("lr");
  await expect(form.getByLabel("Matrix lists value 1")).toHaveValue("0.1, 0.01");
  await expect(form.getByLabel("Matrix lists value 2")).toHaveValue("sgd, adam");
  await expect(form.getByLabel("Max parallel")).toHaveValue("2");
  await expect(form.getByLabel("Dependents wait for")).toHaveValue("all");

  // The plan-file rules, as it is typed: an empty list, a limit below 1.
  await form.getByLabel("Matrix lists value 2").fill("");
  await expect(form.getByText("a matrix list needs at least one value")).toBeVisible();
  await form.getByLabel("Matrix lists value 2").fill('["sgd", "adam", "rmsprop"]');
  await expect(form.getByText("a matrix list needs at least one value")).toHaveCount(0);
  await form.getByLabel("Max parallel").fill("0");
  await form.getByLabel("Max parallel").blur();
  await expect(form.getByText("must be at least 1")).toBeVisible();
  await form.getByLabel("Max parallel").fill("3");
  await form.getByLabel("Dependents wait for").selectOption("any");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("v2", { exact: true }).first()).toBeVisible();
  const sweepOf = async () =>
    (
      JSON.parse(await taskloom("plan", "export", slug, "--format", "json")) as {
        tasks: Record<string, { sweep?: unknown }>;
      }
    ).tasks.train?.sweep;
  expect(await sweepOf()).toEqual({
    matrix: { lr: [0.1, 0.01], opt: ["sgd", "adam", "rmsprop"] },
    maxParallel: 3,
    need: "any",
  });

  // Items: a JSON list of params; then one point per element of the upstream's output.
  await form.getByLabel("Sweep", { exact: true }).selectOption("items");
  await form.getByLabel("Items", { exact: true }).fill('[{"lr": 0.5, "opt": "sgd"}');
  await form.getByLabel("Items", { exact: true }).blur();
  await expect(form.getByText("must be a JSON list of params")).toBeVisible();
  await form.getByLabel("Items", { exact: true }).fill('[{"lr": 0.5, "opt": "sgd"}]');
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("v3", { exact: true }).first()).toBeVisible();
  expect(await sweepOf()).toEqual({ items: [{ lr: 0.5, opt: "sgd" }], maxParallel: 3, need: "any" });

  await form.getByLabel("Sweep", { exact: true }).selectOption("itemsFrom");
  await form.getByLabel("Items from").selectOption("list");
  await form.getByLabel("Max parallel").fill("");
  await form.getByLabel("Dependents wait for").selectOption("all");
  // With items from an upstream, the params are not known before it runs: the templates are not checked.
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("v4", { exact: true }).first()).toBeVisible();
  expect(await sweepOf()).toEqual({ itemsFrom: "list" });

  await form.getByLabel("Sweep", { exact: true }).selectOption("none");
  await form.getByRole("button", { name: "Save" }).click();
  // Without a sweep, the command's {{params.lr}} is a param the plan does not declare.
  await expect(form.getByText(/refers to param lr,/)).toBeVisible();
});
