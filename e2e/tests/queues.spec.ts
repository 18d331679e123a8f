import fs from "node:fs";
import path from "node:path";
import { e2eDir, taskloom, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";

test("a queued task run moved on the Queues page to a served queue runs, while the rest stays queued", async ({
  page,
}) => {
  // Several CLI processes for the preconditions and the check: slow on a loaded 2-core machine.
  test.setTimeout(150_000);
  const slug = uniqueSlug("queue-move");
  const held = `held-${slug}`;
  // The `taskloom start` worker claims every queue it is not told to skip: pausing `held` keeps both queued.
  await taskloom("queue", "pause", held);
  const file = path.join(e2eDir, `${slug}.yaml`);
  fs.writeFileSync(
    file,
    `plan: ${slug}
defaults: { queue: ${held} }
tasks:
  stay: { run: echo stays, priority: 5 }
  go: { run: echo moved and ran, concurrencyKey: "moves-{{plan.slug}}", concurrencyLimit: 2 }
`,
  );
  await taskloom("run", file, "--enqueue");

  await page.goto(`/queues?queue=${held}`);
  const peek = page.getByTestId("queue-peek");
  // Claim order: priority 5 first; the key and its limit are shown.
  await expect(peek.locator("li")).toHaveCount(2);
  await expect(peek.locator("li").nth(0)).toContainText("stay");
  await expect(peek.locator("li").nth(0).getByTestId("queued-priority")).toHaveText("5");
  await expect(peek.getByTestId("queued-go")).toContainText(`moves-${slug}`);
  await expect(peek.getByTestId("queued-go")).toContainText("0/2 running");
  await expect(page.getByTestId(`queue-${held}-ready`)).toHaveText("2");

  await page.getByRole("checkbox", { name: /^Select go of / }).check();
  await expect(page.getByTestId("selected-count")).toHaveText("1 selected");
  await page.getByLabel("Move to queue").fill("default");
  await page.getByRole("button", { name: "Move", exact: true }).click();
  await expect(page.getByTestId("toast").getByText("Moved 1 task run to default")).toBeVisible();

  // Live: the held queue's depth drops without a reload; `go` ran in `default`, `stay` is still queued.
  await expect(peek.locator("li")).toHaveCount(1);
  await expect(peek.getByTestId("queued-stay")).toBeVisible();
  await expect(page.getByTestId(`queue-${held}-ready`)).toHaveText("1");
  const [run] = JSON.parse(await taskloom("runs", "--plan", slug, "--json")) as { id: string }[];
  await expect
    .poll(
      async () => {
        const detail = JSON.parse(await taskloom("runs", "show", run?.id ?? "", "--json")) as {
          tasks: { key: string; status: string }[];
        };
        return detail.tasks.map((task) => `${task.key}:${task.status}`).sort();
      },
      { timeout: 30_000 },
    )
    .toEqual(["go:succeeded", "stay:ready"]);
  await taskloom("queue", "resume", held);
});
