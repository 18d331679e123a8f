import { once } from "node:events";
import { startCli } from "./support/app.ts";
import { expect, test } from "./support/test.ts";

test("the Workers page lists a worker started on the side, live, and drops it when it stops", async ({
  page,
}) => {
  await page.goto("/plans");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Workers" }).click();
  await expect(page).toHaveURL(/\/workers$/);
  await expect(page.getByRole("heading", { name: "Workers" })).toBeVisible();
  // The server's own worker (`taskloom start`) is there from the start.
  await expect(page.locator('[data-testid^="worker-row-"][data-state="alive"]').first()).toBeVisible();

  const { child, match } = await startCli(
    /worker (\S+) started/,
    "worker",
    "--queue",
    "gpu",
    "--concurrency",
    "3",
    "--no-schedules",
  );
  try {
    // Appears without a reload: the page reads the list again every few seconds.
    const row = page.getByTestId(`worker-row-${match[1]}`);
    await expect(row).toBeVisible({ timeout: 15_000 });
    await expect(row).toHaveAttribute("data-state", "alive");
    await expect(row).toContainText(String(child.pid));
    await expect(row).toContainText("gpu");
    await expect(row).toContainText("0 / 3");
    await expect(row).toContainText("Alive");

    // A worker that stops says so (it deregisters), and leaves the list.
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await exited;
    await expect(row).toHaveCount(0, { timeout: 15_000 });
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});
