import type { Command } from "commander";
import { type CliContext, runCommand } from "../cli-context.ts";
import { loadHandlers } from "../user-modules.ts";
import { workerOptionsFromEnv } from "../worker-env-options.ts";
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
    .option("--no-schedules", "do not fire due schedules from this worker (default: fire them)")
    .option(
      "--register <file...>",
      "run the function task handlers these .ts/.js files export (defineTask); default none",
    )
    .action((flags: { concurrency?: number; queue?: string[]; schedules: boolean; register?: string[] }) =>
      runCommand(context, async () => {
        // Before the database opens: a tasks file that does not load is bad input, and nothing starts.
        const handlers = await loadHandlers(flags.register ?? [], process.cwd());
        const taskloom = await context.open();
        const concurrency = flags.concurrency ?? context.env.TASKLOOM_WORKER_CONCURRENCY ?? 4;
        const worker = taskloom.createWorker({
          concurrency,
          handlers,
          ...(flags.queue ? { queues: flags.queue } : {}),
          ...workerOptionsFromEnv(context.env),
        });
        await worker.start();
        // Every worker fires due schedules; a compare-and-set per fire keeps it to one run per fire.
        if (flags.schedules) taskloom.startSchedules();
        const names = handlers.map((handler) => handler.name).join(", ");
        context.stderr.write(
          `worker ${worker.id} started on ${taskloom.database.location} (concurrency ${concurrency}${names ? `; handlers: ${names}` : ""})\n`,
        );
        // The worker's timers do not hold the process open (a library user's script must be able to exit), so
        // the command holds it until a signal says stop.
        const keepAlive = setInterval(() => {}, 1 << 30);
        let lost: Error | null = null;
        const stopped = new Promise<void>((resolve) => {
          taskloom.onDatabaseLost((error) => {
            lost = error;
            resolve();
          });
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
        if (lost) throw lost;
        context.stderr.write("worker stopped\n");
        return 0;
      }),
    );
}
