import { importPlan, startCli, taskloom, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";

interface ScheduleJson {
  id: string;
  planSlug: string;
  nextFireAt: number | null;
  lastRun: { id: string; status: string } | null;
}

async function schedulesOf(slug: string): Promise<ScheduleJson[]> {
  const all = JSON.parse(await taskloom("schedule", "list", "--json")) as ScheduleJson[];
  return all.filter((schedule) => schedule.planSlug === slug);
}

async function scheduledRuns(slug: string): Promise<{ id: string; status: string }[]> {
  const runs = JSON.parse(await taskloom("runs", "--plan", slug, "--json")) as {
    id: string;
    status: string;
    trigger: string;
  }[];
  return runs.filter((run) => run.trigger === "schedule");
}

test("a one-shot `at` a few seconds ahead fires exactly once with two workers running; its run appears", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const slug = uniqueSlug("at-once");
  // A second worker next to `taskloom start`'s: both fire schedules; the fire's compare-and-set lets one win.
  const { child: worker } = await startCli(/worker (\S+) started/, "worker");
  const exited = new Promise((resolve) => worker.once("exit", resolve));
  try {
    // Far enough ahead that importing and listing it (two CLI processes, slow on a loaded machine) happen first.
    const at = new Date(Date.now() + 12_000).toISOString();
    await importPlan(`plan: ${slug}
tasks:
  hello: { run: echo hello from the schedule }
schedules:
  - name: soon
    at: "${at}"
`);
    // Not asserting that it is still to come: on a loaded machine it may have fired by now, which is fine.
    const [schedule] = await schedulesOf(slug);
    expect(schedule?.nextFireAt === null || schedule?.nextFireAt === Date.parse(at)).toBe(true);

    await page.goto("/schedules");
    const row = page.getByTestId(`schedule-row-${schedule?.id}`);
    await expect(row).toContainText(slug);
    await expect(row).toContainText(`at ${at}`);
    // One of the two workers fires it; the page shows the run it started once that run succeeded.
    await expect(row.locator('[data-status="succeeded"]')).toBeVisible({ timeout: 45_000 });
    await expect(row).toContainText("Done");

    const runs = await scheduledRuns(slug);
    expect(runs).toHaveLength(1);
    await row.getByRole("link", { name: /succeeded/i }).click();
    await expect(page).toHaveURL(new RegExp(`/runs/${runs[0]?.id}$`));
    expect((await schedulesOf(slug))[0]?.lastRun).toEqual({ id: runs[0]?.id, status: "succeeded" });
    // The second worker was firing schedules all along (it is still up), and no one started the fire again.
    expect(worker.exitCode).toBeNull();
  } finally {
    worker.kill("SIGTERM");
    await exited;
  }
  expect(await scheduledRuns(slug)).toHaveLength(1);
});

test("pause, resume and trigger a schedule from the Schedules page", async ({ page }) => {
  const slug = uniqueSlug("daily");
  await importPlan(`plan: ${slug}
tasks:
  report: { run: echo report }
schedules:
  - name: nightly
    cron: "0 2 * * *"
    timezone: Europe/Paris
`);
  const [schedule] = await schedulesOf(slug);
  await page.goto("/schedules");
  await page.getByRole("link", { name: "Schedules" }).first().click();
  const row = page.getByTestId(`schedule-row-${schedule?.id}`);
  await expect(row).toContainText("cron 0 2 * * * (Europe/Paris)");
  await expect(row).toContainText("Never fired");

  await row.getByRole("button", { name: "Pause nightly" }).click();
  await expect(row).toContainText("Paused");
  await row.getByRole("button", { name: "Resume nightly" }).click();
  await expect(row).toContainText("Active");

  await row.getByRole("button", { name: "Trigger nightly now" }).click();
  await expect(row.locator('[data-status="succeeded"]')).toBeVisible({ timeout: 45_000 });
  expect(await scheduledRuns(slug)).toHaveLength(1);
});

test("other systems start a run over HTTP and read its status", async ({ request, baseURL }) => {
  const slug = uniqueSlug("rest");
  await importPlan(`plan: ${slug}
params: { target: dev }
tasks:
  deploy: { run: "echo deploying {{params.target}}" }
`);
  const started = await request.post(`/api/v1/plans/${slug}/runs`, { data: { params: { target: "prod" } } });
  expect(started.status()).toBe(201);
  const body = (await started.json()) as { id: string; url: string; status: string };
  expect(body.url).toBe(`${baseURL}/runs/${body.id}`);

  await expect
    .poll(
      async () =>
        ((await (await request.get(`/api/v1/runs/${body.id}`)).json()) as { status: string }).status,
      {
        timeout: 30_000,
      },
    )
    .toBe("succeeded");
  const run = (await (await request.get(`/api/v1/runs/${body.id}`)).json()) as {
    params: unknown;
    tasks: { key: string; status: string }[];
  };
  expect(run.params).toEqual({ target: "prod" });
  expect(run.tasks).toEqual([expect.objectContaining({ key: "deploy", status: "succeeded" })]);

  const unknownPlan = await request.post("/api/v1/plans/no-such-plan/runs", { data: {} });
  expect([unknownPlan.status(), ((await unknownPlan.json()) as { error: string }).error]).toEqual([
    404,
    "plan not found: no-such-plan",
  ]);
  const badJson = await request.post(`/api/v1/plans/${slug}/runs`, {
    data: "{ nope",
    headers: { "content-type": "application/json" },
  });
  expect(badJson.status()).toBe(400);
  expect((await request.get("/api/v1/runs/run_missing")).status()).toBe(404);
});
