import { BadInputError } from "@taskloom/core";
import type { Command } from "commander";
import { type CliContext, runCommand } from "../cli-context.ts";
import { table } from "../format.ts";

interface SetFlags {
  concurrency?: string;
  pause?: boolean;
  resume?: boolean;
}

/** `none` lifts the limit; otherwise a positive integer. */
function parseConcurrency(value: string): number | null {
  if (value === "none") return null;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new BadInputError(`--concurrency takes a positive integer or \`none\`, got "${value}"`);
  }
  return parsed;
}

/** `taskloom queues` and `taskloom queue list`: every queue in use with its settings and load. */
export function listQueuesAction(context: CliContext, flags: { json?: boolean }): Promise<void> {
  return runCommand(context, async () => {
    const taskloom = await context.open();
    try {
      const list = await taskloom.queues.list();
      if (flags.json) {
        context.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return 0;
      }
      const rows = [["QUEUE", "CONCURRENCY", "PAUSED", "READY", "RUNNING"]];
      for (const q of list) {
        rows.push([
          q.name,
          q.concurrency === null ? "unlimited" : String(q.concurrency),
          q.paused ? "yes" : "no",
          String(q.ready),
          String(q.running),
        ]);
      }
      context.stdout.write(list.length === 0 ? "no queues in use yet\n" : `${table(rows)}\n`);
      return 0;
    } finally {
      await taskloom.close();
    }
  });
}

export function registerQueuesCommand(program: Command, context: CliContext): void {
  const queues = program
    .command("queues")
    .description("queues in use with their limits and load (`queues set NAME …` to change one)")
    .option("--json", "print JSON")
    .action((flags: { json?: boolean }) => listQueuesAction(context, flags));

  queues
    .command("set")
    .description("limit, pause or resume a queue (all workers on this database obey at their next claim)")
    .argument("<name>", "queue name")
    .option("--concurrency <n>", "most tasks of this queue running at once across all workers, or `none`")
    .option("--pause", "stop claiming this queue's tasks (running ones finish)")
    .option("--resume", "claim this queue's tasks again")
    .action((name: string, flags: SetFlags) =>
      runCommand(context, async () => {
        if (flags.pause && flags.resume) throw new BadInputError("give --pause or --resume, not both");
        if (flags.concurrency === undefined && !flags.pause && !flags.resume) {
          throw new BadInputError("nothing to change: give --concurrency, --pause or --resume");
        }
        const taskloom = await context.open();
        try {
          const settings = await taskloom.store.configureQueue(name, {
            ...(flags.concurrency !== undefined ? { concurrency: parseConcurrency(flags.concurrency) } : {}),
            ...(flags.pause ? { paused: true } : flags.resume ? { paused: false } : {}),
          });
          const limit = settings.concurrency === null ? "unlimited" : `concurrency ${settings.concurrency}`;
          context.stdout.write(
            `queue ${settings.name}: ${limit}, ${settings.paused ? "paused" : "running"}\n`,
          );
          return 0;
        } finally {
          await taskloom.close();
        }
      }),
    );
}
