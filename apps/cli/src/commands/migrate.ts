import type { Command } from "commander";
import { type CliContext, runCommand } from "../cli-context.ts";

export function registerMigrateCommand(program: Command, context: CliContext): void {
  program
    .command("migrate")
    .description("create or upgrade the database (every command also does this on its own)")
    .action(() =>
      runCommand(context, async () => {
        const taskloom = await context.open();
        try {
          const { appliedMigrations, location } = taskloom.database;
          context.stdout.write(
            appliedMigrations.length === 0
              ? `${location}: up to date\n`
              : `${location}: applied ${appliedMigrations.join(", ")}\n`,
          );
          return 0;
        } finally {
          await taskloom.close();
        }
      }),
    );
}
