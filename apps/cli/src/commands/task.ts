import type { TaskAction } from "@taskloom/core";
import type { Command } from "commander";
import { type CliContext, runCommand } from "../cli-context.ts";
import { asInvalidInput, cliActor, readOutputFlag } from "./operator-input.ts";

interface ActionFlags {
  reason?: string;
  output?: string;
  outputFile?: string;
  frozen?: boolean;
  json?: boolean;
}

/** The `taskloom task` subcommands and the core action each one is. */
const ACTIONS: { name: string; action: TaskAction; description: string; takesOutput?: boolean }[] = [
  {
    name: "resolve",
    action: "resolve",
    description:
      "mark a failed or blocked task succeeded with a given output; its dependents then run (--reason required)",
    takesOutput: true,
  },
  {
    name: "skip",
    action: "skip",
    description:
      "skip a pending or ready task; its dependents treat it as done with no output (--reason required)",
  },
  {
    name: "reset",
    action: "reset-attempts",
    description: "give a task that is still going its whole retry budget again, from its next attempt",
  },
  {
    name: "cancel",
    action: "cancel",
    description:
      "cancel one task (a running one is stopped); its dependents are blocked, the run goes on and ends failed",
  },
];

export function registerTaskCommand(program: Command, context: CliContext): void {
  const task = program
    .command("task")
    .description("operator actions on one task of a run, recorded in the run's audit trail with you and why");
  for (const spec of ACTIONS) {
    const command = task
      .command(spec.name)
      .description(spec.description)
      .argument("<run>", "run id (a unique prefix is enough)")
      .argument("<task>", "task key")
      .option("--reason <text>", "why (shown in the audit trail)")
      .option("--json", "print the task run after the action as JSON");
    if (spec.takesOutput) {
      command
        .option("--output <text>", "the output the task succeeds with (JSON for `output: json` tasks)")
        .option("--output-file <path>", "read that output from a file (`-`: stdin)");
    }
    command.action((runId: string, taskKey: string, flags: ActionFlags) =>
      runCommand(context, async () => {
        const taskloom = await context.open();
        try {
          await asInvalidInput(() =>
            taskloom.operator.applyTaskAction({
              runId,
              taskKey,
              action: spec.action,
              output: spec.takesOutput ? readOutputFlag(flags) : null,
              actor: cliActor(),
              reason: flags.reason ?? null,
            }),
          );
          return await report(context, taskloom, runId, taskKey, spec.name, flags.json);
        } finally {
          await taskloom.close();
        }
      }),
    );
  }

  task
    .command("retry")
    .description(
      "retry a failed task in its run (its blocked dependents run after it), with the plan's current definition",
    )
    .argument("<run>", "run id (a unique prefix is enough)")
    .argument("<task>", "task key")
    .option("--frozen", "run the definition frozen when the run started, not the plan's current one")
    .option("--reason <text>", "why (shown in the audit trail)")
    .option("--json", "print the task run after the action as JSON")
    .action((runId: string, taskKey: string, flags: ActionFlags) =>
      runCommand(context, async () => {
        const taskloom = await context.open();
        try {
          await asInvalidInput(() =>
            taskloom.operator.retry(runId, taskKey, flags.frozen ? "frozen" : "current", {
              actor: cliActor(),
              reason: flags.reason ?? null,
            }),
          );
          return await report(context, taskloom, runId, taskKey, "retry", flags.json);
        } finally {
          await taskloom.close();
        }
      }),
    );
}

/** One line (or the task run as JSON) saying what the task is now. */
async function report(
  context: CliContext,
  taskloom: Awaited<ReturnType<CliContext["open"]>>,
  runId: string,
  taskKey: string,
  verb: string,
  json: boolean | undefined,
): Promise<number> {
  const run = await taskloom.queries.getRun(runId);
  const task = run.tasks.find((t) => t.key === taskKey);
  if (json) {
    context.stdout.write(`${JSON.stringify({ run: { id: run.id, status: run.status }, task })}\n`);
  } else {
    context.stdout.write(
      `${verb}: task ${taskKey} of run ${run.id} is ${task?.status ?? "?"} (run ${run.status})\n`,
    );
  }
  return 0;
}
