import {
  type CuttableLink,
  createTestDatabase,
  cuttableLink,
  postgresDescribe,
  type TestDatabase,
} from "@taskloom/db/postgres-test-database";
import { afterEach, beforeEach, expect, it } from "vitest";
import { Taskloom } from "../src/taskloom.ts";

const describePostgres = await postgresDescribe();

const TASKS = 24;
const plan = {
  plan: "steady",
  tasks: Object.fromEntries(Array.from({ length: TASKS }, (_, i) => [`t${i}`, { run: "sleep 0.05" }])),
};

describePostgres("a worker on PostgreSQL across a lost connection", () => {
  let testDb: TestDatabase;
  let link: CuttableLink;
  let taskloom: Taskloom;
  const warnings: string[] = [];
  let warned: Promise<void>;
  beforeEach(async () => {
    testDb = await createTestDatabase();
    link = await cuttableLink(testDb.url);
    warnings.length = 0;
    let firstWarning = () => {};
    warned = new Promise((resolve) => {
      firstWarning = resolve;
    });
    const onWarning = (line: string) => {
      warnings.push(line);
      firstWarning();
    };
    taskloom = await Taskloom.open({ databaseUrl: link.url, pollMs: 50, onWarning });
  });
  afterEach(async () => {
    await taskloom.close();
    await link.close();
    await testDb.drop();
  });

  it("keeps running through a network cut, says so once and once more when back, and loses nothing", async () => {
    await taskloom.importPlanSource(plan);
    const { runId } = await taskloom.startRun("steady", { trigger: "api" });
    const worker = taskloom.createWorker({ concurrency: 3, pollMs: 50 });
    let succeeded = 0;
    let cutDone: Promise<void> | null = null;
    const unsubscribe = taskloom.subscribe(
      (event) => {
        if (event.type !== "task_run.status" || event.toStatus !== "succeeded") return;
        succeeded += 1;
        // A third of the way in, the server goes away until the engine has said so.
        if (succeeded === TASKS / 3)
          cutDone = link
            .cut()
            .then(() => warned)
            .then(() => link.restore());
      },
      { runId },
    );
    await worker.start();
    try {
      expect(await taskloom.waitForRun(runId)).toBe("succeeded");
    } finally {
      unsubscribe();
      await worker.stop();
    }
    expect(cutDone).not.toBeNull();
    await cutDone;
    expect(warnings).toEqual([
      expect.stringMatching(
        /^the database is unreachable: lost the connection to PostgreSQL at .*; reconnecting$/,
      ),
      expect.stringMatching(/^reconnected to the database after \d+\.\d s$/),
    ]);
    const run = await taskloom.queries.getRun(runId);
    expect(run.tasks.map((t) => [t.status, t.attempts])).toEqual(
      Array.from({ length: TASKS }, () => ["succeeded", 1]),
    );
  }, 60_000);
});
