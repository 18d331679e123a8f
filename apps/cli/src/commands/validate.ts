import fs from "node:fs/promises";
import path from "node:path";
import { formatPlanIssue, validatePlanText } from "@taskloom/core";
import { documentReader } from "@taskloom/engine/document-reader";
import type { Command } from "commander";
import { type CliContext, EXIT_INVALID, runCommand } from "../cli-context.ts";

export function registerValidateCommand(program: Command, context: CliContext): void {
  program
    .command("validate")
    .description("check a plan file; exit 0 with a summary, or 2 with every problem, one per line")
    .argument("<file>", "plan file (YAML or JSON)")
    .action((file: string) =>
      runCommand(context, async () => {
        const text = await fs.readFile(file, "utf8");
        const result = validatePlanText(text, {
          format: file.endsWith(".json") ? "json" : "yaml",
          readDocument: documentReader(path.dirname(path.resolve(file))),
        });
        if (!result.ok) {
          for (const issue of result.issues) context.stderr.write(`${file}: ${formatPlanIssue(issue)}\n`);
          return EXIT_INVALID;
        }
        const { plan } = result;
        const links = plan.tasks.reduce((n, task) => n + task.requires.length + task.refers.length, 0);
        context.stdout.write(
          `${file}: ok, plan ${plan.slug} with ${plan.tasks.length} tasks and ${links} links\n`,
        );
        return 0;
      }),
    );
}
