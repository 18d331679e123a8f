import type { Page } from "@playwright/test";
import { importPlan, taskloom, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import { dragLink, edge, expectEdgeDrawn, openPlan, taskNode, waitForStableNodes } from "./support/ui.ts";

/** The stroke a link is drawn with, as the browser computed it: what tells the kinds apart on screen. */
const strokeOf = (page: Page, from: string, to: string) =>
  edge(page, from, to).evaluate((path) => {
    const style = getComputedStyle(path);
    return `${style.stroke} ${style.strokeDasharray}`;
  });

/** The plan as the CLI exports it: the links are saved in the tasks' fields. */
const exported = (slug: string) => taskloom("plan", "export", slug);
/** Each poll starts the CLI, which takes seconds on a loaded machine. */
const SAVED = { timeout: 45_000 };

test("each link kind is drawn in its own style, with a legend", async ({ page }) => {
  test.setTimeout(120_000);
  const slug = uniqueSlug("link-kinds");
  await importPlan(`plan: ${slug}
name: Link kinds
tasks:
  collect: { kind: noop }
  clean: { kind: noop, requires: [collect] }
  notes: { kind: noop, refers: [collect] }
  copy: { kind: noop, duplicates: [clean] }
  brief: { kind: noop, relatesTo: [notes] }
`);
  await openPlan(page, slug);
  const drawn = [
    ["collect", "clean", "requires"],
    ["collect", "notes", "refers"],
    ["clean", "copy", "duplicates"],
    ["notes", "brief", "relates_to"],
  ] as const;
  for (const [from, to, kind] of drawn) {
    await expectEdgeDrawn(page, from, to);
    await expect(edge(page, from, to)).toHaveAttribute("data-kind", kind);
  }
  const strokes = await Promise.all(drawn.map(([from, to]) => strokeOf(page, from, to)));
  expect(new Set(strokes).size, strokes.join(" | ")).toBe(4);

  // The legend names every kind (in the editor it also chooses the kind of the next link).
  const legend = page.getByTestId("link-legend");
  for (const label of ["requires", "refers", "duplicates", "relates to"]) {
    await expect(legend.getByRole("button", { name: `New links: ${label}` })).toBeVisible();
  }
  await expect(legend.getByRole("button", { name: "New links: requires" })).toHaveAttribute(
    "aria-pressed",
    "true",
  );

  // The run monitor draws them the same way, with a read-only legend.
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page).toHaveURL(/\/runs\/[^/]+$/);
  await expectEdgeDrawn(page, "clean", "copy");
  await expect(edge(page, "notes", "brief")).toHaveAttribute("data-kind", "relates_to");
  await expect(page.getByTestId("link-legend").getByRole("list", { name: "Link kinds" })).toContainText(
    "duplicates",
  );
});

test("a link of a chosen kind is drawn, switched to another kind and deleted, and saved each time", async ({
  page,
}) => {
  // Three reloads and three CLI exports: minutes on a loaded machine.
  test.setTimeout(180_000);
  const slug = uniqueSlug("link-edit");
  await importPlan(`plan: ${slug}
name: Link editing
tasks:
  draft: { kind: noop }
  review: { kind: noop }
`);
  await openPlan(page, slug);
  await waitForStableNodes(page, ["draft", "review"]);

  // Choose the kind first, then drag: the new link is a `duplicates` link.
  await page.getByRole("button", { name: "New links: duplicates" }).click();
  await dragLink(page, "draft", "review");
  await expectEdgeDrawn(page, "draft", "review");
  await expect(edge(page, "draft", "review")).toHaveAttribute("data-kind", "duplicates");
  await expect.poll(() => exported(slug), SAVED).toMatch(/review:[\s\S]*duplicates:\s*\n?\s*-?\s*\[?draft/);
  await page.reload();
  await expect(edge(page, "draft", "review")).toHaveAttribute("data-kind", "duplicates");

  // Select the link and switch it to `relates to` from its menu.
  await edge(page, "draft", "review").click({ force: true });
  const menu = page.getByTestId("edge-menu-draft->review");
  await expect(menu).toBeVisible();
  await expect(menu.getByRole("button", { name: "duplicates" })).toHaveAttribute("aria-pressed", "true");
  await menu.getByRole("button", { name: "relates to" }).click();
  await expect(edge(page, "draft", "review")).toHaveAttribute("data-kind", "relates_to");
  await expect.poll(() => exported(slug), SAVED).toMatch(/relatesTo:[\s\S]*draft/);
  expect(await exported(slug)).not.toMatch(/duplicates:/);
  await page.reload();
  await expect(edge(page, "draft", "review")).toHaveAttribute("data-kind", "relates_to");

  // Delete it from its menu: gone from the canvas and from the plan.
  await edge(page, "draft", "review").click({ force: true });
  await page.getByTestId("edge-menu-draft->review").getByRole("button", { name: "Delete link" }).click();
  await expect(edge(page, "draft", "review")).toHaveCount(0);
  await expect.poll(() => exported(slug), SAVED).not.toMatch(/relatesTo:/);
  await page.reload();
  await expect(taskNode(page, "review")).toBeVisible();
  await expect(edge(page, "draft", "review")).toHaveCount(0);
});
