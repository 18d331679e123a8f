import { BadInputError, NotFoundError } from "@taskloom/core";
import type { Taskloom } from "@taskloom/engine";
import type { Command } from "commander";
import { type CliContext, runCommand } from "../cli-context.ts";
import { table } from "../format.ts";

type ContextPreview = Awaited<ReturnType<Taskloom["context"]["previewDocument"]>>;

interface PlanFlag {
  plan?: string;
}

/** `--plan` is declared once, on `context`, so it may come before or after a subcommand. */
function planOf(flags: PlanFlag): string {
  if (!flags.plan) throw new BadInputError("give the plan: --plan SLUG");
  return flags.plan;
}

/**
 * `taskloom context TASK --plan SLUG [--json]` prints the bundle an llm task would get now; its
 * subcommands steer it (pin, exclude, unpin, approve, clear).
 */
export function registerContextCommand(program: Command, context: CliContext): void {
  const command = program
    .command("context")
    .description("show the context bundle an llm task would get now, and steer it")
    .argument("[task]", "the llm task's key")
    .option("--plan <slug>", "the plan (also for the subcommands)")
    .option("--json", "print one JSON document: task, plan, hash, budget, usedTokens, items, prompt")
    .action((task: string | undefined, flags: PlanFlag & { json?: boolean }) =>
      withEngine(context, async (taskloom) => {
        if (!task) throw new BadInputError("give the llm task's key: taskloom context TASK --plan SLUG");
        const preview = await taskloom.context.previewDocument(planOf(flags), task);
        context.stdout.write(flags.json ? `${JSON.stringify(preview)}\n` : `${describePreview(preview)}\n`);
      }),
    );

  const steer = (name: string, description: string, action: "pin" | "exclude" | null) =>
    command
      .command(name)
      .description(description)
      .argument("<task>", "the llm task's key")
      .argument("<ref>", "index, task:<key>, doc:<key> or note:<key>")
      .action((task: string, ref: string, _flags: unknown, self: Command) =>
        withEngine(context, async (taskloom) => {
          const normalized = await taskloom.context.setOverride(
            planOf(self.optsWithGlobals()),
            task,
            ref,
            action,
          );
          const done =
            action === null ? "unpinned (override removed)" : `${action === "pin" ? "pinned" : "excluded"}`;
          context.stdout.write(`${task}: ${normalized} ${done}\n`);
        }),
      );
  steer("pin", "always put an item in the task's bundle, first", "pin");
  steer("exclude", "keep an item out of the task's bundle", "exclude");
  steer("unpin", "remove a person's pin or exclude of an item", null);

  command
    .command("approve")
    .description("lock the bundle the task would get now: runs use it until its inputs change")
    .argument("<task>", "the llm task's key")
    .action((task: string, _flags: unknown, self: Command) =>
      withEngine(context, async (taskloom) => {
        const hash = await taskloom.context.approve(planOf(self.optsWithGlobals()), task);
        context.stdout.write(`${task}: approved context ${hash}\n`);
      }),
    );
  command
    .command("clear")
    .description("remove every pin, exclude and the approval of a task")
    .argument("<task>", "the llm task's key")
    .action((task: string, _flags: unknown, self: Command) =>
      withEngine(context, async (taskloom) => {
        await taskloom.context.clear(planOf(self.optsWithGlobals()), task);
        context.stdout.write(`${task}: overrides and approval cleared\n`);
      }),
    );
}

/**
 * Opens the engine for one command. An unknown plan, task or run is a usage error here (exit 2): the user
 * typed a name that does not exist.
 */
export function withEngine(context: CliContext, body: (taskloom: Taskloom) => Promise<void>): Promise<void> {
  return runCommand(context, async () => {
    const taskloom = await context.open();
    try {
      await body(taskloom);
      return 0;
    } catch (error) {
      if (error instanceof NotFoundError) throw new BadInputError(error.message);
      throw error;
    } finally {
      await taskloom.close();
    }
  });
}

function describePreview(preview: ContextPreview): string {
  const rows = [["REF", "TIER", "TOKENS", "DECISION", "REASON"]];
  for (const item of preview.items) {
    rows.push([item.ref, item.tier, String(item.tokens), item.decision, item.reason]);
  }
  return [
    `${preview.plan}/${preview.task}: ${preview.usedTokens} of ${preview.budget} tokens (prompt ${preview.promptTokens} more), hash ${preview.hash.slice(0, 12)}`,
    table(rows),
    "",
    "--- prompt ---",
    preview.prompt,
  ].join("\n");
}
