import fs from "node:fs";
import path from "node:path";
import { e2ePath, importPlan, startCli, uniqueSlug } from "./support/app.ts";
import { expect, test } from "./support/test.ts";
import { expectStatus, openPlan, runFromEditor, taskNode } from "./support/ui.ts";

const SDK = path.resolve(import.meta.dirname, "../../packages/sdk/src/index.ts");

test("a function task says it waits for a worker with its handler, and runs once one starts", async ({
  page,
}) => {
  const slug = uniqueSlug("function-wait");
  // The handler name is unique too: the tests share one database, and its workers.
  const handler = `${slug}-greet`;
  const tasks = e2ePath(`${slug}-tasks.ts`);
  fs.writeFileSync(
    tasks,
    `import { defineTask } from ${JSON.stringify(SDK)};
export const greet = defineTask(${JSON.stringify(handler)}, async (input: { name: string }, ctx) => {
  ctx.log.info("greeting %s", input.name);
  return "hello " + input.name;
});
`,
  );
  await importPlan(`plan: ${slug}
tasks:
  greet:
    kind: function
    handler: ${handler}
    input: { name: world }
`);
  await openPlan(page, slug);
  await runFromEditor(page);
  await taskNode(page, "greet").click();
  // The server's own worker has no handlers: the task stays ready, and the panel says why.
  const waiting = page.getByTestId("task-waiting");
  await expect(waiting).toContainText(`waiting for a worker with handler ${handler}`);
  await expect(waiting).toContainText("taskloom worker --register FILE");

  const { child } = await startCli(/handlers: /, "worker", "--register", tasks, "--no-schedules");
  try {
    await expectStatus(page, "greet", "succeeded");
    await expect(waiting).toHaveCount(0);
    await expect(page.getByTestId("log-tail")).toContainText("greeting world");
  } finally {
    child.kill("SIGTERM");
  }
});
