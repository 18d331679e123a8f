import type { Command } from "commander";
import { type CliContext, runCommand } from "../cli-context.ts";
import { table } from "../format.ts";

export function registerListTasksCommand(program: Command, context: CliContext): void {
  program
    .command("list-tasks")
    .description("list the tasks of stored plans")
    .option("--plan <slug>", "only this plan")
    .option("--json", "print JSON")
    .action((flags: { plan?: string; json?: boolean }) =>
      runCommand(context, async () => {
        const taskloom = await context.open();
        try {
          const tasks = await taskloom.queries.listTasks(flags.plan);
          if (flags.json) {
            context.stdout.write(`${JSON.stringify(tasks, null, 2)}\n`);
            return 0;
          }
          if (tasks.length === 0) {
            context.stdout.write("no tasks: import a plan with `taskloom plan import FILE`\n");
            return 0;
          }
          const rows = [["PLAN", "TASK", "KIND", "PRIORITY", "QUEUE", "REQUIRES"]];
          for (const t of tasks) {
            rows.push([t.planSlug, t.key, t.kind, String(t.priority), t.queue, t.requires.join(",") || "-"]);
          }
          context.stdout.write(`${table(rows)}\n`);
          return 0;
        } finally {
          await taskloom.close();
        }
      }),
    );
}
