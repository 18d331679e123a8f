import { databaseUrl } from "./support/app.ts";
import { expect, test } from "./support/test.ts";

test("/api/health answers JSON: the database and the worker of `taskloom start`", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("application/json");
  const body = await response.json();
  expect(body.ok).toBe(true);
  expect(body.database.ok).toBe(true);
  // The fresh database of this test run, not the default one.
  expect(`file:${body.database.location}`).toBe(databaseUrl);
  expect(body.workers.some((worker: { alive: boolean }) => worker.alive)).toBe(true);
});

test("the plans page lists the seeded demo plan", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/plans\/?$/);
  const demo = page.getByRole("link", { name: /Daily sales ETL/ });
  await expect(demo).toBeVisible();
  await demo.click();
  await expect(page).toHaveURL(/\/plans\/etl-demo/);
  await expect(page.getByTestId("task-node-prepare")).toBeVisible();
  // It opens at a readable zoom on its start; the rest is a pan away, and all seven tasks are counted.
  await expect(page.getByText("7 tasks", { exact: true })).toBeVisible();
});
