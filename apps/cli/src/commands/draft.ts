import fs from "node:fs/promises";
import type { Command } from "commander";
import { type CliContext, runCommand } from "../cli-context.ts";

export function registerDraftCommand(program: Command, context: CliContext): void {
  program
    .command("draft")
    .description(
      "ask the model for a plan that reaches GOAL; prints it as a plan file (needs TASKLOOM_LLM_BASE_URL)",
    )
    .argument("<goal>", "what the plan should achieve, in words")
    .option("--json", "print one JSON document {slug, yaml, requests, model}")
    .option("-o, --output <file>", "write the plan file there instead of printing it")
    .action((goal: string, options: { json?: boolean; output?: string }) =>
      runCommand(context, async () => {
        const taskloom = await context.open();
        const draft = await taskloom.drafter.draft(goal).finally(() => taskloom.close());
        if (options.output) await fs.writeFile(options.output, draft.yaml);
        if (options.json) {
          const document = {
            slug: draft.definition.slug,
            yaml: draft.yaml,
            requests: draft.requests,
            model: draft.model,
          };
          context.stdout.write(`${JSON.stringify(document)}\n`);
        } else if (options.output) {
          context.stdout.write(
            `wrote ${options.output}: plan ${draft.definition.slug} with ${draft.definition.tasks.length} tasks; review it, then taskloom plan import ${options.output}\n`,
          );
        } else {
          context.stdout.write(draft.yaml);
        }
        return 0;
      }),
    );
}
