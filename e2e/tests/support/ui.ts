import { expect, type Locator, type Page } from "@playwright/test";

/**
 * What the tests know about the dashboard's markup, in one place. Selectors are the roles, labels and text a
 * user sees, plus the test ids the issue names (`task-node-<key>` with `data-status`, `log-tail`).
 */

export function taskNode(page: Page, key: string): Locator {
  return page.getByTestId(`task-node-${key}`);
}

/** The drawn path of the link from the upstream task `from` to its dependent `to`. */
export function edge(page: Page, from: string, to: string): Locator {
  return page.getByTestId(`edge-${from}->${to}`);
}

/**
 * Asserts that a link is drawn: its path is on the canvas with a visible stroke between the two nodes.
 * (`toBeVisible` cannot be used: a horizontal path has a zero-height box, which Playwright calls hidden.)
 */
export async function expectEdgeDrawn(page: Page, from: string, to: string): Promise<void> {
  const path = edge(page, from, to);
  await expect(path).toBeAttached();
  await expect
    .poll(() =>
      path.evaluate((element) => {
        const box = element.getBoundingClientRect();
        const style = getComputedStyle(element);
        return (
          (box.width > 0 || box.height > 0) &&
          style.visibility === "visible" &&
          style.display !== "none" &&
          style.stroke !== "none" &&
          Number(style.opacity) > 0
        );
      }),
    )
    .toBe(true);
}

/** Opens a plan's editor and waits for its canvas (`timeout`: default the expect timeout, 10 s). */
export async function openPlan(
  page: Page,
  slug: string,
  { timeout }: { timeout?: number } = {},
): Promise<void> {
  await page.goto(`/plans/${encodeURIComponent(slug)}`);
  await expect(page.getByTestId("plan-canvas").locator(".react-flow__renderer")).toBeVisible({ timeout });
}

/**
 * Waits until the nodes stop moving: an imported plan is laid out (in a Web Worker) and fitted to the view
 * after it first shows, and a drag must start from where the handles finally are.
 */
export async function waitForStableNodes(page: Page, keys: readonly string[]): Promise<void> {
  const boxes = async () =>
    JSON.stringify(await Promise.all(keys.map((key) => taskNode(page, key).boundingBox())));
  await expect(page.getByRole("status").filter({ hasText: "Laying out" })).toHaveCount(0);
  let previous = await boxes();
  await expect
    .poll(
      async () => {
        await page.waitForTimeout(250);
        const current = await boxes();
        const stable = current === previous && !current.includes("null");
        previous = current;
        return stable;
      },
      { intervals: [0] },
    )
    .toBe(true);
}

/** A handle of a node: `source` (its right side, the upstream end of a link) or `target` (its left side). */
export function handle(page: Page, key: string, type: "source" | "target"): Locator {
  return taskNode(page, key).locator(`.react-flow__handle.${type}`).first();
}

/**
 * Drags a link with the mouse from the source handle of `from` to the target handle (or the body) of `to`, in small steps
 * as a person does (React Flow follows pointer moves and snaps to a handle within its connection radius).
 */
export async function dragLink(
  page: Page,
  from: string,
  to: string,
  onto: "handle" | "body" = "handle",
): Promise<void> {
  await waitForStableNodes(page, [from, to]);
  const source = handle(page, from, "source");
  // `body`: the middle of the node, far from its handles (a drop there connects too).
  const target = onto === "handle" ? handle(page, to, "target") : taskNode(page, to);
  await source.scrollIntoViewIfNeeded();
  const a = await source.boundingBox();
  const b = await target.boundingBox();
  if (!a || !b) throw new Error(`handles of ${from} or ${to} are not on screen`);
  const start = { x: a.x + a.width / 2, y: a.y + a.height / 2 };
  const end = { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(start.x + 8, start.y + 8, { steps: 4 });
  await page.mouse.move(end.x, end.y, { steps: 20 });
  await expect(page.locator(".react-flow__connectionline")).toBeVisible();
  await page.mouse.up();
}

/** Waits for a task node to show a status (`data-status`), without reloading the page. */
export async function expectStatus(page: Page, key: string, status: string, timeout = 30_000): Promise<void> {
  await expect(taskNode(page, key)).toHaveAttribute("data-status", status, { timeout });
}

/** The run's status pill in the run monitor's header (next to the run id). */
export function runStatus(page: Page): Locator {
  return page.locator("h1 + [data-status]");
}

/** Clicks Run in the plan editor and waits for the run monitor it opens. */
export async function runFromEditor(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page).toHaveURL(/\/runs\/[^/]+$/);
  await expect(page.getByTestId("run-canvas").locator(".react-flow__renderer")).toBeVisible();
}

/** Marks the document, so that a test can prove later that the page was never reloaded. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __e2eNoReload: boolean }).__e2eNoReload = true;
  });
}

export async function expectSameDocument(page: Page): Promise<void> {
  const marked = await page.evaluate(() => (window as unknown as { __e2eNoReload?: boolean }).__e2eNoReload);
  expect(marked, "the page was reloaded").toBe(true);
}

/**
 * Opens the plan, marks the document (see `markDocument`), starts a run from the editor, waits for `key` to
 * run and opens its side panel; returns its log tail.
 */
export async function runAndOpenRunningTask(page: Page, slug: string, key: string): Promise<Locator> {
  await openPlan(page, slug);
  await markDocument(page);
  await runFromEditor(page);
  await expectStatus(page, key, "running");
  await taskNode(page, key).click();
  return page.getByTestId("log-tail");
}
