import { BadInputError } from "@taskloom/core";
import type { Command } from "commander";
import { type CliContext, runCommand } from "../cli-context.ts";
import { loadHandlers } from "../user-modules.ts";
import { asInvalidInput, cliActor } from "./operator-input.ts";
import { parsePositiveInt } from "./option-parsers.ts";
import { executeRunHere } from "./run.ts";

interface RerunFlags {
  from?: string;
  failed?: boolean;
  reason?: string;
  enqueue?: boolean;
  json?: boolean;
  concurrency?: number;
  register?: string[];
}

export function registerRerunCommand(program: Command, context: CliContext): void {
  program
    .command("rerun")
    .description(
      "start a new run of the plan's current version that reuses a finished run's outputs: --from TASK reruns that task and its downstream, --failed what did not succeed",
    )
    .argument("<run>", "the finished run (a unique prefix is enough)")
    .option("--from <task>", "rerun this task and everything downstream of it; reuse the rest")
    .option("--failed", "rerun the failed, blocked and cancelled tasks and their downstream; reuse the rest")
    .option("--reason <text>", "why (shown in both runs' audit trails)")
    .option("--enqueue", "create the run and return at once; a `taskloom worker` executes it")
    .option("--json", "print one JSON summary on stdout at the end")
    .option(
      "-c, --concurrency <n>",
      "tasks run at once (default 4, or TASKLOOM_WORKER_CONCURRENCY)",
      parsePositiveInt,
    )
    .option(
      "--register <file...>",
      "run the function task handlers these .ts/.js files export (defineTask) in this process; default none",
    )
    .action((sourceRunId: string, flags: RerunFlags) =>
      runCommand(context, async () => {
        if ((flags.from === undefined) === (flags.failed !== true)) {
          throw new BadInputError("give exactly one of --from TASK or --failed");
        }
        if (flags.register && flags.enqueue) {
          throw new BadInputError(
            "--register runs handlers in this process, which --enqueue leaves at once: register them in `taskloom worker`",
          );
        }
        // Loaded before the run is created: a tasks file that does not load leaves no run behind.
        const handlers = await loadHandlers(flags.register ?? [], process.cwd());
        const taskloom = await context.open();
        let created: Awaited<ReturnType<typeof taskloom.operator.rerun>>;
        try {
          created = await asInvalidInput(() =>
            taskloom.operator.rerun(sourceRunId, {
              from: flags.from === undefined ? "failure" : { task: flags.from },
              actor: cliActor(),
              reason: flags.reason ?? null,
              trigger: "cli",
            }),
          );
        } finally {
          await taskloom.close();
        }
        const what = `reusing ${created.reused.length ? created.reused.join(", ") : "nothing"}; running ${created.rerun.join(", ")}`;
        if (flags.enqueue) {
          context.stdout.write(
            flags.json
              ? `${JSON.stringify({ run: { id: created.runId, status: "queued" }, reused: created.reused, rerun: created.rerun })}\n`
              : `${created.runId}\n`,
          );
          if (!flags.json) context.stderr.write(`${what}\n`);
          return 0;
        }
        return executeRunHere(context, {
          runId: created.runId,
          note: `rerun ${created.runId} of run ${sourceRunId}: ${what}`,
          ...(flags.json ? { json: true } : {}),
          ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
          handlers,
        });
      }),
    );
}
