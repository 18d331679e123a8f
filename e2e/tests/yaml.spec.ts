import { taskloom, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import { expectEdgeDrawn, taskNode } from "./support/ui.ts";

test("import a plan by pasting YAML, and export it back to YAML", async ({ page }) => {
  const slug = uniqueSlug("pasted");
  const yaml = `plan: ${slug}
name: Pasted plan
goal: Arrive through the clipboard
tasks:
  download:
    run: echo downloading
  unpack:
    requires: [download]
    run: echo unpacking
`;
  await page.goto("/plans");
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const importDialog = page.getByRole("dialog", { name: "Import a plan file" });
  await importDialog.getByLabel("Plan file text").fill(yaml);
  await expect(importDialog.getByText(`Valid plan ${slug} with 2 tasks.`)).toBeVisible();
  await importDialog.getByRole("button", { name: "Import", exact: true }).click();

  await expect(page).toHaveURL(new RegExp(`/plans/${slug}$`));
  await expect(page.getByRole("heading", { name: "Pasted plan" })).toBeVisible();
  await expect(taskNode(page, "download")).toBeVisible();
  await expect(taskNode(page, "unpack")).toBeVisible();
  await expectEdgeDrawn(page, "download", "unpack");
  expect(await taskloom("list-tasks", "--plan", slug)).toContain("unpack");

  await page.getByRole("button", { name: "Export", exact: true }).click();
  const exportDialog = page.getByRole("dialog", { name: "Export plan" });
  const text = exportDialog.getByTestId("export-text");
  await expect(text).toContainText(`plan: ${slug}`);
  await expect(text).toContainText("name: Pasted plan");
  await expect(text).toContainText("goal: Arrive through the clipboard");
  await expect(text).toContainText("echo unpacking");
  expect(await text.textContent()).toMatch(/unpack:[\s\S]*requires:[\s\S]*download/);

  // The download is the same plan file.
  const downloading = page.waitForEvent("download");
  await exportDialog.getByRole("button", { name: "Download .yaml" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`${slug}.yaml`);
  const stream = await download.createReadStream();
  let downloaded = "";
  for await (const chunk of stream) downloaded += chunk.toString();
  expect(downloaded).toBe(await text.textContent());
});
