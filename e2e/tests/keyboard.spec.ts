import type { Locator, Page } from "@playwright/test";
import { importPlan, storedRequires, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import { expectEdgeDrawn, openPlan, taskNode } from "./support/ui.ts";

/** Presses Tab until `target` has the focus, as a keyboard user does (fails when it is never reached). */
async function tabTo(page: Page, target: Locator, max = 60): Promise<void> {
  await expect(target).toBeVisible();
  for (let presses = 0; presses < max; presses++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

/** Replaces the focused field's text by typing, as a person does (select all, type). */
async function retype(page: Page, text: string): Promise<void> {
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type(text);
}

/** The visible controls outside a toast that its box overlaps (by their text or label). */
function controlsUnder(toast: Locator): Promise<string[]> {
  return toast.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const controls = document.querySelectorAll<HTMLElement>("button, a[href], input, textarea, select");
    return Array.from(controls)
      .filter((control) => !element.contains(control))
      .filter((control) => {
        const r = control.getBoundingClientRect();
        const visible = r.width > 0 && r.height > 0 && getComputedStyle(control).visibility !== "hidden";
        return (
          visible && r.left < box.right && box.left < r.right && r.top < box.bottom && box.top < r.bottom
        );
      })
      .map((control) => control.getAttribute("aria-label") ?? control.textContent?.trim() ?? control.tagName);
  });
}

test("create a plan with the keyboard only: dialog, task form and its requires field", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const slug = uniqueSlug("typed");
  await page.goto("/plans");
  await tabTo(page, page.getByRole("button", { name: "New plan" }));
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "New plan" });
  // The first field has the focus: what is typed goes into the name, and a space does not close the dialog.
  await expect(dialog.getByLabel("Name")).toBeFocused();
  await page.keyboard.type("Typed by keyboard");
  await expect(dialog.getByLabel("Name")).toHaveValue("Typed by keyboard");
  await page.keyboard.press("Tab");
  await expect(dialog.getByLabel("Slug")).toBeFocused();
  await retype(page, slug);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/plans/${slug}$`));
  await expect(page.getByRole("heading", { name: "Typed by keyboard" })).toBeVisible();

  for (const [key, requires] of [
    ["fetch", null],
    ["load", "fetch"],
  ] as const) {
    await tabTo(page, page.getByRole("button", { name: "Add task" }).first());
    await page.keyboard.press("Enter");
    const form = page.getByRole("form", { name: "New task" });
    await expect(form.getByLabel("Key", { exact: true })).toBeFocused();
    await retype(page, key);
    await tabTo(page, form.getByLabel("Command"));
    await page.keyboard.type(`echo ${key}`);
    if (requires) {
      await tabTo(
        page,
        form.getByRole("group", { name: "Requires" }).getByRole("checkbox", { name: requires }),
      );
      await page.keyboard.press("Space");
    }
    await tabTo(page, form.getByRole("button", { name: "Add task" }));
    await page.keyboard.press("Enter");
    await expect(taskNode(page, key)).toBeVisible();
    const saved = page.getByRole("form", { name: `Task ${key}` });
    await expect(saved).toBeVisible();
    // The toast that confirms the save covers no control, above all not the form's submit button.
    const toast = page.getByTestId("toast").last();
    await expect(toast).toBeVisible();
    expect(await controlsUnder(toast)).toEqual([]);
  }
  await expectEdgeDrawn(page, "fetch", "load");
  // The task that requires another landed to its right.
  const fetchBox = await taskNode(page, "fetch").boundingBox();
  const loadBox = await taskNode(page, "load").boundingBox();
  expect(loadBox && fetchBox && loadBox.x > fetchBox.x + fetchBox.width).toBe(true);
  expect(await storedRequires(slug)).toEqual({ fetch: [], load: ["fetch"] });
});

test("Escape cancels a dialog; Enter in Run parameters starts the run", async ({ page }) => {
  const slug = uniqueSlug("params");
  await importPlan(`plan: ${slug}
name: With params
params: { region: eu, day: monday }
tasks:
  say: { run: "echo {{params.region}} {{params.day}}" }
`);
  await page.goto("/plans");
  // The Plans page's Run button asks for the params too.
  await page.getByRole("button", { name: "Run With params" }).click();
  await expect(page.getByRole("dialog", { name: "Run With params" }).getByLabel("day")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);

  await tabTo(page, page.getByRole("button", { name: "New plan" }));
  await page.keyboard.press("Enter");
  await page.keyboard.type("Never made");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "New plan" })).toBeFocused();

  await openPlan(page, slug);
  await tabTo(page, page.getByRole("button", { name: "Run", exact: true }));
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Run With params" });
  // The first field (params in name order) has the focus.
  await expect(dialog.getByLabel("day")).toBeFocused();
  await retype(page, "tuesday");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/runs\/[^/]+$/);
  await taskNode(page, "say").click();
  await expect(page.getByTestId("task-output")).toHaveText("eu tuesday");
});
