import type { Command } from "commander";
import { type CliContext, runCommand } from "../cli-context.ts";
import { parsePositiveInt } from "./option-parsers.ts";

export function registerWorkerCommand(program: Command, context: CliContext): void {
  program
    .command("worker")
    .description("execute ready tasks of every run in the database until stopped (SIGTERM/Ctrl-C)")
    .option(
      "-c, --concurrency <n>",
      "tasks run at once (default 4, or TASKLOOM_WORKER_CONCURRENCY)",
      parsePositiveInt,
    )
    .option("--queue <name...>", "only these queues (default: all)")
    .action((flags: { concurrency?: number; queue?: string[] }) =>
      runCommand(context, async () => {
        const taskloom = await context.open();
        const concurrency = flags.concurrency ?? context.env.TASKLOOM_WORKER_CONCURRENCY ?? 4;
        const worker = taskloom.createWorker({
          concurrency,
          ...(flags.queue ? { queues: flags.queue } : {}),
          ...(context.env.TASKLOOM_LEASE_MS ? { leaseMs: context.env.TASKLOOM_LEASE_MS } : {}),
        });
        await worker.start();
        context.stderr.write(
          `worker ${worker.id} started on ${taskloom.database.location} (concurrency ${concurrency})\n`,
        );
        // The worker's timers do not hold the process open (a library user's script must be able to exit), so
        // the command holds it until a signal says stop.
        const keepAlive = setInterval(() => {}, 1 << 30);
        const stopped = new Promise<void>((resolve) => {
          let stopping = false;
          const stop = () => {
            if (stopping) {
              context.stderr.write("forced quit\n");
              process.exit(130);
            }
            stopping = true;
            context.stderr.write("stopping: finishing running tasks (signal again to force)\n");
            void worker.stop().then(resolve);
          };
          process.on("SIGTERM", stop);
          process.on("SIGINT", stop);
        });
        await stopped;
        clearInterval(keepAlive);
        await taskloom.close();
        context.stderr.write("worker stopped\n");
        return 0;
      }),
    );
}
