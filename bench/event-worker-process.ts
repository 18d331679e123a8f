import { Taskloom } from "@taskloom/engine";

/**
 * The other process of the event-latency bench: a worker on the same database file, executing one run.
 * Usage: node --import tsx bench/event-worker-process.ts DATABASE_FILE RUN_ID
 */
const [file, runId] = process.argv.slice(2);
if (!file || !runId) throw new Error("usage: event-worker-process.ts DATABASE_FILE RUN_ID");
const taskloom = await Taskloom.open({ databaseUrl: `file:${file}` });
const { status } = await taskloom.executeRun(runId, { concurrency: 4 });
await taskloom.close();
process.stdout.write(`${status}\n`);
