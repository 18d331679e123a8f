import { importPlan, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import { dragLink, openPlan, taskNode, waitForStableNodes } from "./support/ui.ts";

test("a 5,000-task plan opens, shows its first nodes, is laid out, and is drawn whole when fitted", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  const slug = uniqueSlug("huge");
  const width = 70;
  const tasks = Array.from(
    { length: 5_000 },
    (_, i) => `  t${i}: { kind: noop${i >= width ? `, requires: [t${i - width}]` : ""} }`,
  ).join("\n");
  await importPlan(`plan: ${slug}\nname: Five thousand\ntasks:\n${tasks}\n`);
  await openPlan(page, slug);
  await expect(taskNode(page, "t0")).toBeVisible({ timeout: 30_000 });
  // Laid out (off the main thread) and saved: the status goes away, and the first layer is one column.
  await expect(page.getByRole("status").filter({ hasText: "Laying out" })).toHaveCount(0, {
    timeout: 60_000,
  });
  await waitForStableNodes(page, ["t0", "t1"]);
  const [first, second] = await Promise.all([
    taskNode(page, "t0").boundingBox(),
    taskNode(page, "t1").boundingBox(),
  ]);
  expect(first?.x).toBe(second?.x);
  // Only what is in view is in the DOM.
  expect(await page.locator(".react-flow__node").count()).toBeLessThan(200);
  await expect(page.getByTestId("canvas-minimap")).toBeVisible();

  // Fit: 5,000 nodes in view are drawn on one canvas, not as DOM nodes.
  await page.getByRole("button", { name: "Fit view" }).click();
  await expect(page.getByTestId("graph-overview")).toBeVisible();
  await expect(page.locator(".react-flow__node")).toHaveCount(0);
  // Zooming back in brings the nodes back.
  const canvas = await page.getByTestId("plan-canvas").boundingBox();
  if (!canvas) throw new Error("no canvas");
  await page.mouse.move(canvas.x + 100, canvas.y + 100);
  for (let step = 0; step < 12; step++) await page.mouse.wheel(0, -400);
  await expect(page.getByTestId("graph-overview")).toHaveCount(0);
  await expect(page.locator(".react-flow__node").first()).toBeVisible();
});

test("a task with tasks under it is one group node that expands and collapses on click", async ({ page }) => {
  const slug = uniqueSlug("groups");
  await importPlan(`plan: ${slug}
name: Groups
tasks:
  fetch: { kind: noop }
  build: { kind: noop, requires: [fetch] }
  compile: { kind: noop, parent: build }
  bundle: { kind: noop, parent: build, requires: [compile] }
  ship: { kind: noop, requires: [bundle] }
`);
  await openPlan(page, slug);
  const group = taskNode(page, "build");
  await expect(group).toHaveAttribute("data-group", "collapsed");
  await expect(taskNode(page, "compile")).toHaveCount(0);
  await expect(taskNode(page, "bundle")).toHaveCount(0);
  // bundle → ship is drawn from the group while bundle is inside it.
  await expect(page.getByTestId("edge-build->ship")).toBeAttached();

  await page.getByRole("button", { name: "Expand build (2 tasks under it)" }).click();
  await expect(group).toHaveAttribute("data-group", "expanded");
  await expect(taskNode(page, "compile")).toBeVisible();
  await expect(taskNode(page, "bundle")).toBeVisible();
  await expect(page.getByTestId("edge-bundle->ship")).toBeAttached();
  await expect(page.getByTestId("edge-build->ship")).toHaveCount(0);

  await page.getByRole("button", { name: "Collapse build (2 tasks under it)" }).click();
  await expect(taskNode(page, "compile")).toHaveCount(0);
  await expect(group).toHaveAttribute("data-group", "collapsed");
});

test("adding a link offers a re-layout, which leaves the task placed by hand where it was", async ({
  page,
}) => {
  const slug = uniqueSlug("relayout");
  await importPlan(`plan: ${slug}
name: Re-layout
tasks:
  extract: { kind: noop }
  load: { kind: noop }
  notify: { kind: noop }
`);
  await openPlan(page, slug);
  await waitForStableNodes(page, ["extract", "load", "notify"]);
  // Place notify by hand: drag it down and to the right by its body.
  const before = await taskNode(page, "notify").boundingBox();
  if (!before) throw new Error("notify is not on screen");
  await page.mouse.move(before.x + 60, before.y + before.height / 2);
  await page.mouse.down();
  await page.mouse.move(before.x + 160, before.y + before.height / 2 + 140, { steps: 10 });
  await page.mouse.up();
  await waitForStableNodes(page, ["notify"]);
  const placed = await taskNode(page, "notify").boundingBox();

  await dragLink(page, "extract", "load");
  const offer = page.getByTestId("relayout-offer");
  await expect(offer).toContainText("The task you placed by hand stays put.");
  await offer.getByRole("button", { name: "Re-lay out" }).click();
  await expect(offer).toHaveCount(0);
  await waitForStableNodes(page, ["extract", "load", "notify"]);
  const [extract, load, notify] = await Promise.all(
    ["extract", "load", "notify"].map((key) => taskNode(page, key).boundingBox()),
  );
  if (!extract || !load || !notify || !placed) throw new Error("nodes are not on screen");
  // load now follows extract, to its right; notify has not moved.
  expect(load.x).toBeGreaterThan(extract.x + extract.width);
  expect(notify).toEqual(placed);
});
