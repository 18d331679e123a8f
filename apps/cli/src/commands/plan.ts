import type { Command } from "commander";
import { type CliContext, runCommand } from "../cli-context.ts";
import { importPlanPath } from "../user-modules.ts";

export function registerPlanCommand(program: Command, context: CliContext): void {
  const plan = program.command("plan").description("import and export plans");
  plan
    .command("import")
    .description("import (or update) a plan from a file without running it")
    .argument("<file>", "plan file (YAML or JSON), or a module that exports definePlan(…)")
    .action((file: string) =>
      runCommand(context, async () => {
        const taskloom = await context.open();
        try {
          const imported = await importPlanPath(taskloom, file, process.cwd());
          const what = imported.changed
            ? `imported, version ${imported.version}`
            : `unchanged, version ${imported.version}`;
          context.stdout.write(`plan ${imported.slug} ${what} (${imported.definition.tasks.length} tasks)\n`);
          return 0;
        } finally {
          await taskloom.close();
        }
      }),
    );
  plan
    .command("export")
    .description("print a stored plan as a plan file")
    .argument("<slug>", "plan slug")
    .option("--format <format>", "yaml or json", "yaml")
    .action((slug: string, flags: { format: string }) =>
      runCommand(context, async () => {
        if (flags.format !== "yaml" && flags.format !== "json") {
          throw new Error(`--format must be yaml or json, got ${flags.format}`);
        }
        const taskloom = await context.open();
        try {
          const text = await taskloom.exportPlan(slug, flags.format);
          context.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
          return 0;
        } finally {
          await taskloom.close();
        }
      }),
    );
}
