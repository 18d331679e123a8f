import { Command } from "commander";
import packageJson from "../package.json" with { type: "json" };
import { createCliContext, type GlobalOptions } from "./cli-context.ts";
import { registerApproveCommand } from "./commands/approve.ts";
import { registerContextCommand } from "./commands/context.ts";
import { registerDraftCommand } from "./commands/draft.ts";
import { registerListTasksCommand } from "./commands/list-tasks.ts";
import { registerLogsCommand } from "./commands/logs.ts";
import { registerMigrateCommand } from "./commands/migrate.ts";
import { registerPlanCommand } from "./commands/plan.ts";
import { registerQueueCommand } from "./commands/queue.ts";
import { registerQueuesCommand } from "./commands/queues.ts";
import { registerRerunCommand } from "./commands/rerun.ts";
import { registerRunCommand } from "./commands/run.ts";
import { registerRunsCommand } from "./commands/runs.ts";
import { registerScheduleCommand } from "./commands/schedule.ts";
import { registerSnapshotsCommand } from "./commands/snapshots.ts";
import { registerStartCommand } from "./commands/start.ts";
import { registerTaskCommand } from "./commands/task.ts";
import { registerValidateCommand } from "./commands/validate.ts";
import { registerWorkerCommand } from "./commands/worker.ts";
import { readEnv } from "./env.ts";
import { applyCliMemorySettings } from "./v8-memory-settings.ts";

applyCliMemorySettings();

const program = new Command("taskloom")
  .description("Taskloom: run graphs of tasks that know their dependencies and their context")
  .version(packageJson.version, "-V, --version", "print the version and exit")
  .option(
    "--db <url>",
    "database (file:PATH, PATH or postgresql://USER@HOST:PORT/DB); default TASKLOOM_DATABASE_URL or file:.taskloom/taskloom.db",
  )
  .option("--verbose", "log engine internals to stderr and print stack traces")
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) });

let env: ReturnType<typeof readEnv>;
try {
  env = readEnv();
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n`);
  process.exit(2);
}

const context = createCliContext(env, () => program.opts<GlobalOptions>());
registerRunCommand(program, context);
registerRerunCommand(program, context);
registerTaskCommand(program, context);
registerValidateCommand(program, context);
registerPlanCommand(program, context);
registerDraftCommand(program, context);
registerListTasksCommand(program, context);
registerRunsCommand(program, context);
registerLogsCommand(program, context);
registerWorkerCommand(program, context);
registerQueuesCommand(program, context);
registerQueueCommand(program, context);
registerScheduleCommand(program, context);
registerMigrateCommand(program, context);
registerStartCommand(program, context);
registerContextCommand(program, context);
registerSnapshotsCommand(program, context);
registerApproveCommand(program, context);

// Usage errors (unknown option, missing argument, an option value its parser refuses) exit 2; --help and
// --version exit 0. Set on every command: a subcommand reports its own usage errors, and commander copies the
// setting only into subcommands created after it.
const allCommands = (command: Command): Command[] => [command, ...command.commands.flatMap(allCommands)];
for (const command of allCommands(program)) {
  command.exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
}

await program.parseAsync(process.argv);
