import { importPlan, taskloom, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";

interface ScheduleJson {
  id: string;
  planSlug: string;
  name: string | null;
  description: string;
  params: Record<string, unknown>;
  missed: string;
  overlap: string;
  enabled: boolean;
}

async function schedulesOf(slug: string): Promise<ScheduleJson[]> {
  const all = JSON.parse(await taskloom("schedule", "list", "--json")) as ScheduleJson[];
  return all.filter((schedule) => schedule.planSlug === slug);
}

test("add a cron schedule from the plan's schedule list with a live preview, then edit and remove it", async ({
  page,
}) => {
  const slug = uniqueSlug("form");
  await importPlan(`plan: ${slug}
params: { target: dev }
tasks:
  report: { run: "echo report for {{params.target}}" }
`);
  await page.goto(`/schedules?plan=${slug}`);
  await expect(page.getByText("No schedules")).toBeVisible();
  await page.getByRole("button", { name: "Add schedule" }).click();
  const dialog = page.getByRole("dialog", { name: "Add schedule" });
  const preview = dialog.getByTestId("schedule-preview");
  // The default rule previews at once, computed by the server with the engine's code.
  await expect(preview.getByTestId("preview-fire")).toHaveCount(5);

  // A bad expression says what is wrong, next to the field, as it is typed.
  const cron = dialog.getByLabel("Cron expression");
  await cron.fill("* * *");
  await expect(dialog.getByText("a cron rule has 5 fields (or 6, seconds first), got 3")).toBeVisible();
  await expect(preview).toContainText("Fix the rule to see when it fires.");
  await cron.fill("61 * * * *");
  await expect(cron).toHaveAttribute("aria-invalid", "true");
  await expect(preview.getByTestId("preview-fire")).toHaveCount(0);

  // Weekdays at 09:30 in Paris: the preview reads the fires in that zone.
  await cron.fill("30 9 * * 1-5");
  await dialog.getByLabel("Timezone").selectOption("Europe/Paris");
  await expect(preview).toContainText("cron 30 9 * * 1-5 (Europe/Paris)");
  await expect(preview.getByTestId("preview-fire")).toHaveCount(5);
  for (const fire of await preview.getByTestId("preview-fire").allTextContents()) {
    expect(fire).toMatch(/^(Mon|Tue|Wed|Thu|Fri), .* 09:30:00 \(Europe\/Paris\)/);
  }
  await dialog.getByLabel("Name").fill("weekdays");
  await expect(dialog.getByText("Declared: target (default dev)")).toBeVisible();
  await dialog.getByRole("button", { name: "Add run param" }).click();
  await dialog.getByLabel("Run params name 1").fill("target");
  await dialog.getByLabel("Run params value 1").fill("prod");
  await dialog.getByLabel("Missed fires").selectOption("catchup-one");
  await dialog.getByLabel("Overlap").selectOption("queue");
  await dialog.getByRole("button", { name: "Add schedule" }).click();
  await expect(dialog).toBeHidden();

  const [added] = await schedulesOf(slug);
  expect(added).toMatchObject({
    name: "weekdays",
    description: "cron 30 9 * * 1-5 (Europe/Paris)",
    params: { target: "prod" },
    missed: "catchup-one",
    overlap: "queue",
    enabled: true,
  });
  const row = page.getByTestId(`schedule-row-${added?.id}`);
  await expect(row).toContainText("weekdays: cron 30 9 * * 1-5 (Europe/Paris)");

  // Edit: an interval instead, paused; the timezone does not apply to it any more.
  await row.getByRole("button", { name: "Edit weekdays" }).click();
  const edit = page.getByRole("dialog", { name: "Edit schedule weekdays" });
  await expect(edit.getByLabel("Cron expression")).toHaveValue("30 9 * * 1-5");
  await edit.getByRole("button", { name: "every", exact: true }).click();
  await edit.getByLabel("Every").fill("soon");
  // (Messages show their `quoted` names as code: the text reads without the backticks.)
  await expect(edit.getByText("invalid duration soon")).toBeVisible();
  await edit.getByLabel("Every").fill("10m");
  await expect(edit.getByTestId("schedule-preview")).toContainText("every 10m");
  await edit.getByLabel("Paused (never fires until resumed)").check();
  await expect(edit.getByTestId("schedule-preview")).toContainText("Paused: it fires after it is resumed.");
  await edit.getByRole("button", { name: "Save schedule" }).click();
  await expect(edit).toBeHidden();
  await expect(row).toContainText("weekdays: every 10m");
  await expect(row).toContainText("Paused");
  expect((await schedulesOf(slug))[0]).toMatchObject({
    description: "every 10m",
    enabled: false,
    params: { target: "prod" },
  });

  // Resume it from the row, then remove it behind a confirmation.
  await row.getByRole("button", { name: "Resume weekdays" }).click();
  await expect(row).toContainText("Active");
  await row.getByRole("button", { name: "Remove weekdays" }).click();
  await page
    .getByRole("dialog", { name: "Remove schedule weekdays?" })
    .getByRole("button", { name: "Remove" })
    .click();
  await expect(row).toBeHidden();
  await expect(page.getByText("No schedules")).toBeVisible();
  expect(await schedulesOf(slug)).toEqual([]);
});

test("the Schedules page adds a one-shot schedule to a chosen plan and refuses a time in the past", async ({
  page,
}) => {
  const slug = uniqueSlug("form-at");
  await importPlan(`plan: ${slug}
tasks:
  ping: { run: echo ping }
`);
  await page.goto("/schedules");
  await page.getByRole("button", { name: "Add schedule" }).click();
  const dialog = page.getByRole("dialog", { name: "Add schedule" });
  await dialog.getByLabel("Plan").selectOption(slug);
  await dialog.getByRole("button", { name: "at", exact: true }).click();
  await dialog.getByLabel("At", { exact: true }).fill("2001-01-01T00:00");
  await expect(dialog.getByText("at is in the past: the schedule would never fire")).toBeVisible();
  await dialog.getByLabel("At", { exact: true }).fill("2099-12-24T18:00");
  await expect(dialog.getByTestId("preview-fire")).toHaveText([/Dec 24, 2099, 18:00:00 \(UTC\)/]);
  await dialog.getByRole("button", { name: "Add schedule" }).click();
  await expect(dialog).toBeHidden();
  const [added] = await schedulesOf(slug);
  expect(added?.description).toBe("at 2099-12-24T18:00:00.000Z");
  await expect(page.getByTestId(`schedule-row-${added?.id}`)).toContainText("at 2099-12-24T18:00:00.000Z");
});
