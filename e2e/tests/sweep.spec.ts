import { importPlan, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import { expectStatus, openPlan, runFromEditor, runStatus, taskNode } from "./support/ui.ts";

test("a matrix sweep runs a point per combination; its node counts them and the results grid sorts and charts them", async ({
  page,
}) => {
  const slug = uniqueSlug("sweep");
  // loss = lr × 10 + 1 / batch: the lowest is lr 0.001 with batch 32.
  await importPlan(`plan: ${slug}
name: Sweep grid
tasks:
  train:
    run: >-
      awk -v lr="$TASKLOOM_PARAM_LR" -v batch={{params.batch}}
      'BEGIN { printf "{\\"loss\\": %.5f, \\"batch\\": %d}\\n", lr * 10 + 1 / batch, batch }'
    output: json
    sweep:
      matrix: { lr: [0.1, 0.01, 0.001], batch: [16, 32] }
      maxParallel: 3
  report:
    run: echo '{{tasks.train.outputs}}' | grep -o loss | wc -l
    requires: [train]
`);
  await openPlan(page, slug);
  await runFromEditor(page);
  await expectStatus(page, "train", "succeeded");
  await expectStatus(page, "report", "succeeded");
  await expect(runStatus(page)).toHaveText("Succeeded");
  await expect(page.getByTestId("sweep-progress-train")).toHaveText("6/6 done");

  await taskNode(page, "report").click();
  await expect(page.getByTestId("task-output")).toHaveText("6");

  await taskNode(page, "train").click();
  await expect(page.getByTestId("sweep-summary")).toHaveText("6/6 points succeeded · needs all");
  const rows = page.getByTestId("sweep-row");
  await expect(rows).toHaveCount(6);
  // Point order: the matrix with its last list varying fastest.
  await expect(page.getByTestId("sweep-param-lr")).toHaveText([
    "0.1",
    "0.1",
    "0.01",
    "0.01",
    "0.001",
    "0.001",
  ]);
  await expect(page.getByTestId("sweep-param-batch")).toHaveText(["16", "32", "16", "32", "16", "32"]);

  // One field of the output, sorted by it: the best point first, then the worst first.
  await page.getByTestId("sweep-field").selectOption("loss");
  await page.getByTestId("sweep-sort-output").click();
  await expect(rows.first().getByTestId("sweep-param-lr")).toHaveText("0.001");
  await expect(rows.first().getByTestId("sweep-param-batch")).toHaveText("32");
  await expect(rows.first().getByTestId("sweep-output")).toHaveText("0.04125");
  await page.getByTestId("sweep-sort-output").click();
  await expect(rows.first().getByTestId("sweep-output")).toHaveText("1.0625");

  // The chart: one dot per point, loss against lr (the first param), then against batch.
  const chart = page.getByTestId("sweep-chart");
  await expect(chart).toHaveAttribute("aria-label", "loss against lr");
  await expect(chart.getByTestId("sweep-chart-point")).toHaveCount(6);
  await page.getByTestId("sweep-chart-param").selectOption("batch");
  await expect(chart).toHaveAttribute("aria-label", "loss against batch");
});
