import fs from "node:fs";
import { e2ePath, importPlan, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import {
  dragLink,
  expectStatus,
  openPlan,
  runFromEditor,
  taskNode,
  waitForStableNodes,
} from "./support/ui.ts";

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
  // 5,000 tasks to read and parse on a loaded machine: the page may take a while to show its canvas.
  await openPlan(page, slug, { timeout: 30_000 });
  const nodes = page.locator(".react-flow__node");
  await expect(nodes.first()).toBeVisible({ timeout: 30_000 });
  // Laid out (off the main thread) and saved: the status goes away and no two nodes in view overlap.
  await expect(page.getByRole("status").filter({ hasText: "Laying out" })).toHaveCount(0, {
    timeout: 60_000,
  });
  const visibleBoxes = async () =>
    (await Promise.all((await nodes.all()).map((node) => node.boundingBox()))).filter((box) => box !== null);
  // The laid-out positions arrive after the status goes; the nodes in view are drawn again from them.
  // (They used to stay where the unlaid-out grid had been, with no node in view: the fit after the layout read
  // React Flow's nodes before it had the new positions.)
  await expect.poll(async () => (await visibleBoxes()).length, { timeout: 30_000 }).toBeGreaterThan(10);
  const boxes = await visibleBoxes();
  for (const [index, a] of boxes.entries()) {
    for (const b of boxes.slice(index + 1)) {
      const overlap = Math.abs(a.x - b.x) < a.width && Math.abs(a.y - b.y) < a.height;
      expect(overlap, `two nodes at ${a.x},${a.y}`).toBe(false);
    }
  }
  // Only what is in view is in the DOM.
  expect(await nodes.count()).toBeLessThan(200);
  await expect(page.getByTestId("canvas-minimap")).toBeVisible();

  // Fit: 5,000 nodes in view are drawn on one canvas, not as DOM nodes.
  await page.getByRole("button", { name: "Fit view" }).click();
  await expect(page.getByTestId("graph-overview")).toBeVisible();
  await expect(page.locator(".react-flow__node")).toHaveCount(0);
  // Zooming back in brings the nodes back.
  const canvas = await page.getByTestId("plan-canvas").boundingBox();
  if (!canvas) throw new Error("no canvas");
  // Towards the middle of the canvas, where the fitted plan is.
  await page.mouse.move(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
  for (let step = 0; step < 6; step++) await page.mouse.wheel(0, -400);
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

test("the run details panel changes with the node's colour, from the same live run", async ({ page }) => {
  const slug = uniqueSlug("live-details");
  const gate = e2ePath(`${slug}.go`);
  await importPlan(`plan: ${slug}
name: Live details
tasks:
  wait: { run: "while [ ! -f '${gate}' ]; do sleep 0.1; done", timeout: 30s }
`);
  await openPlan(page, slug);
  await runFromEditor(page);
  await expectStatus(page, "wait", "running");
  await taskNode(page, "wait").click();
  const details = page.getByRole("complementary", { name: "Task details" });
  await expect(details.locator("[data-status]").first()).toHaveAttribute("data-status", "running");
  fs.writeFileSync(gate, "");
  await expectStatus(page, "wait", "succeeded");
  await expect(details.locator("[data-status]").first()).toHaveAttribute("data-status", "succeeded");
});
