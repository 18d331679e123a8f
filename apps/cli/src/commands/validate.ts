import fs from "node:fs/promises";
import path from "node:path";
import { formatPlanIssue, validatePlanObject, validatePlanText } from "@taskloom/core";
import { documentReader } from "@taskloom/engine/document-reader";
import type { Command } from "commander";
import { type CliContext, EXIT_INVALID, runCommand } from "../cli-context.ts";
import { isModuleFile, loadPlanModule } from "../user-modules.ts";

export function registerValidateCommand(program: Command, context: CliContext): void {
  program
    .command("validate")
    .description("check a plan file; exit 0 with a summary, or 2 with every problem, one per line")
    .argument("<file>", "plan file (YAML or JSON), or a module that exports definePlan(…)")
    .action((file: string) =>
      runCommand(context, async () => {
        let result: ReturnType<typeof validatePlanText>;
        if (isModuleFile(file)) {
          // definePlan already checked everything but the document files, which are read here.
          const { document, dir } = await loadPlanModule(file, process.cwd());
          result = validatePlanObject(document, { readDocument: documentReader(dir) });
        } else {
          const text = await fs.readFile(file, "utf8");
          result = validatePlanText(text, {
            format: file.endsWith(".json") ? "json" : "yaml",
            readDocument: documentReader(path.dirname(path.resolve(file))),
          });
        }
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
