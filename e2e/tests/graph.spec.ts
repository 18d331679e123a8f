import { importPlan, storedRequires, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import { dragLink, expectEdgeDrawn, openPlan, taskNode, waitForStableNodes } from "./support/ui.ts";

test("a link dropped on a node's body, not its handle, connects", async ({ page }) => {
  const slug = uniqueSlug("body-drop");
  await importPlan(`plan: ${slug}
name: Drop on the body
tasks:
  extract: { run: echo extract }
  publish: { run: echo publish }
`);
  await openPlan(page, slug);
  await dragLink(page, "extract", "publish", "body");
  await expectEdgeDrawn(page, "extract", "publish");
  await expect(page.getByTestId("link-error")).toHaveCount(0);
  await expect.poll(async () => (await storedRequires(slug)).publish).toEqual(["extract"]);
});

test("a big plan opens at a readable zoom with its start in view, and the minimap covers no node", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const slug = uniqueSlug("readable");
  const tasks = Array.from(
    { length: 40 },
    (_, i) => `  t${i}: { run: echo ${i}${i > 0 ? `, requires: [t${i - 1}]` : ""} }`,
  ).join("\n");
  await importPlan(`plan: ${slug}\nname: A long chain\ntasks:\n${tasks}\n`);
  await openPlan(page, slug);
  await waitForStableNodes(page, ["t0", "t1"]);
  const zoom = await page
    .locator(".react-flow__viewport")
    .evaluate((element) => new DOMMatrixReadOnly(getComputedStyle(element).transform).a);
  expect(zoom).toBeGreaterThanOrEqual(0.79);
  const canvas = await page.getByTestId("plan-canvas").boundingBox();
  const first = await taskNode(page, "t0").boundingBox();
  if (!canvas || !first) throw new Error("canvas or first task not on screen");
  // The start of the chain is in view.
  expect(first.x).toBeGreaterThanOrEqual(canvas.x);
  expect(first.x + first.width).toBeLessThanOrEqual(canvas.x + canvas.width);
  expect(first.y).toBeGreaterThanOrEqual(canvas.y);
  expect(first.y + first.height).toBeLessThanOrEqual(canvas.y + canvas.height);
  const minimap = await page.getByTestId("plan-canvas").locator(".react-flow__minimap").boundingBox();
  if (!minimap) throw new Error("a 40-task plan has a minimap");
  for (const node of await page.locator(".react-flow__node").all()) {
    const box = await node.boundingBox();
    if (!box) continue;
    const covered =
      box.x < minimap.x + minimap.width &&
      minimap.x < box.x + box.width &&
      box.y < minimap.y + minimap.height &&
      minimap.y < box.y + box.height;
    expect(covered, `the minimap covers ${await node.getAttribute("data-id")}`).toBe(false);
  }
});
